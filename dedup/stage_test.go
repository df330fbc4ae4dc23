package dedup

import (
	"context"
	"errors"
	"strings"
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
	got := run(t, newTestStage(t, map[string]string{"near": "false"}), docs)
	want := []string{"", ReasonExact, "", "", ReasonExact, ReasonExact}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("doc %s: got %q, want %q", docs[i].ID, got[i], want[i])
		}
	}
}

func TestExactDisabled(t *testing.T) {
	docs := []*mill.Document{{Text: "same"}, {Text: "same"}}
	got := run(t, newTestStage(t, map[string]string{"exact": "false", "near": "false"}), docs)
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
	s := newTestStage(t, map[string]string{"memory_limit": "100B", "near": "false",
		"on_memory_limit": "keep"})
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

func TestURLDuplicates(t *testing.T) {
	docs := []*mill.Document{
		{Text: "first page", URL: "https://www.example.com/a/?utm_source=feed"},
		{Text: "the same page fetched again, now different", URL: "http://example.com/a"},
		{Text: "no url at all"},
		{Text: "no url either"},
		{Text: "another page", URL: "https://example.com/b"},
	}
	got := run(t, newTestStage(t, map[string]string{"url": "true"}), docs)
	want := []string{"", ReasonURL, "", "", ""}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("doc %d: got %q, want %q", i, got[i], want[i])
		}
	}
}

func TestParagraphDuplicates(t *testing.T) {
	boiler := "This page is part of the Example Corporation knowledge base, all rights reserved.\n"
	a := "Lighthouses were once kept by families who lived at the foot of the tower.\n" + boiler
	b := "Fog signals came later: first bells, then horns driven by compressed air, " +
		"and finally electric emitters that could be heard for many miles out at sea.\n" +
		"Short line\n" + boiler +
		"Keepers logged every ship that passed, and the logs are now a source for historians.\n"
	c := boiler + "Too short.\n"
	docs := []*mill.Document{{Text: a}, {Text: b}, {Text: c}}
	s := newTestStage(t, map[string]string{"paragraphs": "true", "near": "false",
		"paragraph_min_doc_chars": "100"})
	got := run(t, s, docs)
	want := []string{"", "", ReasonParagraph}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("doc %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if want := strings.Replace(b, boiler, "", 1); docs[1].Text != want {
		t.Errorf("doc 1 after paragraph removal:\n%q\nwant\n%q", docs[1].Text, want)
	}
	if want := "Short line\n"; !containsLine(docs[1].Text, want) {
		t.Errorf("short line was removed: %q", docs[1].Text)
	}
	if sum := s.Summary(); sum["paragraphs_removed"] != 2 || sum["docs_trimmed"] != 1 {
		t.Errorf("summary %v", sum)
	}
}

func containsLine(text, line string) bool {
	for i := 0; i+len(line) <= len(text); i++ {
		if text[i:i+len(line)] == line && (i == 0 || text[i-1] == '\n') {
			return true
		}
	}
	return false
}

func TestParagraphSplitBlankLine(t *testing.T) {
	p := &paragraphs{split: SplitBlankLine}
	text := "\n\nFirst para\nstill first\n\n\nSecond\n\nThird"
	var got []string
	for _, sp := range p.span(text) {
		got = append(got, text[sp[0]:sp[1]])
	}
	want := []string{"\n\n", "First para\nstill first\n\n\n", "Second\n\n", "Third"}
	if len(got) != len(want) {
		t.Fatalf("spans %q, want %q", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("span %d = %q, want %q", i, got[i], want[i])
		}
	}
}

func TestBloomFalsePositiveRate(t *testing.T) {
	const fp = 0.01
	s := newBloomSet(2000, fp)
	h := NewExactHasher()
	// Fill three layers' worth, then probe with keys never added.
	for i := range 10000 {
		s.Add(h.Key("in " + string(rune('a'+i%26)) + itoa(i)))
	}
	if len(s.layers) < 3 {
		t.Fatalf("%d layers after 10000 adds at capacity 2000", len(s.layers))
	}
	falsePos := 0
	const probes = 20000
	for i := range probes {
		if s.Has(h.Key("out " + itoa(i))) {
			falsePos++
		}
	}
	if rate := float64(falsePos) / probes; rate > 2*fp {
		t.Errorf("false-positive rate %.4f above 2×%.3f", rate, fp)
	}
	for i := range 10000 {
		if !s.Has(h.Key("in " + string(rune('a'+i%26)) + itoa(i))) {
			t.Fatalf("false negative for item %d", i)
		}
	}
}

func itoa(i int) string {
	b := []byte{}
	for {
		b = append([]byte{byte('0' + i%10)}, b...)
		if i /= 10; i == 0 {
			return string(b)
		}
	}
}

func TestExactKeyNormalizesUnicode(t *testing.T) {
	h := NewExactHasher()
	same := [][2]string{
		{"Cafe\u0301 noir", "Caf\u00e9 noir"},                        // combining accent
		{"100 \u2126 resistor", "100 \u03a9 resistor"},               // Ohm sign, a singleton
		{"\u1100\u1161 \u304b\u3099", "\uac00 \u304c"},               // Hangul jamo, kana voicing
		{"\u201cQuoted\u201d \u2122", "\u201cQuoted\u201d   \u2122"}, // safe runes, spaces
	}
	for _, c := range same {
		if h.Key(c[0]) != h.Key(c[1]) {
			t.Errorf("%q and %q have different keys", c[0], c[1])
		}
	}
	if h.Key("\u00e9") == h.Key("e") {
		t.Error("é and e share a key: exact dedup must keep accents")
	}
}

// By default a full index stops the run with an error saying what to do.
func TestMemoryLimitFailsByDefault(t *testing.T) {
	s := newTestStage(t, map[string]string{"memory_limit": "100B", "near": "false"})
	var fatal *mill.FatalError
	for i, text := range []string{"a", "b", "c", "d"} {
		err := s.Process(context.Background(), &mill.Document{Text: text})
		if errors.As(err, &fatal) {
			if i == 0 || !strings.Contains(err.Error(), "raise memory_limit") {
				t.Errorf("doc %d: %v", i, err)
			}
			return
		}
	}
	t.Fatal("the memory limit never stopped the stage")
}
