package cluster

import (
	"context"
	"errors"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/eval"
	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/mill/jsonl"
)

// corpus builds documents from real books: distinct passages, and for some
// of them exact copies and lightly edited copies (a few words replaced),
// in a shuffled order.
func corpus(t testing.TB, distinct int, seed uint64) []*mill.Document {
	t.Helper()
	dir, err := eval.DataDir()
	if errors.Is(err, eval.ErrNoData) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	books, err := eval.Books(dir)
	if err != nil {
		t.Fatal(err)
	}
	var words []string
	names := mapsKeys(books)
	slices.Sort(names)
	for _, name := range names {
		words = append(words, strings.Fields(books[name])...)
	}
	r := rand.New(rand.NewPCG(seed, 7))
	var docs []*mill.Document
	pos := 0
	for i := range distinct {
		n := 150 + r.IntN(1500)
		base := words[pos : pos+n]
		pos += n + 50 // passages never overlap
		docs = append(docs, &mill.Document{ID: "d" + strconv.Itoa(i), Text: strings.Join(base, " "),
			Meta: map[string]any{"score": float64(r.IntN(100))}})
		if i%3 != 0 {
			continue
		}
		for c := range 1 + r.IntN(3) {
			edited := slices.Clone(base)
			if c > 0 { // the first copy is exact
				for j := range edited {
					if r.Float64() < 0.01 {
						edited[j] = "changed"
					}
				}
			}
			docs = append(docs, &mill.Document{ID: "d" + strconv.Itoa(i) + "c" + strconv.Itoa(c),
				Text: strings.Join(edited, " "), Meta: map[string]any{"score": float64(r.IntN(100))}})
		}
	}
	r.Shuffle(len(docs), func(i, j int) { docs[i], docs[j] = docs[j], docs[i] })
	return docs
}

func mapsKeys(m map[string]string) []string {
	var k []string
	for x := range m {
		k = append(k, x)
	}
	return k
}

func writeJSONL(t testing.TB, path string, docs []*mill.Document) {
	t.Helper()
	w, err := jsonl.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := w.Write(d); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
}

// Streaming mode and cluster mode (survivor policy first) remove the same
// documents, for the same reasons.
func TestStreamingAndClusterModesAgree(t *testing.T) {
	docs := corpus(t, 400, 1)
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, docs)

	p := minhash.Default()
	stage := dedup.NewStage(dedup.Settings{Exact: true, Near: true, MinHash: p, Threshold: 0.7}, nil)
	streaming := map[uint64]string{}
	for i, d := range docs {
		c := *d
		if err := stage.Process(context.Background(), &c); err != nil {
			streaming[uint64(i)] = mill.DropReason(err)
		}
	}

	work := filepath.Join(dir, "work")
	st, err := Run(context.Background(), Options{Dir: work, Params: p, Threshold: 0.7,
		Policy: Policy{Kind: KeepFirst}, Workers: 2}, []string{in}, 64<<10)
	if err != nil {
		t.Fatal(err)
	}
	f, err := NewFilter(work)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	clustered := map[uint64]string{}
	for i, d := range docs {
		d.Seq = uint64(i)
		if err := f.Process(context.Background(), d); err != nil {
			clustered[uint64(i)] = mill.DropReason(err)
		}
	}
	if len(streaming) < 100 {
		t.Fatalf("only %d duplicates in the corpus", len(streaming))
	}
	for i, r := range streaming {
		if clustered[i] != r {
			t.Errorf("doc %d (%s): streaming %q, cluster %q", i, docs[i].ID, r, clustered[i])
		}
	}
	// Cluster mode joins pairs transitively over the whole input, so it
	// also removes a document whose only link to its cluster is a document
	// that comes after it (A, then B ~ C ~ A with B not similar to A): the
	// stream had already passed B on. Every such extra must have no
	// verified match among the documents before it.
	signer := minhash.NewSigner(p)
	compact := make([]minhash.Compact, len(docs))
	keys := make([][]uint64, len(docs))
	for i, d := range docs {
		sig := make([]uint64, p.K())
		signer.Sign(d.Text, sig)
		compact[i] = minhash.Compress(nil, sig)
		keys[i] = make([]uint64, p.Bands)
		p.BandKeys(sig, keys[i])
	}
	extras := 0
	for i, r := range clustered {
		if streaming[i] != "" {
			continue
		}
		extras++
		for j := range i {
			if shareBand(keys[i], keys[j]) && minhash.Similarity(compact[i], compact[j]) >= 0.7 {
				t.Errorf("doc %d (%s): cluster mode removed it (%s), streaming kept it although "+
					"doc %d (%s) before it matches", i, docs[i].ID, r, j, docs[j].ID)
			}
		}
	}
	if extras > len(clustered)/50 {
		t.Errorf("cluster mode removed %d documents more than streaming (of %d)", extras,
			len(clustered))
	}
	total := st.Removed[dedup.ReasonNear] + st.Removed[dedup.ReasonExact]
	if total != int64(len(clustered)) || st.Removed[dedup.ReasonExact] == 0 {
		t.Errorf("stats %+v, filter removed %d", st, len(clustered))
	}
	t.Logf("%d docs, %d removed (%d only by cluster mode); histogram %v", len(docs), total,
		extras, st.Histogram)
}

