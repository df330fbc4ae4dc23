package crawl

import (
	"bytes"
	"compress/gzip"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/mill"
)

type collect struct {
	docs  []*mill.Document
	skips map[string]int
}

func (c *collect) Emit(d *mill.Document) error { c.docs = append(c.docs, d); return nil }
func (c *collect) Skip(reason string, err error) {
	if c.skips == nil {
		c.skips = map[string]int{}
	}
	c.skips[reason]++
}

func gz(t *testing.T, data []byte) []byte {
	var b bytes.Buffer
	w := gzip.NewWriter(&b)
	w.Write(data)
	w.Close()
	return b.Bytes()
}

func TestFilesSourceFormats(t *testing.T) {
	dir := t.TempDir()
	page, err := os.ReadFile("../pipelines/demo/web/boingboing.net.millenials.html")
	if err != nil {
		t.Fatal(err)
	}
	cp1252, err := os.ReadFile("../pipelines/demo/books/pg84-frankenstein-cp1252.txt")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{
		"a/page.html":      page,
		"a/page2.html.gz":  gz(t, page),
		"b/book.txt":       cp1252,
		"b/notes.md.gz":    gz(t, []byte("# Notes\n\nplain text")),
		"c/docs.jsonl":     []byte("{\"id\":\"x\",\"text\":\"one\"}\nnot json\n{\"text\":\"two\"}\n"),
		"c/ignored.bin":    {0, 1, 2},
		"c/docs2.jsonl.gz": gz(t, []byte(`{"id":"y","text":"three","source":"web"}`)),
	}
	for name, data := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	src := &FilesSource{Paths: []string{"a/*.html*", "b", "c"}, BaseDir: dir}
	var c collect
	if err := src.Read(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	var urls []string
	for _, d := range c.docs {
		if !utf8.ValidString(d.Text) {
			t.Errorf("%s: invalid UTF-8 text", d.URL)
		}
		urls = append(urls, filepath.Base(d.URL))
	}
	if len(c.docs) != 7 {
		t.Fatalf("got %d documents, want 7: %v", len(c.docs), urls)
	}
	// Files in path order; a JSONL document keeps its own URL (none here).
	want := "page.html page2.html.gz book.txt notes.md.gz . . ."
	if got := strings.Join(urls, " "); got != want {
		t.Errorf("documents in order %q, want %q", got, want)
	}
	if c.docs[0].Text != c.docs[1].Text || !strings.Contains(c.docs[0].Text, "Millenni") {
		t.Errorf("compressed HTML must extract like plain HTML")
	}
	if !strings.Contains(c.docs[2].Text, "Frankenstein") || strings.Contains(c.docs[2].Text, "\ufffd") {
		t.Errorf("Windows-1252 book not decoded: %.80q", c.docs[2].Text)
	}
	if c.docs[3].Text != "# Notes\n\nplain text" {
		t.Errorf("compressed markdown: %q", c.docs[3].Text)
	}
	if c.skips["malformed_json"] != 1 || len(c.skips) != 1 {
		t.Errorf("skips %v, want one malformed line", c.skips)
	}
	if c.docs[4].ID != "x" || c.docs[5].ID == "" || c.docs[6].Source != "web" {
		t.Errorf("JSONL documents: %+v %+v %+v", c.docs[4], c.docs[5], c.docs[6])
	}
	if c.docs[0].Source != "file" || !strings.HasPrefix(c.docs[0].URL, "file:///") {
		t.Errorf("file document: %+v", c.docs[0])
	}
}

func TestFilesSourceNoMatchIsAnError(t *testing.T) {
	src := &FilesSource{Paths: []string{"nothing-*.txt"}, BaseDir: t.TempDir()}
	err := src.Read(context.Background(), &collect{})
	if err == nil || !strings.Contains(err.Error(), "matches no file") {
		t.Errorf("err = %v", err)
	}
}
