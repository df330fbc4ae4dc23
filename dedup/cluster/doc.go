// Package cluster is the on-disk ("cluster mode") near-duplicate removal for
// corpora whose index does not fit in memory, in four steps that each
// stream from files in a work directory and can run separately:
//
//  1. Signatures reads the JSONL inputs and writes, per document, its
//     MinHash signature (2 bytes per value), its length, survivor score and
//     exact-text key, and one (band key, document) record per band.
//  2. Buckets sorts the band records externally (bounded memory), walks each
//     bucket and writes the pairs whose estimated Jaccard similarity reaches
//     the threshold.
//  3. Clusters joins the pairs with union-find, picks one survivor per
//     cluster by the survivor policy, and writes the sorted list of
//     documents to remove and a cluster-size histogram.
//  4. Filter (a mill.Processor) drops the listed documents when the inputs
//     are read again in the same order.
//
// Documents are numbered by their position in the inputs (malformed lines
// skipped, as the engine does), which is the engine's Seq when the filter
// runs in a pipeline over the same inputs.
//
// # Memory
//
// Signatures and Buckets hold a fixed amount (the sort buffer, one
// signature per worker); Clusters holds 20 bytes per document (union-find
// parents, cluster sizes and best members), the only cost that grows with
// the corpus. Disk: 2·K + 32 bytes per document plus 16 bytes per document
// and band, sorted in runs.
package cluster
