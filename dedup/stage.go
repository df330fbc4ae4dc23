package dedup

import (
	"context"
	"fmt"
	"log/slog"

	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
)

// Drop reasons, as counted in the run summary.
const (
	ReasonExact     = "exact_duplicate"
	ReasonURL       = "url_duplicate"
	ReasonParagraph = "paragraph_duplicate"
	ReasonNear      = "near_duplicate"
)

// Settings configure a Stage; NewStage reads them from the stage options.
type Settings struct {
	Exact bool
	URL   bool
	// Paragraphs enables paragraph dedup with the fields below.
	Paragraphs        bool
	ParagraphSplit    string
	ParagraphMinChars int
	ParagraphMinDoc   int
	ParagraphCapacity int64
	ParagraphFPRate   float64
	// Near enables MinHash-LSH near-duplicate removal.
	Near      bool
	MinHash   minhash.Params
	Threshold float64
	// MemoryLimit bounds the indexes in bytes; 0 is no limit.
	MemoryLimit int64
	// KeepOnLimit keeps documents without indexing them once MemoryLimit
	// is reached, instead of stopping the run.
	KeepOnLimit bool
}

// Stage is the dedup processor. It is stateful: the engine must call Process
// from one goroutine, in input order (its Spec is not Parallel).
type Stage struct {
	set Settings
	log *slog.Logger

	hasher *ExactHasher
	exact  map[Key128]struct{}
	urls   map[Key128]struct{}
	paras  *paragraphs
	index  *lshIndex
	signer *minhash.Signer
	sig    []uint64

	kept      int64
	unindexed int64 // documents kept without indexing: memory_limit reached
	trimmed   int64 // documents that lost paragraphs but were kept
}

// exactEntryBytes is the measured heap cost of one key in the exact and URL
// sets (see TestIndexMemoryPerDoc and BENCHMARKS.md).
const exactEntryBytes = 40

// NewStage builds a Stage. The settings must be valid (NewProcessor
// validates them from the options).
func NewStage(set Settings, log *slog.Logger) *Stage {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Stage{set: set, log: log, hasher: NewExactHasher(),
		exact: map[Key128]struct{}{}, urls: map[Key128]struct{}{}}
	if set.Paragraphs {
		s.paras = &paragraphs{split: set.ParagraphSplit, minChars: set.ParagraphMinChars,
			minDocLen: set.ParagraphMinDoc, hasher: NewExactHasher(),
			set: newBloomSet(set.ParagraphCapacity, set.ParagraphFPRate)}
	}
	if set.Near {
		s.index = newLSHIndex(set.MinHash, set.Threshold)
		s.signer = minhash.NewSigner(set.MinHash)
		s.sig = make([]uint64, set.MinHash.K())
	}
	return s
}

// Process drops d if it duplicates a document seen before, and otherwise
// records it. Replayed documents (d.Replay) update the state the same way,
// so a resumed run makes the same decisions as an uninterrupted one.
func (s *Stage) Process(_ context.Context, d *mill.Document) error {
	var urlKey, exactKey Key128
	var hasURL bool
	if s.set.URL {
		if u := NormalizeURL(d.URL); u != "" {
			hasURL = true
			urlKey = s.hasher.Key(u)
			if _, dup := s.urls[urlKey]; dup {
				return mill.Drop(ReasonURL)
			}
		}
	}
	if s.set.Exact {
		exactKey = s.hasher.Key(d.Text)
		if _, dup := s.exact[exactKey]; dup {
			return mill.Drop(ReasonExact)
		}
	}
	if s.paras != nil {
		text, changed := s.paras.apply(d.Text, s.reserve)
		if changed {
			if len(text) < s.paras.minDocLen {
				return mill.Drop(ReasonParagraph)
			}
			d.Text = text
			s.trimmed++
		}
	}
	near := false
	if s.index != nil && s.signer.Sign(d.Text, s.sig) > 0 {
		if s.index.Find(s.sig) > 0 {
			// A near duplicate is indexed too, so that a chain of small
			// edits (A, A', A'' …) goes as a whole, as in cluster mode,
			// where duplicate pairs are joined transitively.
			if s.reserve(s.index.docBytes()) {
				s.index.Add()
			}
			return mill.Drop(ReasonNear)
		}
		near = true
	}

	// d survives: remember it, as far as memory_limit allows.
	s.kept++
	need := int64(0)
	if hasURL {
		need += exactEntryBytes
	}
	if s.set.Exact {
		need += exactEntryBytes
	}
	if near {
		need += s.index.docBytes()
	}
	if !s.reserve(need) {
		if !s.set.KeepOnLimit {
			return mill.Fatal(fmt.Errorf("dedup index reached memory_limit (%d bytes) "+
				"after %d documents: raise memory_limit, or use `tokenmill dedup --mode "+
				"cluster`, which keeps its index on disk, then run again with --resume",
				s.set.MemoryLimit, s.kept-1))
		}
		return nil
	}
	if hasURL {
		s.urls[urlKey] = struct{}{}
	}
	if s.set.Exact {
		s.exact[exactKey] = struct{}{}
	}
	if near {
		s.index.Add()
	}
	return nil
}

// Unindexed is the number of documents kept without being indexed because
// memory_limit was reached; copies of them were not detected.
func (s *Stage) Unindexed() int64 { return s.unindexed }

// MemoryUsed estimates the bytes held by the stage's indexes.
func (s *Stage) MemoryUsed() int64 {
	n := int64(len(s.exact)+len(s.urls)) * exactEntryBytes
	if s.paras != nil {
		n += s.paras.set.Bytes()
	}
	if s.index != nil {
		n += s.index.Bytes()
	}
	return n
}

// reserve reports whether n more bytes fit under memory_limit. When they do
// not, the document is kept but not indexed; the first time, an error is
// logged that says what to do, and the summary counts such documents.
func (s *Stage) reserve(n int64) bool {
	if s.set.MemoryLimit <= 0 || s.MemoryUsed()+n <= s.set.MemoryLimit {
		return true
	}
	if s.unindexed == 0 && s.set.KeepOnLimit {
		s.log.Error("dedup index reached memory_limit; later documents are kept "+
			"without being indexed, so their copies will not be found",
			"memory_limit", s.set.MemoryLimit, "indexed_docs", s.kept,
			"fix", "raise memory_limit, or use `tokenmill dedup --mode cluster`, "+
				"which keeps its index on disk")
	}
	s.unindexed++
	return false
}

// Summary reports the stage's own figures for the run summary: documents
// kept, index memory, documents kept without indexing, and paragraph and
// near-duplicate work.
func (s *Stage) Summary() map[string]int64 {
	m := map[string]int64{
		"kept":        s.kept,
		"index_bytes": s.MemoryUsed(),
	}
	if s.unindexed > 0 {
		m["unindexed"] = s.unindexed
	}
	if s.paras != nil {
		m["paragraphs_removed"] = s.paras.removed
		m["paragraph_bytes_removed"] = s.paras.removedLen
		m["docs_trimmed"] = s.trimmed
	}
	if s.index != nil {
		m["near_comparisons"] = s.index.compared
	}
	return m
}
