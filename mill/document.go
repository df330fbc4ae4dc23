package mill

import (
	"crypto/sha256"
	"encoding/hex"
)

// Document is the record that flows through a pipeline. Its JSON form is one
// line of the interchange format:
//
//	{"id":"…","text":"…","source":"web","url":"https://…","meta":{…},"tokens":[…]}
//
// Tokens is empty until a tokenize stage has run.
type Document struct {
	// ID identifies the document; sources derive it so that the same input
	// gives the same ID on every run (see StableID).
	ID string `json:"id"`
	// Text is the document body, UTF-8.
	Text string `json:"text"`
	// Source names where the document came from: "web", "gutenberg",
	// "arxiv", "file", "warc", …
	Source string `json:"source,omitempty"`
	// URL is the document's address: http(s) for crawled pages, file:// for
	// local files.
	URL string `json:"url,omitempty"`
	// Meta holds string-keyed metadata (title, language, dates, scores).
	// Numbers read from JSON are json.Number so that they round-trip exactly.
	Meta map[string]any `json:"meta,omitempty"`
	// Tokens are the token ids, set by the tokenize stage.
	Tokens []int32 `json:"tokens,omitempty"`

	// Seq is the document's position in the run's input, assigned by the
	// engine. It is not serialized.
	Seq uint64 `json:"-"`
	// Replay is set on documents that a resumed run has already written.
	// They pass through stateful stages (to rebuild their state) and are
	// discarded by the sink.
	Replay bool `json:"-"`
}

// Size is the number of bytes the engine counts for d: its text length.
func (d *Document) Size() int64 { return int64(len(d.Text)) }

// SetMeta sets key in d.Meta, creating the map if needed.
func (d *Document) SetMeta(key string, v any) {
	if d.Meta == nil {
		d.Meta = make(map[string]any)
	}
	d.Meta[key] = v
}

// MetaString returns d.Meta[key] if it is a string, and "" otherwise.
func (d *Document) MetaString(key string) string {
	s, _ := d.Meta[key].(string)
	return s
}

// StableID derives a document id from parts (typically a URL or a path and
// an index): the first 16 bytes of their SHA-256, in hex. The same parts
// always give the same id.
func StableID(parts ...string) string {
	h := sha256.New()
	for i, p := range parts {
		if i > 0 {
			h.Write([]byte{0})
		}
		h.Write([]byte(p))
	}
	var sum [sha256.Size]byte
	return hex.EncodeToString(h.Sum(sum[:0])[:16])
}
