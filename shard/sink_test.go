package shard

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

// testDocs returns n documents with tokens ending in eot, meta and varied
// lengths.
func testDocs(n int, eot int32) []*mill.Document {
	docs := make([]*mill.Document, n)
	for i := range docs {
		words := strings.Repeat(fmt.Sprintf("word%d ", i%17), 1+i%29)
		toks := make([]int32, 0, 1+i%29+1)
		for k := range 1 + i%29 {
			toks = append(toks, int32((i*7+k)%1000))
		}
		toks = append(toks, eot)
		docs[i] = &mill.Document{ID: mill.StableID("doc", fmt.Sprint(i)), Text: words,
			Source: []string{"web", "books", "papers"}[i%3], URL: fmt.Sprintf("file:///d/%d", i),
			Meta: map[string]any{"n": i, "lang": "en"}, Tokens: toks, Seq: uint64(i)}
	}
	return docs
}

// cloneDocs copies documents so that a sink cannot alias another run's.
func cloneDocs(docs []*mill.Document) []*mill.Document {
	out := make([]*mill.Document, len(docs))
	for i, d := range docs {
		c := *d
		c.Tokens = slices.Clone(d.Tokens)
		out[i] = &c
	}
	return out
}

func testOptions(dir string) Options {
	return Options{Dir: dir, Layout: LayoutDocuments, Compression: "zstd",
		MaxShardSize: 4000, BatchSize: 1500, TokenType: "int32", SeqLen: 64, EOT: -1, Pad: -1}
}

func testEnv(resume bool) mill.Env {
	p := &mill.Props{}
	p.Set("tokenizer.encoding", "test_enc")
	p.Set("tokenizer.eot", "1000")
	return mill.Env{Resume: resume, Props: p}
}

