package shard

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// fakeDecoder decodes id n as "<n>".
type fakeDecoder struct{}

func (fakeDecoder) Decode(ids []int32) string {
	var b strings.Builder
	for _, id := range ids {
		fmt.Fprintf(&b, "<%d>", id)
	}
	return b.String()
}

func TestCollectDocuments(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	docs := testDocs(300, 1000)
	writeAll(t, testOptions(dir), testEnv(false), cloneDocs(docs))
	summary := `{"stages":[{"name":"read","role":"source","docs_in":320,"docs_out":320},
{"name":"clean","role":"stage","docs_in":320,"docs_out":300,"dropped":{"too_short":15,"lang":5}},
{"name":"shard","role":"sink","docs_in":300,"docs_out":300}]}`
	os.WriteFile(filepath.Join(dir, "summary.json"), []byte(summary), 0o644)

	st, err := Collect(dir, StatsOptions{Decoder: fakeDecoder{}, EOT: -1, TopTokens: 5})
	if err != nil {
		t.Fatal(err)
	}
	var tokens, text int64
	perSource := map[string]int64{}
	for _, d := range docs {
		tokens += int64(len(d.Tokens))
		text += int64(len(d.Text))
		perSource[d.Source] += int64(len(d.Tokens))
	}
	if st.Docs != 300 || st.Tokens != tokens || st.TextBytes != text {
		t.Fatalf("docs %d tokens %d text %d; want 300 %d %d", st.Docs, st.Tokens, st.TextBytes,
			tokens, text)
	}
	if len(st.Sources) != 3 {
		t.Fatalf("sources %+v", st.Sources)
	}
	for _, s := range st.Sources {
		if s.Tokens != perSource[s.Source] {
			t.Fatalf("source %s: %d tokens, want %d", s.Source, s.Tokens, perSource[s.Source])
		}
	}
	// Lengths are 2..30 tokens; nearest-rank median of the 300.
	var all []int64
	for _, d := range docs {
		all = append(all, int64(len(d.Tokens)))
	}
	slices.Sort(all)
	if st.Length.Min != 2 || st.Length.Max != 30 || st.Length.Quantiles["p50"] != all[149] {
		t.Fatalf("length stats %+v", st.Length)
	}
	if !st.EOT.OK || st.EOT.Count != 300 || st.EOT.AtEnd != 300 {
		t.Fatalf("eot check %+v", st.EOT)
	}
	if st.Vocab.Top[0].ID != 1000 || st.Vocab.Top[0].Text != "<1000>" {
		t.Fatalf("top token %+v", st.Vocab.Top[0])
	}
	if len(st.Drops) != 3 || st.Drops[1].Dropped["too_short"] != 15 {
		t.Fatalf("drops %+v", st.Drops)
	}

	var buf bytes.Buffer
	if err := WriteHTML(&buf, st); err != nil {
		t.Fatal(err)
	}
	page := buf.String()
	for _, want := range []string{`id="length-histogram"`, `id="tokens-per-source"`,
		`id="drops-per-stage"`, "clean: too_short", "clean: lang", "every document ends with",
		"&lt;1000&gt;", "300", human(tokens)} {
		if !strings.Contains(page, want) {
			t.Errorf("report lacks %q", want)
		}
	}
	if n := strings.Count(page, `<rect`); n != len(st.Length.Histogram)+3+2 {
		t.Errorf("report has only %d bars", n)
	}
	// Self-contained: no external references of any kind.
	if m := regexp.MustCompile(`(?i)(src|href)\s*=|https?://|@import|url\(`).FindString(page); m != "" {
		t.Errorf("report references something external: %q", m)
	}
}

func TestCollectPacked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	opt.Layout = LayoutPacked
	docs := testDocs(100, 1000)
	writeAll(t, opt, testEnv(false), cloneDocs(docs))
	st, err := Collect(dir, StatsOptions{EOT: -1})
	if err != nil {
		t.Fatal(err)
	}
	var tokens int64
	for _, d := range docs {
		tokens += int64(len(d.Tokens))
	}
	window := int64(opt.SeqLen + 1)
	wantPad := (window - tokens%window) % window
	if st.Docs != 100 || st.Tokens != tokens || st.Padding != wantPad {
		t.Fatalf("docs %d tokens %d padding %d; want 100 %d %d", st.Docs, st.Tokens, st.Padding,
			tokens, wantPad)
	}
	if st.Rows != (tokens+wantPad)/window {
		t.Fatalf("rows %d", st.Rows)
	}
	if !st.EOT.OK || st.Length.Min != 2 || st.Length.Max != 30 {
		t.Fatalf("eot %+v length %+v", st.EOT, st.Length)
	}
}

func TestLengthHistogramQuantiles(t *testing.T) {
	var h lengthHist
	for v := int64(1); v <= 100000; v++ {
		h.add(v)
	}
	ls := h.stats()
	for q, want := range map[string]int64{"p50": 50000, "p90": 90000, "p01": 1000} {
		got := ls.Quantiles[q]
		if d := float64(got-want) / float64(want); d > 0.01 || d < -0.01 {
			t.Errorf("%s = %d, want %d within 1%%", q, got, want)
		}
	}
	var n int64
	for _, b := range ls.Histogram {
		n += b.Count
	}
	if n != 100000 {
		t.Errorf("histogram holds %d values", n)
	}
}
