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
// "url_duplicate", "paragraph_duplicate" or "near_duplicate"; the stage adds
// its index size and work to the run summary (mill.Summarizer). On a resumed
// run the engine replays documents a previous run already committed; the
// stage updates its state for them exactly as it did the first time, so a
// resumed run drops the same documents as an uninterrupted one.
//
// # Memory
//
// The stage holds in-memory indexes that grow with the number of documents
// it keeps: about 40 bytes per document for exact and URL keys, about 830
// bytes per document for the near-duplicate index with 14 × 8 bands, and a
// Bloom filter of 1.8 bytes per distinct paragraph. The memory_limit option
// bounds them: past it the stage logs an error and passes documents on
// without indexing them.
//
// # Related packages
//
// Package minhash computes the signatures; package cluster is the on-disk
// mode for corpora whose index does not fit in memory (signatures, external
// sort of band keys, union-find clusters with a survivor policy, filter);
// package eval measures detection quality on real near-duplicate pairs.
package dedup
