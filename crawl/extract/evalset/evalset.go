// Package evalset reads an extraction benchmark in trafilatura's evaluation
// format and scores extracted text against it.
//
// The format is a directory holding evaldata.json, a JSON object keyed by
// page URL whose values name an HTML file (looked up under cache/ and eval/,
// optionally gzip-compressed with a .gz suffix) and list snippets that the
// main text must contain ("with") and must not contain ("without"). A
// snippet counts as found when its whitespace-normalized form is a
// substring of the whitespace-normalized extraction, exactly as
// trafilatura's evaluate.py counts it: found "with" snippets are true
// positives, found "without" snippets false positives.
package evalset

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"unicode"
)

// Page is one annotated page of the benchmark.
type Page struct {
	// URL is the page's original address, the key in evaldata.json.
	URL string
	// File is the path of the HTML file that was read.
	File string
	// HTML is the page as stored (decompressed when the file was .gz).
	HTML []byte
	// With lists snippets of the main text; Without lists boilerplate.
	With, Without []string
}

// Set is a loaded benchmark, pages sorted by URL.
type Set struct {
	Dir   string
	Pages []Page
}

type entry struct {
	File    string   `json:"file"`
	With    []string `json:"with"`
	Without []string `json:"without"`
}

// Load reads evaldata.json from dir (or from dir/tests when dir is the
// repository root of trafilatura's benchmark) and every page it names.
// A missing HTML file is an error naming the page.
func Load(dir string) (*Set, error) {
	if _, err := os.Stat(filepath.Join(dir, "evaldata.json")); err != nil {
		if _, err2 := os.Stat(filepath.Join(dir, "tests", "evaldata.json")); err2 == nil {
			dir = filepath.Join(dir, "tests")
		} else {
			return nil, fmt.Errorf("evalset: %s holds no evaldata.json: %w", dir, err)
		}
	}
	raw, err := os.ReadFile(filepath.Join(dir, "evaldata.json"))
	if err != nil {
		return nil, fmt.Errorf("evalset: %w", err)
	}
	var entries map[string]entry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, fmt.Errorf("evalset: parsing %s: %w", filepath.Join(dir, "evaldata.json"), err)
	}
	set := &Set{Dir: dir, Pages: make([]Page, 0, len(entries))}
	for url, e := range entries {
		p, err := readPage(dir, e.File)
		if err != nil {
			return nil, fmt.Errorf("evalset: page %s: %w", url, err)
		}
		set.Pages = append(set.Pages, Page{URL: url, File: p.name, HTML: p.data,
			With: e.With, Without: e.Without})
	}
	sort.Slice(set.Pages, func(i, j int) bool { return set.Pages[i].URL < set.Pages[j].URL })
	return set, nil
}

type file struct {
	name string
	data []byte
}

func readPage(dir, name string) (file, error) {
	for _, sub := range []string{"cache", "eval"} {
		for _, suffix := range []string{"", ".gz"} {
			path := filepath.Join(dir, sub, name+suffix)
			data, err := os.ReadFile(path)
			if errors.Is(err, os.ErrNotExist) {
				continue
			}
			if err != nil {
				return file{}, err
			}
			if suffix == ".gz" {
				zr, err := gzip.NewReader(bytes.NewReader(data))
				if err != nil {
					return file{}, fmt.Errorf("%s: %w", path, err)
				}
				if data, err = io.ReadAll(zr); err != nil {
					return file{}, fmt.Errorf("%s: %w", path, err)
				}
			}
			return file{name: path, data: data}, nil
		}
	}
	return file{}, fmt.Errorf("html file %q not found under cache/ or eval/", name)
}

// Half returns the pages whose position in URL order has parity part (0 or
// 1): two disjoint halves, one to tune on and one to check against.
func (s *Set) Half(part int) []Page {
	var out []Page
	for i, p := range s.Pages {
		if i%2 == part {
			out = append(out, p)
		}
	}
	return out
}

// Score accumulates a confusion matrix over snippets.
type Score struct {
	TP, FP, FN, TN int
}

// Add scores text (the extraction of p) and adds it to s. It returns the
// counts for this page alone.
func (s *Score) Add(p Page, text string) Score {
	norm := Normalize(text)
	var c Score
	for _, w := range p.With {
		if strings.Contains(norm, Normalize(w)) {
			c.TP++
		} else {
			c.FN++
		}
	}
	for _, w := range p.Without {
		if strings.Contains(norm, Normalize(w)) {
			c.FP++
		} else {
			c.TN++
		}
	}
	s.Merge(c)
	return c
}

// Merge adds the counts of o to s.
func (s *Score) Merge(o Score) {
	s.TP += o.TP
	s.FP += o.FP
	s.FN += o.FN
	s.TN += o.TN
}

// Precision is TP/(TP+FP), 0 when nothing was found.
func (s Score) Precision() float64 { return ratio(s.TP, s.TP+s.FP) }

// Recall is TP/(TP+FN): the share of "with" snippets found.
func (s Score) Recall() float64 { return ratio(s.TP, s.TP+s.FN) }

// Absent is TN/(TN+FP): the share of "without" snippets kept out.
func (s Score) Absent() float64 { return ratio(s.TN, s.TN+s.FP) }

// Accuracy is (TP+TN) over all snippets.
func (s Score) Accuracy() float64 { return ratio(s.TP+s.TN, s.TP+s.TN+s.FP+s.FN) }

// F1 is 2TP/(2TP+FP+FN), as trafilatura's evaluation computes it.
func (s Score) F1() float64 { return ratio(2*s.TP, 2*s.TP+s.FP+s.FN) }

// String formats the scores on one line.
func (s Score) String() string {
	return fmt.Sprintf("precision %.3f recall %.3f accuracy %.3f F1 %.3f "+
		"(with found %.3f, without absent %.3f)",
		s.Precision(), s.Recall(), s.Accuracy(), s.F1(), s.Recall(), s.Absent())
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 0
	}
	return float64(a) / float64(b)
}

// Normalize collapses every run of white space in s to one space and trims
// the ends, the comparison form of both snippets and extractions.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}
