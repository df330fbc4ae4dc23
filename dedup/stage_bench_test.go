package dedup_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"testing"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/eval"
	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
)

// BenchmarkStage runs the streaming stage (exact + near) over 20 MB of
// real sentences with 15% exact and 15% near copies.
func BenchmarkStage(b *testing.B) {
	dir, err := eval.DataDir()
	if errors.Is(err, eval.ErrNoData) && os.Getenv("CI") != "true" {
		b.Skip(err)
	}
	if err != nil {
		b.Fatal(err)
	}
	books, err := eval.Books(dir)
	if err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := eval.WriteCorpus(&buf, books, 20e6, 1); err != nil {
		b.Fatal(err)
	}
	var docs []mill.Document
	var size int64
	dec := json.NewDecoder(&buf)
	for dec.More() {
		var d mill.Document
		if err := dec.Decode(&d); err != nil {
			b.Fatal(err)
		}
		docs = append(docs, d)
		size += int64(len(d.Text))
	}
	b.SetBytes(size)
	b.ResetTimer()
	for b.Loop() {
		st := dedup.NewStage(dedup.Settings{Exact: true, Near: true, MinHash: minhash.Default(),
			Threshold: 0.7}, nil)
		for i := range docs {
			d := docs[i]
			st.Process(context.Background(), &d)
		}
	}
}
