package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/eval"
	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
)

// realCorpus returns about size bytes of documents built from real
// sentences, with exact and near copies.
func realCorpus(t testing.TB, size int64) []mill.Document {
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
	var buf bytes.Buffer
	if _, err := eval.WriteCorpus(&buf, books, size, 1); err != nil {
		t.Fatal(err)
	}
	var docs []mill.Document
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var d mill.Document
		if err := dec.Decode(&d); err != nil {
			t.Fatal(err)
		}
		// One sentence a line, for paragraph dedup; one URL in ten repeats.
		d.Text = strings.ReplaceAll(d.Text, ". ", ".\n")
		d.URL = "https://example.org/" + d.ID
		if strings.HasSuffix(d.ID, "7") {
			d.URL = "https://www.example.org/" + d.ID[:len(d.ID)-1] + "/"
		}
		docs = append(docs, d)
	}
	return docs
}

// A resumed run replays the committed documents through the stage (with
// every check on) and then drops exactly what an uninterrupted run drops,
// with the same text left in the documents it keeps.
func TestResumedRunDropsTheSame(t *testing.T) {
	docs := realCorpus(t, 1<<20)
	set := dedup.Settings{Exact: true, URL: true, Near: true, MinHash: minhash.Default(),
		Threshold: 0.7, Paragraphs: true, ParagraphSplit: dedup.SplitLine,
		ParagraphMinChars: 40, ParagraphMinDoc: 200, ParagraphCapacity: 10000,
		ParagraphFPRate: 0.001}
	var last *dedup.Stage
	runFrom := func(cut int) ([]string, []string) {
		st := dedup.NewStage(set, nil)
		last = st
		reasons, texts := make([]string, len(docs)), make([]string, len(docs))
		for i := range docs {
			d := docs[i]
			d.Seq, d.Replay = uint64(i), i < cut
			reasons[i] = mill.DropReason(st.Process(context.Background(), &d))
			texts[i] = d.Text
		}
		return reasons, texts
	}
	full, fullText := runFrom(0)
	st0 := last
	counts := map[string]int{}
	for _, r := range full {
		counts[r]++
	}
	t.Logf("%d documents: %v", len(docs), counts)
	if counts[dedup.ReasonExact] == 0 || counts[dedup.ReasonNear] == 0 ||
		counts[dedup.ReasonURL] == 0 || st0.Summary()["docs_trimmed"] == 0 {
		t.Fatalf("corpus lacks some kind of duplicate: %v", counts)
	}
	for _, cut := range []int{1, len(docs) / 3, len(docs) - 1} {
		got, text := runFrom(cut)
		for i := cut; i < len(docs); i++ {
			if got[i] != full[i] || text[i] != fullText[i] {
				t.Fatalf("resumed at %d: doc %d dropped %q, uninterrupted %q (text equal: %v)",
					cut, i, got[i], full[i], text[i] == fullText[i])
			}
		}
	}
}
