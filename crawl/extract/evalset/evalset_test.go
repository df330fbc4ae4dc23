package evalset

import (
	"bytes"
	"compress/gzip"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func writeSet(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, sub := range []string{"cache", "eval"} {
		if err := os.Mkdir(filepath.Join(dir, sub), 0o755); err != nil {
			t.Fatal(err)
		}
	}
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte("<p>zipped page</p>"))
	zw.Close()
	files := map[string][]byte{
		"evaldata.json": []byte(`{
			"https://b.example/": {"file": "b.html", "with": ["zipped  page"], "without": ["menu"]},
			"https://a.example/": {"file": "a.html", "with": ["one two", "three"],
				"without": ["nav", "foot"]}}`),
		"cache/a.html":   []byte("<p>one two</p>"),
		"eval/b.html.gz": gz.Bytes(),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadAndScore(t *testing.T) {
	set, err := Load(writeSet(t))
	if err != nil {
		t.Fatal(err)
	}
	if len(set.Pages) != 2 || set.Pages[0].URL != "https://a.example/" ||
		string(set.Pages[1].HTML) != "<p>zipped page</p>" {
		t.Fatalf("pages %+v", set.Pages)
	}
	var s Score
	// a: "one two" found, "three" missed, "nav" found (false positive), "foot" absent
	c := s.Add(set.Pages[0], "one\n two nav")
	if c != (Score{TP: 1, FN: 1, FP: 1, TN: 1}) {
		t.Errorf("page a: %+v", c)
	}
	s.Add(set.Pages[1], "a zipped\tpage")
	want := Score{TP: 2, FN: 1, FP: 1, TN: 2}
	if s != want {
		t.Errorf("total %+v, want %+v", s, want)
	}
	if f1 := s.F1(); math.Abs(f1-4.0/6) > 1e-9 {
		t.Errorf("F1 %v", f1)
	}
	if s.Precision() != 2.0/3 || s.Recall() != 2.0/3 || s.Absent() != 2.0/3 {
		t.Errorf("precision %v recall %v absent %v", s.Precision(), s.Recall(), s.Absent())
	}
	if h := set.Half(1); len(h) != 1 || h[0].URL != "https://b.example/" {
		t.Errorf("half 1: %+v", h)
	}
}

func TestLoadErrors(t *testing.T) {
	if _, err := Load(t.TempDir()); err == nil || !strings.Contains(err.Error(), "evaldata.json") {
		t.Errorf("empty dir: %v", err)
	}
	dir := writeSet(t)
	os.Remove(filepath.Join(dir, "cache", "a.html"))
	if _, err := Load(dir); err == nil || !strings.Contains(err.Error(), "https://a.example/") {
		t.Errorf("missing page: %v", err)
	}
}

func TestNormalize(t *testing.T) {
	for in, want := range map[string]string{
		"  a \n\t b\u00a0c  ": "a b c",
		"":                    "",
		"x":                   "x",
	} {
		if got := Normalize(in); got != want {
			t.Errorf("Normalize(%q) = %q, want %q", in, got, want)
		}
	}
}
