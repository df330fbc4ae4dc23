// Package megatron exports tokenmill shards to Megatron-LM's indexed
// dataset: a .bin file of concatenated token ids and a .idx index, the pair
// that megatron/core/datasets/indexed_dataset.py memory-maps (and that
// NeMo and GPT-NeoX read too).
//
// # Index layout
//
// The .idx file is little-endian: the 9-byte magic "MMIDIDX\x00\x00", the
// version (uint64, 1), the dtype code (uint8: 4 int32, 8 uint16), the
// number of sequences (uint64), the number of document indices (uint64),
// then the sequence lengths (int32 each), the byte offsets of the sequences
// in .bin (int64 each) and the document indices (int64 each: 0, then the
// index of the sequence after each document). Each tokenmill document
// becomes one sequence and one document (documents without tokens are left
// out, as Megatron's preprocessing does); each packed window becomes one.
//
// Export reads shards in file-name order (as state.json lists them) with
// bounded memory (one record batch, plus 12 bytes per sequence of the
// output file being written) and splits its output into files of a chosen
// size; each file is written under a temporary name, synced and renamed.
package megatron
