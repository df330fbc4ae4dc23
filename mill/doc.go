// Package mill holds the contract every tokenmill stage shares: the Document
// record that flows between stages, the interfaces a source, a processor, a
// streaming stage and a sink implement, the declaration of a component's
// options, and the counters the engine keeps for each stage.
//
// Stage packages (crawl, clean, dedup, tokenize, shard) import mill and never
// each other; the pipelines package wires them together. mill imports none of
// them.
//
// # Ordering
//
// Every document carries a sequence number (Seq) assigned by the engine in the
// order the sources produce documents. Stages keep that order: a Processor may
// run on several goroutines, and the engine restores input order after it, so
// the output of a pipeline does not depend on the number of workers.
//
// # Drops and errors
//
// A stage drops a document by returning a [DropError] (see [Drop]); the engine
// counts the drop under its reason. Any other error from a Processor is also a
// per-document problem: the engine logs it, counts it under the reason "error"
// and goes on. Only sources and sinks stop a run with an error.
package mill
