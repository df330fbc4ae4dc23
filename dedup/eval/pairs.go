package eval

import (
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/dedup/minhash"
)

// Pair kinds.
const (
	KindEncoding  = "encoding"    // the same Gutenberg text, UTF-8 and Windows-1252
	KindEdition   = "edition"     // two Gutenberg editions or formats of one book
	KindAPI       = "api-version" // one API reference page in two library versions
	KindEdit      = "edit"        // a real passage and an edited copy
	KindOverlap   = "overlap"     // two overlapping windows of one book
	KindDifferent = "different"   // passages of different books, or different pages
)

// Pair is two documents and the true Jaccard similarity of their shingle
// sets.
type Pair struct {
	Kind, Name string
	A, B       string
	Jaccard    float64
}

// Jaccard computes the exact Jaccard similarity of the shingle sets of a and
// b, with the same normalization and shingles as the signatures.
func Jaccard(s *minhash.Signer, a, b string) float64 {
	x := uniq(s.Shingles(a, nil))
	y := uniq(s.Shingles(b, nil))
	if len(x) == 0 && len(y) == 0 {
		return 1
	}
	inter, i, j := 0, 0, 0
	for i < len(x) && j < len(y) {
		switch {
		case x[i] == y[j]:
			inter++
			i++
			j++
		case x[i] < y[j]:
			i++
		default:
			j++
		}
	}
	return float64(inter) / float64(len(x)+len(y)-inter)
}

func uniq(v []uint64) []uint64 {
	slices.Sort(v)
	return slices.Compact(v)
}

// GutenbergPairs pairs the books of the shared data that exist in several
// editions or encodings: Windows-1252 re-encodings with their UTF-8
// originals, 2012 and current editions, a text with its header stripped,
// and GITenberg's 1990s etexts, 8-bit variants and HTML versions with the
// current plain text.
func GutenbergPairs(dataDir string, s *minhash.Signer) ([]Pair, error) {
	g := filepath.Join(dataDir, "books", "gutenberg-txt")
	list := []struct{ kind, a, b string }{
		{KindEncoding, "modern-utf8/pg1342.txt", "modern-cp1252-reencoded/pg1342.txt"},
		{KindEncoding, "modern-utf8/pg2701.txt", "modern-cp1252-reencoded/pg2701.txt"},
		{KindEncoding, "modern-utf8/pg64317.txt", "modern-cp1252-reencoded/pg64317.txt"},
		{KindEncoding, "modern-utf8/pg84.txt", "modern-cp1252-reencoded/pg84.txt"},
		{KindEdition, "modern-utf8/pg1342.txt", "era2012-this-header/pg1342.txt"},
		{KindEdition, "modern-utf8-bom/pg1661.txt", "era2012-this-header/pg1661.txt"},
		{KindEdition, "modern-utf8/pg98.txt", "edge-header-stripped/pg98.txt"},
		{KindEdition, "gitenberg/3261/3261.txt", "gitenberg/3261/nwsnw10.txt"},
		{KindEdition, "gitenberg/3261/3261.txt", "gitenberg/3261/3261-h.htm"},
		{KindEdition, "gitenberg/9198/9198.txt", "gitenberg/9198/7tcng10.txt"},
		{KindEdition, "gitenberg/9198/9198.txt", "gitenberg/9198/9198-8.txt"},
		{KindEdition, "gitenberg/9198/7tcng10.txt", "gitenberg/9198/8tcng10.txt"},
		{KindEdition, "gitenberg/9198/9198.txt", "gitenberg/9198/9198-h.htm"},
		{KindEdition, "gitenberg/972/972.txt", "gitenberg/972/dvldc10.txt"},
		{KindEdition, "gitenberg/972/972.txt", "gitenberg/972/972-h.htm"},
	}
	var pairs []Pair
	for _, p := range list {
		a, err := readBook(filepath.Join(g, p.a))
		if err != nil {
			return nil, err
		}
		b, err := readBook(filepath.Join(g, p.b))
		if err != nil {
			return nil, err
		}
		pairs = append(pairs, Pair{Kind: p.kind, Name: p.a + " ~ " + p.b, A: a, B: b,
			Jaccard: Jaccard(s, a, b)})
	}
	return pairs, nil
}

func readBook(path string) (string, error) {
	t, err := readText(path)
	if err != nil {
		return "", err
	}
	if strings.HasSuffix(path, ".htm") || strings.HasSuffix(path, ".html") {
		t = htmlText(t)
	}
	return t, nil
}

