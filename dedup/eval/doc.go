// Package eval measures how well near-duplicate detection works on real
// text: it builds pairs of documents whose true word-shingle Jaccard
// similarity is known (editions and encodings of the same Gutenberg book,
// the same API page in two library versions, controlled edits of real
// passages, and pairs of unrelated documents), runs each pair through the
// dedup stage, and tabulates the detection rate against true similarity
// next to the LSH S-curve.
//
// The tests of the dedup package assert the quality targets with it, and
// `tokenmill bench dedup-quality` prints the table recorded in
// BENCHMARKS.md.
package eval
