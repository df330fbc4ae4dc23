package shard

import (
	"bytes"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

// TestPackedWindows checks the packed layout: fixed windows, end-of-text
// added only where a document lacks it, document offsets, padding.
func TestPackedWindows(t *testing.T) {
	docs := []*mill.Document{
		{ID: "a", Tokens: []int32{1, 2, 3, 9}},    // ends with eot already
		{ID: "b", Tokens: []int32{4, 5}},          // gets one
		{ID: "c", Tokens: []int32{}},              // no tokens: skipped
		{ID: "d", Tokens: []int32{6, 7, 8, 6, 7}}, // spans windows
	}
	for i, d := range docs {
		d.Seq, d.Text = uint64(i), strings.Repeat("x", i)
	}
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	opt.Layout, opt.SeqLen, opt.EOT, opt.Pad = LayoutPacked, 3, 9, 0
	s := writeAll(t, opt, testEnv(false), docs)
	rows := readDocs(t, dir)
	var ids, starts [][]int32
	var pads []int32
	for _, r := range rows {
		ids = append(ids, r.Tokens)
		starts = append(starts, r.Starts)
		pads = append(pads, r.Pad)
	}
	wantIDs := [][]int32{{1, 2, 3, 9}, {4, 5, 9, 6}, {7, 8, 6, 7}, {9, 0, 0, 0}}
	wantStarts := [][]int32{{0}, {0, 3}, {}, {}}
	if !slices.EqualFunc(ids, wantIDs, slices.Equal) ||
		!slices.EqualFunc(starts, wantStarts, slices.Equal) ||
		!slices.Equal(pads, []int32{0, 0, 0, 3}) {
		t.Fatalf("windows %v starts %v pads %v", ids, starts, pads)
	}
	if s.Summary()["skipped_no_tokens"] != 1 {
		t.Fatalf("summary %v", s.Summary())
	}
	m, _ := ReadManifest(dir)
	tot := m.Totals("")
	if tot.Tokens != 13 || tot.Padding != 3 || tot.Docs != 3 || m.SeqLen != 3 {
		t.Fatalf("totals %+v", tot)
	}
	var out bytes.Buffer
	if err := Inspect(&out, filepath.Join(dir, m.Shards[0].File), InspectOptions{}); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "layout  packed") ||
		!strings.Contains(out.String(), "padding 3") {
		t.Fatalf("inspect:\n%s", out.String())
	}
}

func TestPackedNeedsEOT(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	opt.Layout = LayoutPacked
	s, err := newSink(opt, mill.Env{Props: &mill.Props{}})
	if err != nil {
		t.Fatal(err)
	}
	err = s.Write(t.Context(), testDocs(1, 5)[0])
	if err == nil || !strings.Contains(err.Error(), "eot") {
		t.Fatalf("want an error asking for the end-of-text id, got %v", err)
	}
}

func TestTokenTypeAuto(t *testing.T) {
	for _, tc := range []struct {
		vocab, want string
	}{{"50257", "uint16"}, {"100277", "int32"}, {"", "int32"}} {
		dir := filepath.Join(t.TempDir(), "out")
		opt := testOptions(dir)
		opt.TokenType = "auto"
		env := testEnv(false)
		if tc.vocab != "" {
			env.Props.Set("tokenizer.vocab_size", tc.vocab)
		}
		docs := testDocs(40, 1000)
		writeAll(t, opt, env, cloneDocs(docs))
		m, _ := ReadManifest(dir)
		if m.TokenType != tc.want {
			t.Fatalf("vocabulary %q: token type %s, want %s", tc.vocab, m.TokenType, tc.want)
		}
		if err := Verify(dir); err != nil {
			t.Fatal(err)
		}
		rows := readDocs(t, dir)
		if !slices.Equal(rows[7].Tokens, docs[7].Tokens) {
			t.Fatalf("%s tokens differ after a round trip", tc.want)
		}
		st, err := Collect(filepath.Join(dir, m.Shards[0].File), StatsOptions{EOT: 1000})
		if err != nil || st.Shards != 1 || st.Docs != m.Shards[0].Rows || !st.EOT.OK {
			t.Fatalf("stats of one file: %+v, %v", st, err)
		}
	}
	opt := testOptions(filepath.Join(t.TempDir(), "out"))
	opt.TokenType = "uint16"
	s, _ := newSink(opt, testEnv(false))
	bad := &mill.Document{ID: "big", Tokens: []int32{70000}}
	if err := s.Write(t.Context(), bad); err == nil || !strings.Contains(err.Error(), "uint16") {
		t.Fatalf("want an error about uint16, got %v", err)
	}
}
