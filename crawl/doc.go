// Package crawl holds tokenmill's sources: the components that bring
// documents into a pipeline. The `files` source reads local text, HTML and
// JSON Lines files; the `web` source crawls sites from URL lists politely;
// the `warc` source reads WARC and WET archives. Main-text extraction from
// HTML lives in the extract subpackage.
//
// Every source emits documents in a deterministic order for the same input
// (files in path order, JSONL lines in file order, WARC records in file
// order, crawled pages in discovery order whatever the concurrency: see
// WebSource.Read) and turns each input record into either a document or a
// counted skip with a reason.
package crawl
