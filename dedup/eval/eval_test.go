package eval

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/dedup/minhash"
)

func dataDir(t testing.TB) string {
	t.Helper()
	dir, err := DataDir()
	if errors.Is(err, ErrNoData) && os.Getenv("CI") != "true" {
		t.Skip(err)
	}
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// Glibmm reference directories (Debian packages libglibmm-2.4-doc and
// libglibmm-2.68-doc; `make test-deps` installs them).
const (
	glibmmA = "/usr/share/doc/libglibmm-2.4-doc/reference/html"
	glibmmB = "/usr/share/doc/libglibmm-2.68-doc/reference/html"
)

// allPairs builds the evaluation set from real text. Held-out seeds give a
// different set of the same kinds.
func allPairs(t testing.TB, s *minhash.Signer, seed uint64, glibmm int) []Pair {
	t.Helper()
	dir := dataDir(t)
	books, err := Books(dir)
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := GutenbergPairs(dir, s)
	if err != nil {
		t.Fatal(err)
	}
	pairs = append(pairs, EditPairs(books, s, 500, seed)...)
	pairs = append(pairs, OverlapPairs(books, s, 200, seed)...)
	pairs = append(pairs, DifferentPairs(books, s, 500, seed)...)
	if _, err := os.Stat(glibmmB); err == nil {
		same, diff, err := GlibmmPairs(glibmmA, glibmmB, s, 50, glibmm)
		if err != nil {
			t.Fatal(err)
		}
		pairs = append(append(pairs, same...), diff...)
	} else if os.Getenv("CI") == "true" {
		t.Fatalf("glibmm documentation not installed (%v): run make test-deps", err)
	} else {
		t.Logf("skipping glibmm pairs: %v", err)
	}
	return pairs
}

// The quality targets of the defaults: recall at least 0.95 on pairs with
// word-5-gram Jaccard at least 0.8, and at most 1% of pairs at most 0.5
// removed, on pairs built from real documents.
func TestDefaultsMeetQualityTargets(t *testing.T) {
	p := minhash.Default()
	s := minhash.NewSigner(p)
	for _, seed := range []uint64{1, 2} {
		pairs := allPairs(t, s, seed, 150)
		out, err := Run(pairs, p, 0.7)
		if err != nil {
			t.Fatal(err)
		}
		recall, nHi, falseRate, nLo := Rates(out, 0.5, 0.8)
		t.Logf("seed %d: recall %.4f on %d pairs with J ≥ 0.8; removed %.4f of %d pairs "+
			"with J ≤ 0.5", seed, recall, nHi, falseRate, nLo)
		if nHi < 100 || nLo < 300 {
			t.Fatalf("too few pairs to judge: %d near, %d far", nHi, nLo)
		}
		if recall < 0.95 {
			t.Errorf("seed %d: recall %.4f < 0.95 at J ≥ 0.8", seed, recall)
		}
		if falseRate > 0.01 {
			t.Errorf("seed %d: %.4f of pairs with J ≤ 0.5 removed (> 1%%)", seed, falseRate)
		}
		var b strings.Builder
		Table(&b, out, p)
		ByKind(&b, out)
		t.Log("\n" + b.String())
		for _, o := range out {
			if o.Pair.Kind == KindDifferent && o.Detected {
				t.Errorf("different documents removed as near duplicates: %s (J=%.3f)",
					o.Pair.Name, o.Pair.Jaccard)
			}
		}
	}
}

// Editions and encodings of the same book are near duplicates.
func TestGutenbergEditionsDetected(t *testing.T) {
	p := minhash.Default()
	s := minhash.NewSigner(p)
	pairs, err := GutenbergPairs(dataDir(t), s)
	if err != nil {
		t.Fatal(err)
	}
	out, err := Run(pairs, p, 0.7)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range out {
		t.Logf("%-10s J=%.3f est=%.3f detected=%v  %s", o.Pair.Kind, o.Pair.Jaccard,
			o.Estimate, o.Detected, o.Pair.Name)
		if o.Pair.Jaccard >= 0.8 && !o.Detected {
			t.Errorf("%s: J=%.3f not detected", o.Pair.Name, o.Pair.Jaccard)
		}
		if o.Pair.Kind == KindEncoding && o.Pair.Jaccard < 0.99 {
			t.Errorf("%s: re-encoding changed the shingles: J=%.3f", o.Pair.Name, o.Pair.Jaccard)
		}
	}
}
