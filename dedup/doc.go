// Package dedup removes duplicate documents from a stream: exact copies (by a
// 128-bit hash of the normalized text), copies under the same normalized
// URL, repeated paragraphs, and near duplicates found with MinHash and
// locality-sensitive hashing (LSH).
//
// # In a pipeline
//
// The "dedup" stage is stateful and not parallel: the engine calls it from one
// goroutine in input order, so the first copy of a document is the one that
// survives and the output does not depend on the number of workers. A
// dropped document is counted under its reason: "exact_duplicate",
// "url_duplicate", "paragraph_duplicate" or "near_duplicate". On a resumed
// run the engine replays documents a previous run already committed; the
// stage updates its state for them exactly as it did the first time, so a
// resumed run drops the same documents as an uninterrupted one.
//
// # Memory
//
// The stage holds an index that grows with the number of distinct documents
// it keeps; its cost per document is documented on each option and measured
// in BENCHMARKS.md. The memory_limit option bounds it: when the index would
// grow past the limit the stage stops with an error that says what to do.
package dedup
