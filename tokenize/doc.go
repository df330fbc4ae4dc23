// Package tokenize turns document text into token ids with byte-pair
// encodings in the tiktoken format, producing exactly the ids OpenAI's
// tiktoken produces, several times faster than the other Go and JavaScript
// implementations.
//
// # Encodings
//
// The presets are OpenAI's r50k_base (alias gpt2), p50k_base, cl100k_base and
// o200k_base, whose rank files ship inside the Go module
// github.com/pkoukk/tiktoken-go-loader, so nothing is fetched; and llama3,
// which knows Llama 3's split pattern and its 256 special tokens but takes
// the 128,000-rank file from the user (Meta's original/tokenizer.model is
// that file), as its licence differs. Any tiktoken rank file with its own
// split pattern and special tokens is a Definition for New.
//
// # How text is encoded
//
// Text is cut into pieces by the encoding's split pattern, and each piece is
// merged from single bytes into tokens, lowest rank first. The patterns of
// the presets run on hand-written scanners that reproduce the regular
// expressions match for match (split.go states the argument; the tests
// compare them with a backtracking regex engine, with pkoukk/tiktoken-go and
// with OpenAI's Rust core), classifying characters with Unicode 16.0 tables
// of our own (internal/uni), since Go's unicode package is at 15.0. Merging
// looks pairs of tokens up in an id-pair table, uses a heap for long pieces
// so that a 100 KB run of letters stays near linear, and keeps a small cache
// of recent pieces per worker. Nothing is allocated per piece.
//
// Bytes that are not UTF-8 are kept: Encode treats each as one character
// that is neither letter, number nor space (where tiktoken, which cannot
// take such input, would see U+FFFD), so Decode(Encode(s)) == s for every
// string. EncodeBytes reproduces tiktoken's private byte-level encoder.
//
// # Special tokens
//
// Encode treats strings such as "<|endoftext|>" in the text as ordinary
// text; only EncodeSpecial turns them into control tokens. The stage does the
// same unless its allow_special option is set.
//
// # The stage
//
// The "tokenize" stage sets mill.Document.Tokens from Text and changes
// nothing else. It appends the end-of-text id after each document (option
// eot) and may prepend a begin-of-text id (bos, for Llama 3). It records the
// encoding in the run's properties (tokenizer.encoding, tokenizer.eot,
// tokenizer.bos, tokenizer.vocab_size) for the shard manifest. It keeps no
// state between documents, so the engine runs it on all workers and restores
// document order.
//
// # Concurrency
//
// An Encoder is immutable after New and safe for concurrent use; its scratch
// memory comes from a sync.Pool, one per concurrent caller.
package tokenize