// GlibmmPairs pairs the HTML reference pages of two versions of the glibmm
// documentation (Debian's libglibmm-2.4-doc and libglibmm-2.68-doc) by file
// name, and, as different documents, each page with the next page of the
// other version. Pages with fewer than minWords words are skipped; at most
// limit pairs of each kind are returned (0: all).
func GlibmmPairs(dirA, dirB string, s *minhash.Signer, minWords, limit int) (same, different []Pair,
	err error) {
	names, err := filepath.Glob(filepath.Join(dirA, "*.html"))
	if err != nil {
		return nil, nil, err
	}
	sort.Strings(names)
	type page struct{ name, a, b string }
	var pages []page
	for _, pa := range names {
		base := filepath.Base(pa)
		ba, err := os.ReadFile(pa)
		if err != nil {
			return nil, nil, err
		}
		bb, err := os.ReadFile(filepath.Join(dirB, base))
		if err != nil {
			continue // the page is new or gone in the other version
		}
		a, b := htmlText(string(ba)), htmlText(string(bb))
		if len(strings.Fields(a)) < minWords || len(strings.Fields(b)) < minWords {
			continue
		}
		pages = append(pages, page{base, a, b})
	}
	if limit > 0 && len(pages) > limit {
		// An even sample across the alphabet of class names.
		step := float64(len(pages)) / float64(limit)
		var sample []page
		for i := 0; i < limit; i++ {
			sample = append(sample, pages[int(float64(i)*step)])
		}
		pages = sample
	}
	for i, p := range pages {
		same = append(same, Pair{Kind: KindAPI, Name: p.name, A: p.a, B: p.b,
			Jaccard: Jaccard(s, p.a, p.b)})
		q := pages[(i+1)%len(pages)]
		different = append(different, Pair{Kind: KindDifferent, Name: p.name + " ~ " + q.name,
			A: p.a, B: q.b, Jaccard: Jaccard(s, p.a, q.b)})
	}
	return same, different, nil
}

// passage picks n consecutive words of a random book.
func passage(r *rand.Rand, books [][]string, n int) ([]string, int) {
	for {
		bi := r.IntN(len(books))
		w := books[bi]
		if len(w) <= n {
			continue
		}
		start := r.IntN(len(w) - n)
		return w[start : start+n], bi
	}
}

// wordsOf splits the books into words, in a fixed order.
func wordsOf(books map[string]string) [][]string {
	var names []string
	for n := range books {
		names = append(names, n)
	}
	sort.Strings(names)
	var out [][]string
	for _, n := range names {
		out = append(out, strings.Fields(books[n]))
	}
	return out
}

// logUniform draws an integer between lo and hi, uniform in log scale:
// short and long documents alike.
func logUniform(r *rand.Rand, lo, hi int) int {
	return int(math.Exp(math.Log(float64(lo)) + r.Float64()*(math.Log(float64(hi))-
		math.Log(float64(lo)))))
}

// EditPairs builds n pairs of a real passage (100 to 3,000 words) and a copy
// with controlled edits: words replaced by words of another book at a
// random rate, a part cut from the start or the end, or words inserted,
// so that true similarities spread from about 0.2 to 1. The seed makes the
// pairs reproducible.
func EditPairs(books map[string]string, s *minhash.Signer, n int, seed uint64) []Pair {
	r := rand.New(rand.NewPCG(seed, 0x5eed))
	words := wordsOf(books)
	var pairs []Pair
	for range n {
		size := logUniform(r, 100, 3000)
		a, bi := passage(r, words, size)
		foreign, _ := passage(r, words, size)
		if len(words) > 1 {
			for foreignBook := bi; foreignBook == bi; {
				foreign, foreignBook = passage(r, words, size)
			}
		}
		var b []string
		var name string
		switch op := r.IntN(10); {
		case op < 6: // substitutions
			rate := r.Float64() * 0.12
			b = slices.Clone(a)
			for i := range b {
				if r.Float64() < rate {
					b[i] = foreign[r.IntN(len(foreign))]
				}
			}
			name = "substitute"
		case op < 8: // cut a part from the start or the end
			cut := int(r.Float64() * 0.7 * float64(len(a)))
			if r.IntN(2) == 0 {
				b = a[cut:]
			} else {
				b = a[:len(a)-cut]
			}
			name = "cut"
		default: // insert foreign words
			rate := r.Float64() * 0.1
			for _, w := range a {
				b = append(b, w)
				if r.Float64() < rate {
					b = append(b, foreign[r.IntN(len(foreign))])
				}
			}
			name = "insert"
		}
		ta, tb := strings.Join(a, " "), strings.Join(b, " ")
		pairs = append(pairs, Pair{Kind: KindEdit, Name: name, A: ta, B: tb,
			Jaccard: Jaccard(s, ta, tb)})
	}
	return pairs
}

// OverlapPairs builds n pairs of two windows of the same book that overlap
// by a random fraction: the shape of chunked text crawled twice.
func OverlapPairs(books map[string]string, s *minhash.Signer, n int, seed uint64) []Pair {
	r := rand.New(rand.NewPCG(seed, 0x0be1))
	words := wordsOf(books)
	var pairs []Pair
	for range n {
		size := logUniform(r, 100, 3000)
		w, _ := passage(r, words, 2*size)
		shift := int(r.Float64() * 0.8 * float64(size))
		ta, tb := strings.Join(w[:size], " "), strings.Join(w[shift:shift+size], " ")
		pairs = append(pairs, Pair{Kind: KindOverlap, Name: "shift", A: ta, B: tb,
			Jaccard: Jaccard(s, ta, tb)})
	}
	return pairs
}

// DifferentPairs builds n pairs of passages (50 to 3,000 words) of
// different books.
func DifferentPairs(books map[string]string, s *minhash.Signer, n int, seed uint64) []Pair {
	r := rand.New(rand.NewPCG(seed, 0xd1ff))
	words := wordsOf(books)
	var pairs []Pair
	for range n {
		a, ba := passage(r, words, logUniform(r, 50, 3000))
		b, bb := passage(r, words, logUniform(r, 50, 3000))
		if ba == bb {
			continue
		}
		ta, tb := strings.Join(a, " "), strings.Join(b, " ")
		pairs = append(pairs, Pair{Kind: KindDifferent, Name: "books", A: ta, B: tb,
			Jaccard: Jaccard(s, ta, tb)})
	}
	return pairs
}
