package dedup

import (
	"context"
	"log/slog"

	"github.com/tokenmill/tokenmill/mill"
)

// Drop reasons, as counted in the run summary.
const (
	ReasonExact = "exact_duplicate"
)

// Stage is the dedup processor. It is stateful: the engine must call Process
// from one goroutine, in input order (its Spec is not Parallel).
type Stage struct {
	log   *slog.Logger
	exact bool
	limit int64 // bytes; 0 = unlimited

	hasher *exactHasher
	seen   map[Key128]struct{}

	kept      int64
	unindexed int64 // documents passed on without indexing: memory_limit reached
}

// exactEntryBytes is the measured heap cost of one key in the exact set
// (see TestExactMemoryPerDoc and BENCHMARKS.md).
const exactEntryBytes = 40

// NewStage builds the dedup stage from its configuration.
func NewStage(cfg mill.Config, env mill.Env) (*Stage, error) {
	log := env.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Stage{
		log:    log,
		exact:  cfg.Bool("exact"),
		limit:  cfg.Size("memory_limit"),
		hasher: newExactHasher(),
		seen:   make(map[Key128]struct{}),
	}
	return s, nil
}

// Process drops d if it duplicates a document seen before, and otherwise
// records it. Replayed documents (d.Replay) update the state the same way.
func (s *Stage) Process(_ context.Context, d *mill.Document) error {
	if s.exact {
		k := s.hasher.Key(d.Text)
		if _, dup := s.seen[k]; dup {
			return mill.Drop(ReasonExact)
		}
		if s.reserve(exactEntryBytes) {
			s.seen[k] = struct{}{}
		}
	}
	s.kept++
	return nil
}

// MemoryUsed estimates the bytes held by the stage's indexes.
func (s *Stage) MemoryUsed() int64 {
	return int64(len(s.seen)) * exactEntryBytes
}

// reserve reports whether n more bytes fit under memory_limit. When they do
// not, the document is kept but not indexed; the first time, an error is
// logged that says what to do, and the summary counts such documents.
func (s *Stage) reserve(n int64) bool {
	if s.limit <= 0 || s.MemoryUsed()+n <= s.limit {
		return true
	}
	if s.unindexed == 0 {
		s.log.Error("dedup index reached memory_limit; later documents are kept "+
			"without being indexed", "memory_limit", s.limit, "index_docs", s.kept,
			"fix", "raise memory_limit, or use `tokenmill dedup signatures|buckets|clusters|filter`")
	}
	s.unindexed++
	return false
}

// Summary reports the stage's own figures for the run summary.
func (s *Stage) Summary() map[string]int64 {
	return map[string]int64{
		"index_docs":  s.kept,
		"index_bytes": s.MemoryUsed(),
		"unindexed":   s.unindexed,
	}
}
