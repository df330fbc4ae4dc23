// Package minhash computes MinHash signatures of documents and the
// locality-sensitive-hashing (LSH) parameters that turn them into candidate
// near-duplicate pairs.
//
// # Shingles
//
// Text is normalized on the fly: lower-cased, diacritics folded (é → e),
// punctuation and symbols treated as white space, runs of white space
// collapsed. Words of scripts that separate words with spaces are tokens; in
// scripts that do not (Han, Hiragana, Katakana, Thai, Lao, Khmer, Myanmar,
// Tibetan) every character is a token. A shingle is n consecutive tokens
// (default 5), so for Chinese or Japanese text shingles are character
// n-grams.
//
// # Hashing
//
// Each token is hashed once (64 bits); each shingle's hash combines its n
// token hashes and is mixed once; each of the k = bands × rows signature
// values is the minimum over shingles of a*h + b (mod 2^64) for a fixed odd
// a and b per value. Shingle hashes are collected in a small batch and the
// permutations run over the batch, so signing allocates nothing per shingle
// and runs at a few hundred MB/s per core (see BENCHMARKS.md).
//
// Two documents agree on one signature value with probability equal to the
// Jaccard similarity of their shingle sets; with b bands of r rows they share
// at least one band with probability 1 - (1 - J^r)^b (see Params.Probability).
//
// A Signer is not safe for concurrent use; build one per goroutine. Signers
// built with the same Params produce identical signatures in every process,
// so signatures written to disk by one run can be compared with another's.
package minhash