// writeAll runs docs through a new sink.
func writeAll(t *testing.T, opt Options, env mill.Env, docs []*mill.Document) *Sink {
	t.Helper()
	s, err := newSink(opt, env)
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for _, d := range docs {
		if err := s.Write(ctx, d); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Close(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

// readDocs reads every row of a directory, in state.json order per split.
func readDocs(t *testing.T, dir string) []Row {
	t.Helper()
	ds, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var files []string
	for _, e := range ds.Manifest.Shards {
		files = append(files, ds.Path(e))
	}
	slices.Sort(files)
	var rows []Row
	for _, f := range files {
		if err := ReadFile(f, func(r Row) error { rows = append(rows, r); return nil }); err != nil {
			t.Fatal(err)
		}
	}
	return rows
}

func TestSinkRoundTrip(t *testing.T) {
	for _, comp := range []string{"zstd", "lz4", "none"} {
		t.Run(comp, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			opt := testOptions(dir)
			opt.Compression = comp
			docs := testDocs(200, 1000)
			writeAll(t, opt, testEnv(false), cloneDocs(docs))
			rows := readDocs(t, dir)
			if len(rows) != len(docs) {
				t.Fatalf("read %d rows, wrote %d", len(rows), len(docs))
			}
			for i, r := range rows {
				d := docs[i]
				if r.ID != d.ID || r.Text != d.Text || r.Source != d.Source || r.URL != d.URL ||
					!slices.Equal(r.Tokens, d.Tokens) {
					t.Fatalf("row %d differs: %+v vs %+v", i, r, d)
				}
				if want := fmt.Sprintf(`{"lang":"en","n":%d}`, i); r.Meta != want {
					t.Fatalf("row %d meta %s, want %s", i, r.Meta, want)
				}
			}
			m, err := ReadManifest(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(m.Shards) < 3 {
				t.Fatalf("expected rotation into several shards, got %d", len(m.Shards))
			}
			if !m.Complete || m.Committed != 200 || m.Encoding != "test_enc" || *m.EOT != 1000 {
				t.Fatalf("manifest: complete=%v committed=%d encoding=%q", m.Complete,
					m.Committed, m.Encoding)
			}
			for i, e := range m.Shards {
				want := fmt.Sprintf("data-%05d-of-%05d.arrow", i, len(m.Shards))
				if e.File != want {
					t.Fatalf("shard %d named %s, want %s", i, e.File, want)
				}
			}
			if err := Verify(dir); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestSinkDeterministic(t *testing.T) {
	base := t.TempDir()
	docs := testDocs(300, 1000)
	for _, name := range []string{"a", "b"} {
		opt := testOptions(filepath.Join(base, name))
		opt.ShuffleWindow, opt.Seed, opt.Validation = 37, 5, 0.2
		writeAll(t, opt, testEnv(false), cloneDocs(docs))
	}
	var files []string
	filepath.Walk(filepath.Join(base, "a"), func(p string, info os.FileInfo, err error) error {
		if err == nil && !info.IsDir() {
			rel, _ := filepath.Rel(filepath.Join(base, "a"), p)
			files = append(files, rel)
		}
		return nil
	})
	if len(files) < 6 {
		t.Fatalf("only %d files: %v", len(files), files)
	}
	for _, f := range files {
		a, _ := os.ReadFile(filepath.Join(base, "a", f))
		b, err := os.ReadFile(filepath.Join(base, "b", f))
		if err != nil || !bytes.Equal(a, b) {
			t.Fatalf("%s differs between two identical runs (%v)", f, err)
		}
	}
}

func TestSinkRefusesNonEmptyDir(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "x"), []byte("x"), 0o644)
	_, err := newSink(testOptions(dir), testEnv(false))
	if err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Fatalf("want an error mentioning --resume, got %v", err)
	}
	_, err = newSink(testOptions(dir), testEnv(true))
	if err == nil || !strings.Contains(err.Error(), ManifestName) {
		t.Fatalf("want an error about the missing manifest, got %v", err)
	}
}

// crashAfter writes docs into a sink and abandons it without Close, as a
// killed process would.
func crashAfter(t *testing.T, opt Options, resume bool, docs []*mill.Document) uint64 {
	t.Helper()
	s, err := newSink(opt, testEnv(resume))
	if err != nil {
		t.Fatal(err)
	}
	from, _ := s.Committed()
	for _, d := range docs {
		if d.Seq < from {
			continue
		}
		if err := s.Write(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	for _, sw := range s.splits {
		if sw.fw != nil {
			sw.fw.f.Close() // leave the temporary file behind
		}
	}
	return from
}

func TestSinkResumeExactlyOnce(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
	}{
		{"plain", func(o *Options) {}},
		{"shuffled_split", func(o *Options) { o.ShuffleWindow, o.Validation = 23, 0.3 }},
		{"packed", func(o *Options) { o.Layout = LayoutPacked }},
		{"packed_shuffled", func(o *Options) { o.Layout, o.ShuffleWindow = LayoutPacked, 19 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			opt := testOptions(dir)
			tc.edit(&opt)
			docs := testDocs(400, 1000)
			// Three crashes at growing points, then a full resumed run.
			crashAfter(t, opt, false, cloneDocs(docs[:120]))
			crashAfter(t, opt, true, cloneDocs(docs[:250]))
			crashAfter(t, opt, true, cloneDocs(docs[:251]))
			s, err := newSink(opt, testEnv(true))
			if err != nil {
				t.Fatal(err)
			}
			from, _ := s.Committed()
			if from == 0 {
				t.Fatal("nothing committed after three partial runs")
			}
			for _, d := range cloneDocs(docs) {
				if d.Seq >= from {
					if err := s.Write(context.Background(), d); err != nil {
						t.Fatal(err)
					}
				}
			}
			if err := s.Close(context.Background()); err != nil {
				t.Fatal(err)
			}
			if err := Verify(dir); err != nil {
				t.Fatal(err)
			}
			checkExactlyOnce(t, dir, opt, docs)
		})
	}
}

// checkExactlyOnce checks that every document is in the output once.
func checkExactlyOnce(t *testing.T, dir string, opt Options, docs []*mill.Document) {
	t.Helper()
	rows := readDocs(t, dir)
	if opt.Layout == LayoutPacked {
		var stream, want []int32
		for _, r := range rows {
			stream = append(stream, r.Tokens[:len(r.Tokens)-int(r.Pad)]...)
		}
		for _, d := range docs {
			want = append(want, d.Tokens...)
		}
		if opt.Validation > 0 {
			// Files are read train first, then validation.
			want = want[:0]
			for _, val := range []bool{false, true} {
				for _, d := range docs {
					if IsValidation(d.ID, opt.Validation) == val {
						want = append(want, d.Tokens...)
					}
				}
			}
		}
		if opt.ShuffleWindow == 0 && !slices.Equal(stream, want) {
			t.Fatalf("packed stream of %d tokens differs from the input's %d", len(stream),
				len(want))
		}
		slices.Sort(stream)
		slices.Sort(want)
		if !slices.Equal(stream, want) {
			t.Fatalf("packed tokens are not the input's tokens exactly once (%d vs %d)",
				len(stream), len(want))
		}
		return
	}
	seen := map[string]int{}
	for _, r := range rows {
		seen[r.ID]++
	}
	for _, d := range docs {
		if seen[d.ID] != 1 {
			t.Fatalf("document %d written %d times", d.Seq, seen[d.ID])
		}
	}
	if len(rows) != len(docs) {
		t.Fatalf("%d rows for %d documents", len(rows), len(docs))
	}
}

func TestSinkReplacesInvalidUTF8(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	docs := testDocs(3, 1000)
	docs[1].Text = "caf\xe9 au lait"
	s := writeAll(t, testOptions(dir), testEnv(false), docs)
	rows := readDocs(t, dir)
	if rows[1].Text != "caf\uFFFD au lait" {
		t.Fatalf("text %q", rows[1].Text)
	}
	if s.Summary()["invalid_utf8_replaced"] != 1 {
		t.Fatalf("summary %v", s.Summary())
	}
}

func TestSinkSkipsDocumentTooLargeForArrow(t *testing.T) {
	defer func(old int64) { maxDocBytes = old }(maxDocBytes)
	maxDocBytes = 2000
	dir := filepath.Join(t.TempDir(), "out")
	docs := testDocs(5, 1000)
	docs[2].Text = strings.Repeat("x", 3000)
	s := writeAll(t, testOptions(dir), testEnv(false), docs)
	if rows := readDocs(t, dir); len(rows) != 4 || s.Summary()["skipped_too_large"] != 1 {
		t.Fatalf("%d rows, summary %v", len(rows), s.Summary())
	}
}

// TestSinkManyCrashes chains many crashes at seeded random points, each
// resumed run seeing a little more input, and checks exactly-once output.
func TestSinkManyCrashes(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
	}{
		{"split", func(o *Options) { o.Validation = 0.3 }},
		{"shuffled_split", func(o *Options) { o.ShuffleWindow, o.Validation = 11, 0.3 }},
		{"packed_split", func(o *Options) { o.Layout, o.Validation = LayoutPacked, 0.3 }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			opt := testOptions(dir)
			opt.MaxShardSize = 1500
			tc.edit(&opt)
			docs := testDocs(600, 1000)
			rng := rand.New(rand.NewPCG(3, 4))
			// Each run is killed somewhere between the first document it
			// is given and a little past where the previous run got to.
			reach := 0
			for i := range 25 {
				m, _ := ReadManifest(dir)
				from := 0
				if m != nil {
					from = int(m.Committed)
				}
				end := min(len(docs), from+rng.IntN(reach-from+60))
				reach = max(reach, end)
				crashAfter(t, opt, i > 0, cloneDocs(docs[:end]))
			}
			resumeToEnd(t, dir, opt, docs)
		})
	}
}

// TestResumeKeepsUnseenPending commits a shard in a resumed run before it
// has seen again every document the earlier run left pending: those must
// stay pending in the new manifest.
func TestResumeKeepsUnseenPending(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	opt.Validation = 0.5
	docs := testDocs(100, 1000)
	crashAfter(t, opt, false, cloneDocs(docs))
	m, _ := ReadManifest(dir)
	if len(m.Pending) < 2 {
		t.Fatalf("pending %v: want at least two", m.Pending)
	}
	s, err := newSink(opt, testEnv(true))
	if err != nil {
		t.Fatal(err)
	}
	first := docs[m.Pending[0]]
	if err := s.Write(t.Context(), cloneDocs([]*mill.Document{first})[0]); err != nil {
		t.Fatal(err)
	}
	for _, sw := range s.splits {
		if sw.fw != nil {
			if err := sw.commit(); err != nil {
				t.Fatal(err)
			}
		}
	}
	m2, _ := ReadManifest(dir)
	for _, p := range m.Pending[1:] {
		if !slices.Contains(m2.Pending, p) {
			t.Fatalf("document %d, pending before and not seen again, is no longer pending "+
				"(%v)", p, m2.Pending)
		}
	}
	if m2.Committed != m.Pending[1] || m2.Received != m.Received {
		t.Fatalf("committed %d received %d; want %d %d", m2.Committed, m2.Received,
			m.Pending[1], m.Received)
	}
}

// TestResumedOutputIdentical: a run killed many times and resumed writes
// the same bytes as an uninterrupted run, also when it shuffles.
func TestResumedOutputIdentical(t *testing.T) {
	for _, tc := range []struct {
		name string
		edit func(*Options)
	}{
		{"plain", func(o *Options) {}},
		{"split", func(o *Options) { o.Validation = 0.3 }},
		{"packed_split", func(o *Options) { o.Layout, o.Validation = LayoutPacked, 0.3 }},
		{"shuffled", func(o *Options) { o.ShuffleWindow = 13 }},
		{"shuffled_split", func(o *Options) { o.ShuffleWindow, o.Validation = 13, 0.3 }},
		{"packed_shuffled_split", func(o *Options) {
			o.Layout, o.ShuffleWindow, o.Validation = LayoutPacked, 17, 0.3
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			base := t.TempDir()
			docs := testDocs(300, 1000)
			optA := testOptions(filepath.Join(base, "a"))
			tc.edit(&optA)
			writeAll(t, optA, testEnv(false), cloneDocs(docs))

			optB := optA
			optB.Dir = filepath.Join(base, "b")
			rng := rand.New(rand.NewPCG(5, 6))
			for i, end := 0, 0; end < len(docs); i++ {
				end = min(len(docs), end+1+rng.IntN(50))
				crashAfter(t, optB, i > 0, cloneDocs(docs[:end]))
			}
			s, err := newSink(optB, testEnv(true))
			if err != nil {
				t.Fatal(err)
			}
			from, _ := s.Committed()
			for _, d := range cloneDocs(docs) {
				if d.Seq >= from {
					s.Write(t.Context(), d)
				}
			}
			if err := s.Close(t.Context()); err != nil {
				t.Fatal(err)
			}
			compareTrees(t, optA.Dir, optB.Dir)
		})
	}
}

// compareTrees fails unless two directories hold the same files, byte for
// byte.
func compareTrees(t *testing.T, a, b string) {
	t.Helper()
	files := map[string]bool{}
	for _, root := range []string{a, b} {
		filepath.Walk(root, func(p string, info os.FileInfo, err error) error {
			if err == nil && !info.IsDir() {
				rel, _ := filepath.Rel(root, p)
				files[rel] = true
			}
			return nil
		})
	}
	for f := range files {
		x, errX := os.ReadFile(filepath.Join(a, f))
		y, errY := os.ReadFile(filepath.Join(b, f))
		if errX != nil || errY != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs (%v, %v)", f, errX, errY)
		}
	}
}

// resumeToEnd resumes the sink in dir, writes every document it has not
// committed, closes it and checks the directory holds each document once.
func resumeToEnd(t *testing.T, dir string, opt Options, docs []*mill.Document) {
	t.Helper()
	s, err := newSink(opt, testEnv(true))
	if err != nil {
		t.Fatal(err)
	}
	from, _ := s.Committed()
	for _, d := range cloneDocs(docs) {
		if d.Seq >= from {
			if err := s.Write(t.Context(), d); err != nil {
				t.Fatal(err)
			}
		}
	}
	if err := s.Close(t.Context()); err != nil {
		t.Fatal(err)
	}
	if err := Verify(dir); err != nil {
		t.Fatal(err)
	}
	checkExactlyOnce(t, dir, opt, docs)
}
