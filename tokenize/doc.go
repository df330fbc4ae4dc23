// Package tokenize turns document text into token ids with byte-pair
// encodings in the tiktoken format: OpenAI's r50k_base, p50k_base,
// cl100k_base and o200k_base (whose rank files ship inside the Go module
// github.com/pkoukk/tiktoken-go-loader, so nothing is fetched), the Llama 3
// vocabulary from a rank file the user supplies, and any custom tiktoken rank
// file with its split pattern and special tokens.
//
// # The stage
//
// The "tokenize" stage reads mill.Document.Text and sets Tokens; it changes
// nothing else. By default a document's text is encoded as ordinary text:
// a string such as "<|endoftext|>" inside a document becomes the ids of its
// characters, never the control token. The stage appends the end-of-text id
// after each document (option eot) and, for Llama 3, may prepend the
// begin-of-text id (option bos). It is stateless and safe for concurrent
// use, so the engine runs it on all workers and restores document order.
//
// # The Go API
//
// Get returns a built-in encoding by name; New builds one from a
// Definition. An Encoder is immutable and safe for concurrent use: Encode
// gives the ids of ordinary text, EncodeSpecial also recognises special
// token strings, and Decode reverses both.
package tokenize
