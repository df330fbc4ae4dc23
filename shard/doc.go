// Package shard is tokenmill's last stage: it writes documents into
// compressed Arrow IPC shards that a training loop loads directly, keeps a
// manifest of what is committed, and reads those shards back for
// verification, statistics, inspection and export.
//
// # Output
//
// The "shard" sink writes Arrow IPC stream files laid out as Hugging Face
// datasets' save_to_disk does: data-00000-of-000NN.arrow files with the
// "huggingface" schema metadata, dataset_info.json and state.json beside
// them (and, with a validation split, one such directory per split under a
// dataset_dict.json). Buffers are compressed with zstd (default), lz4 or not
// at all. Two record layouts exist: "documents" (one row per document: id,
// source, url, text, tokens, n_tokens, meta) and "packed" (fixed windows of
// seq_len+1 tokens across document boundaries, for causal language-model
// training). See [DocumentsSchema] and [PackedSchema].
//
// # Manifest, crash safety and resume
//
// manifest.json lists every committed shard with its rows, tokens, bytes and
// SHA-256. A shard is written under a temporary name, synced and renamed;
// only then is the manifest replaced (write, sync, rename). A killed run
// therefore leaves only complete shards listed, and the sink, as a
// mill.Resumer, tells the engine how many input documents are committed so
// that a resumed run neither loses nor duplicates a document. Final
// data-…-of-NNNNN names are given at Close, when the total is known; that
// rename step is recorded in the manifest first, so it too survives a
// crash.
//
// # Ordering and determinism
//
// The sink receives documents in input order and writes them in that order,
// or, with shuffle_window set, shuffled inside windows of that many
// documents by a seeded generator, and shard files permuted at Close. The
// same input and options give byte-identical shards and manifest: nothing
// time-dependent is written. A run killed and resumed writes the same bytes
// as an uninterrupted one: the manifest keeps what a restart needs (the
// packing carry, the order of a half-written shuffle window and the point
// where it was flushed), and a shard's commit and the commits it causes in
// the other split are recorded in one manifest write.
//
// # Reading
//
// [Open] reads a shard directory's manifest; [ReadFile] streams the rows of
// one shard; [Verify] checks shards against the manifest; [Collect] gathers
// the statistics that `tokenmill stats` prints or renders as HTML. The
// megatron subpackage exports shards to Megatron-LM's indexed dataset.
package shard