func shareBand(a, b []uint64) bool {
	for i := range a {
		if a[i] == b[i] {
			return true
		}
	}
	return false
}

// Each survivor policy keeps the cluster member it promises.
func TestSurvivorPolicies(t *testing.T) {
	base := strings.Repeat("the quick brown fox jumps over the lazy dog and runs away ", 30)
	docs := []*mill.Document{
		{ID: "a", Text: base, Source: "web", Meta: map[string]any{"date": "2020-01-01", "q": "0.2"}},
		{ID: "b", Text: base + " extra words here", Source: "books",
			Meta: map[string]any{"date": "2023-05-01", "q": "0.1"}},
		{ID: "c", Text: base + " more", Source: "wiki",
			Meta: map[string]any{"date": "2021-01-01", "q": "0.9"}},
		{ID: "x", Text: "an unrelated document about something else entirely, quite different"},
	}
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, docs)
	cases := []struct {
		p    Policy
		keep string
	}{
		{Policy{Kind: KeepFirst}, "a"},
		{Policy{Kind: KeepLongest}, "b"},
		{Policy{Kind: KeepNewest}, "b"},
		{Policy{Kind: KeepScore, Key: "q"}, "c"},
		{Policy{Kind: KeepSource, Sources: []string{"wiki", "books"}}, "c"},
		{Policy{Kind: KeepSource, Sources: []string{"books"}}, "b"},
	}
	for _, c := range cases {
		t.Run(c.p.Kind+c.p.Key+strings.Join(c.p.Sources, ""), func(t *testing.T) {
			work := filepath.Join(t.TempDir(), "w")
			if _, err := Run(context.Background(), Options{Dir: work, Params: minhash.Default(),
				Threshold: 0.7, Policy: c.p}, []string{in}, 1<<20); err != nil {
				t.Fatal(err)
			}
			f, err := NewFilter(work)
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			var kept []string
			for i, d := range docs {
				d.Seq = uint64(i)
				if f.Process(context.Background(), d) == nil {
					kept = append(kept, d.ID)
				}
			}
			if want := []string{c.keep, "x"}; !slices.Equal(kept, want) {
				t.Errorf("kept %v, want %v", kept, want)
			}
		})
	}
}

func TestExternalSortWithManyRuns(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in")
	w, err := createRecords(in)
	if err != nil {
		t.Fatal(err)
	}
	r := rand.New(rand.NewPCG(3, 3))
	var want []record
	for range 20000 {
		rec := record{r.Uint64() % 5000, r.Uint64() % 100}
		want = append(want, rec)
		if err := w.Write(rec); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	runs, err := sortRecords(in, filepath.Join(dir, "out"), 16*1024) // 1,024 records a run
	if err != nil {
		t.Fatal(err)
	}
	if runs < 19 {
		t.Errorf("%d runs, want about 20", runs)
	}
	slices.SortFunc(want, cmpRecord)
	rd, err := openRecords(filepath.Join(dir, "out"))
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	for i := range want {
		got, err := rd.Next()
		if err != nil || got != want[i] {
			t.Fatalf("record %d: %v %v, want %v", i, got, err, want[i])
		}
	}
	if _, err := rd.Next(); err == nil {
		t.Error("extra records after the sorted ones")
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".run-*")); len(left) > 0 {
		t.Errorf("run files left behind: %v", left)
	}
}

func TestStepsCheckPrerequisites(t *testing.T) {
	dir := t.TempDir()
	if _, err := Buckets(context.Background(), dir, 1<<20, nil); err == nil ||
		!strings.Contains(err.Error(), "tokenmill dedup signatures") {
		t.Errorf("buckets without signatures: %v", err)
	}
	in := filepath.Join(dir, "in.jsonl")
	writeJSONL(t, in, []*mill.Document{{ID: "a", Text: "some text here"}})
	work := filepath.Join(dir, "w")
	if _, err := Signatures(context.Background(), Options{Dir: work, Params: minhash.Default(),
		Threshold: 0.7}, []string{in}); err != nil {
		t.Fatal(err)
	}
	if _, err := Clusters(context.Background(), work, nil); err == nil ||
		!strings.Contains(err.Error(), "dedup buckets") {
		t.Errorf("clusters before buckets: %v", err)
	}
	m, _ := ReadManifest(work, "")
	writeJSONL(t, in, []*mill.Document{{ID: "a", Text: "some other text here now"}})
	if err := m.CheckInputs([]string{in}); err == nil {
		t.Error("a changed input was accepted")
	}
}
