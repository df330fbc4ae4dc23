package dedup

import (
	"context"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

// newTestStage builds the dedup stage from option values given as strings,
// as the command line would.
func newTestStage(t testing.TB, opts map[string]string) *Stage {
	t.Helper()
	spec := Specs()[0]
	vals := map[string]any{}
	for k, v := range opts {
		o := spec.Option(k)
		if o == nil {
			t.Fatalf("no option %q", k)
		}
		x, err := o.Parse(v)
		if err != nil {
			t.Fatal(err)
		}
		vals[k] = x
	}
	cfg, err := mill.NewConfig(&spec, vals)
	if err != nil {
		t.Fatal(err)
	}
	p, err := spec.NewProcessor(cfg, mill.Env{})
	if err != nil {
		t.Fatal(err)
	}
	return p.(*Stage)
}

// run passes docs through s and returns the drop reason of each ("" = kept).
func run(t testing.TB, s *Stage, docs []*mill.Document) []string {
	t.Helper()
	out := make([]string, len(docs))
	for i, d := range docs {
		if err := s.Process(context.Background(), d); err != nil {
			out[i] = mill.DropReason(err)
			if out[i] == "" {
				t.Fatalf("doc %d: %v", i, err)
			}
		}
	}
	return out
}

func TestExactDuplicates(t *testing.T) {
	docs := []*mill.Document{
		{ID: "a", Text: "Call me Ishmael. Some years ago"},
		{ID: "b", Text: "  Call me\tIshmael.\r\n Some   years ago\n"},
		{ID: "c", Text: "call me Ishmael. Some years ago"},
		{ID: "d", Text: "Cafe\u0301 au lait"},
		{ID: "e", Text: "Caf\u00e9 au lait"},
		{ID: "f", Text: "Call me Ishmael. Some years ago"},
	}
	got := run(t, newTestStage(t, nil), docs)
	want := []string{"", ReasonExact, "", "", ReasonExact, ReasonExact}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("doc %s: got %q, want %q", docs[i].ID, got[i], want[i])
		}
	}
}

func TestExactDisabled(t *testing.T) {
	docs := []*mill.Document{{Text: "same"}, {Text: "same"}}
	got := run(t, newTestStage(t, map[string]string{"exact": "false"}), docs)
	if got[1] != "" {
		t.Fatalf("exact=false dropped a copy: %q", got[1])
	}
}

// A resumed run replays the documents an earlier run committed; the stage
// must end in the same state and drop the same later documents.
func TestReplayRebuildsState(t *testing.T) {
	texts := []string{"one", "two", "one", "three", "two", "four", "three"}
	mk := func(replayUpTo int) []*mill.Document {
		var docs []*mill.Document
		for i, s := range texts {
			docs = append(docs, &mill.Document{Text: s, Seq: uint64(i), Replay: i < replayUpTo})
		}
		return docs
	}
	full := run(t, newTestStage(t, nil), mk(0))
	for cut := 1; cut < len(texts); cut++ {
		got := run(t, newTestStage(t, nil), mk(cut))
		for i := cut; i < len(texts); i++ {
			if got[i] != full[i] {
				t.Errorf("resumed at %d: doc %d got %q, uninterrupted run %q", cut, i, got[i], full[i])
			}
		}
	}
}

func TestMemoryLimitStopsIndexing(t *testing.T) {
	s := newTestStage(t, map[string]string{"memory_limit": "100B"})
	docs := []*mill.Document{{Text: "a"}, {Text: "b"}, {Text: "c"}, {Text: "a"}, {Text: "c"}}
	got := run(t, s, docs)
	want := []string{"", "", "", ReasonExact, ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("doc %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if s.Summary()["unindexed"] != 2 || s.MemoryUsed() > 100 {
		t.Errorf("summary %v, memory %d", s.Summary(), s.MemoryUsed())
	}
}
