package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/eval"
	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/mill/jsonl"
)

func init() {
	registerBench("dedup-sig", "FILE...", "MinHash signatures of whole text files",
		benchDedupSignatures)
	registerBench("dedup", "IN.jsonl", "streaming dedup stage (exact + MinHash-LSH)",
		benchDedupStage)
	registerBench("dedup-corpus", "OUT.jsonl SIZE",
		"write a corpus from real books with known duplicates", benchDedupCorpus)
	registerBench("dedup-quality", "[permutations]",
		"near-duplicate detection vs true Jaccard on real pairs", benchDedupQuality)
}

func benchDedupSignatures(_ context.Context, w io.Writer, args []string) error {
	if len(args) == 0 {
		return usageError("bench dedup-sig needs at least one text file")
	}
	var texts []string
	var size int64
	for _, p := range args {
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		texts = append(texts, string(b))
		size += int64(len(b))
	}
	for _, method := range []string{minhash.MethodSketch, minhash.MethodPermutations} {
		p := minhash.Default()
		p.Method = method
		s := minhash.NewSigner(p)
		sig := make([]uint64, p.K())
		r := measure(size, func() {
			for _, t := range texts {
				s.Sign(t, sig)
			}
		})
		fmt.Fprintf(w, "dedup-sig (%s, 14×8): %s\n", method, r)
	}
	return nil
}

func benchDedupStage(_ context.Context, w io.Writer, args []string) error {
	if len(args) != 1 {
		return usageError("bench dedup needs one JSONL file (it is held in memory)")
	}
	r, err := jsonl.Open(args[0])
	if err != nil {
		return err
	}
	defer r.Close()
	var docs []*mill.Document
	var size int64
	for {
		d, err := r.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return err
		}
		docs = append(docs, d)
		size += int64(len(d.Text))
	}
	var dropped int
	res := measure(size, func() {
		st := dedup.NewStage(dedup.Settings{Exact: true, Near: true, MinHash: minhash.Default(),
			Threshold: 0.7}, nil)
		dropped = 0
		for _, d := range docs {
			c := *d
			if st.Process(context.Background(), &c) != nil {
				dropped++
			}
		}
	})
	fmt.Fprintf(w, "dedup (streaming, exact + near, 14×8): %s; %d of %d documents dropped\n",
		res, dropped, len(docs))
	return nil
}

func benchDedupQuality(_ context.Context, w io.Writer, args []string) error {
	dir, err := eval.DataDir()
	if err != nil {
		return err
	}
	p := minhash.Default()
	if len(args) > 0 {
		p.Method = args[0]
		if err := p.Validate(); err != nil {
			return usageError("%v", err)
		}
	}
	s := minhash.NewSigner(p)
	books, err := eval.Books(dir)
	if err != nil {
		return err
	}
	pairs, err := eval.GutenbergPairs(dir, s)
	if err != nil {
		return err
	}
	// Seeds 101 and up: not the pairs the tests assert on.
	pairs = append(pairs, eval.EditPairs(books, s, 1500, 101)...)
	pairs = append(pairs, eval.OverlapPairs(books, s, 500, 101)...)
	pairs = append(pairs, eval.DifferentPairs(books, s, 1500, 101)...)
	const a, b = "/usr/share/doc/libglibmm-2.4-doc/reference/html",
		"/usr/share/doc/libglibmm-2.68-doc/reference/html"
	if same, diff, err := eval.GlibmmPairs(a, b, s, 50, 0); err == nil && len(same) > 0 {
		pairs = append(append(pairs, same...), diff...)
	} else if err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	} else {
		fmt.Fprintf(w, "(glibmm pairs left out: install libglibmm-2.4-doc and "+
			"libglibmm-2.68-doc; looked in %s)\n", filepath.Dir(a))
	}
	out, err := eval.Run(pairs, p, 0.7)
	if err != nil {
		return err
	}
	recall, nHi, falseRate, nLo := eval.Rates(out, 0.5, 0.8)
	fmt.Fprintf(w, "%s\n\n", dedup.Describe(p, 0.7))
	eval.Table(w, out, p)
	fmt.Fprintln(w)
	eval.ByKind(w, out)
	fmt.Fprintf(w, "\nrecall at J ≥ 0.8: %.4f (%d pairs); removed at J ≤ 0.5: %.4f (%d pairs)\n",
		recall, nHi, falseRate, nLo)
	fmt.Fprintln(w, strings.Repeat("-", 40))
	return nil
}

func benchDedupCorpus(_ context.Context, w io.Writer, args []string) error {
	if len(args) != 2 {
		return usageError("bench dedup-corpus needs OUT.jsonl and a SIZE such as 1GB")
	}
	size, err := mill.ParseSize(args[1])
	if err != nil {
		return usageError("%v", err)
	}
	dir, err := eval.DataDir()
	if err != nil {
		return err
	}
	books, err := eval.Books(dir)
	if err != nil {
		return err
	}
	f, err := os.Create(args[0])
	if err != nil {
		return err
	}
	st, err := eval.WriteCorpus(f, books, size, 1)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "dedup-corpus: %s: %d documents, %.2f GB of text, %d exact and %d near "+
		"copies\n", args[0], st.Docs, float64(st.Bytes)/1e9, st.ExactCopies, st.NearCopies)
	return nil
}
