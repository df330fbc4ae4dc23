// Package jsonl reads and writes the document interchange format: JSON Lines,
// one mill.Document per line, plain or compressed with gzip or zstd.
//
// Readers detect compression from the leading magic bytes, so a compressed
// stream on standard input works as well as a named file; writers choose it
// from the file extension (.gz, .zst). Lines may be of any length. A line
// that is not a valid document is returned as a *LineError naming the file
// and line, and the reader goes on with the next line.
//
// Neither Reader nor Writer is safe for concurrent use.
package jsonl
