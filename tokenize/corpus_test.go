package tokenize

import (
	"archive/zip"
	"html"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"testing"
)

// The benchmark corpora: real English prose, Go source and multilingual
// book text, each cut to corpusSize bytes at a newline.
const corpusSize = 768 << 10

var corpusKinds = []string{"english", "gosource", "multilingual"}

// corpus returns the named benchmark corpus, read from the shared data
// (and, for Go source, from the Go installation's net/http package).
func corpus(tb testing.TB, kind string) string {
	tb.Helper()
	var text string
	switch kind {
	case "english":
		p := filepath.Join(dataDir(tb), "books", "gutenberg-txt", "modern-utf8", "pg1342.txt")
		b, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		text = string(b)
	case "gosource":
		dir := filepath.Join(runtime.GOROOT(), "src", "net", "http")
		files, _ := filepath.Glob(filepath.Join(dir, "*.go"))
		sort.Strings(files)
		var b strings.Builder
		for _, f := range files {
			if strings.HasSuffix(f, "_test.go") || b.Len() > corpusSize {
				continue
			}
			src, err := os.ReadFile(f)
			if err != nil {
				tb.Fatal(err)
			}
			b.Write(src)
		}
		if b.Len() < corpusSize {
			tb.Skipf("Go sources under %s are missing", dir)
		}
		text = b.String()
	case "multilingual":
		text = multilingual(tb)
	default:
		tb.Fatalf("unknown corpus %q", kind)
	}
	if len(text) > corpusSize {
		cut := strings.IndexByte(text[corpusSize:], '\n')
		if cut >= 0 {
			text = text[:corpusSize+cut+1]
		}
	}
	return text
}

// multilingualBooks are Gutenberg EPUBs in eight languages and five scripts.
var multilingualBooks = []string{
	"pg14155-images-3.epub", // fr
	"pg16527-images-3.epub", // ru
	"pg2000-images-3.epub",  // es
	"pg22367-images-3.epub", // de
	"pg23962-images-3.epub", // zh
	"pg35018-images-3.epub", // ja
	"pg43007-images-3.epub", // ar
	"pg3333-images-3.epub",  // pt
}

var tagRE = regexp.MustCompile(`(?s)<[^>]*>`)

// multilingual extracts up to corpusSize/8 bytes of body text from each
// book: the text of its XHTML files with the markup removed.
func multilingual(tb testing.TB) string {
	dir := filepath.Join(dataDir(tb), "books", "epub", "pg-epub3-2024")
	var out strings.Builder
	for _, book := range multilingualBooks {
		zr, err := zip.OpenReader(filepath.Join(dir, book))
		if err != nil {
			tb.Fatal(err)
		}
		var names []string
		files := map[string]*zip.File{}
		for _, f := range zr.File {
			if strings.HasSuffix(f.Name, ".xhtml") || strings.HasSuffix(f.Name, ".html") {
				names = append(names, f.Name)
				files[f.Name] = f
			}
		}
		sort.Strings(names)
		var text strings.Builder
		for _, n := range names {
			rc, err := files[n].Open()
			if err != nil {
				tb.Fatal(err)
			}
			raw, err := io.ReadAll(rc)
			rc.Close()
			if err != nil {
				tb.Fatal(err)
			}
			body := string(raw)
			if i := strings.Index(body, "<body"); i >= 0 {
				body = body[i:]
			}
			for _, line := range strings.Split(html.UnescapeString(tagRE.ReplaceAllString(body, "")), "\n") {
				if line = strings.TrimSpace(line); line != "" {
					text.WriteString(line)
					text.WriteByte('\n')
				}
			}
		}
		zr.Close()
		t := text.String()
		// Skip the Gutenberg front matter, which is English.
		if len(t) > 2*corpusSize/8 {
			t = t[len(t)/4:]
			t = t[strings.IndexByte(t, '\n')+1:]
		}
		if len(t) > corpusSize/8 {
			t = t[:corpusSize/8]
			t = t[:strings.LastIndexByte(t, '\n')+1]
		}
		out.WriteString(t)
	}
	return out.String()
}

// chunks cuts text into documents of about 4 KB, each ending at the first
// newline at or after 4096 bytes from its start (as the npm peers' bench
// script does).
func chunks(text string) []string {
	var out []string
	for len(text) > 0 {
		end := len(text)
		if end > 4096 {
			if nl := strings.IndexByte(text[4095:], '\n'); nl >= 0 {
				end = 4095 + nl + 1
			}
		}
		out = append(out, text[:end])
		text = text[end:]
	}
	return out
}

// TestDumpCorpora writes the benchmark corpora to $TOKENMILL_BENCH_DUMP,
// for measuring the npm peers on the same bytes; without it, it only checks
// that they load.
func TestDumpCorpora(t *testing.T) {
	dir := os.Getenv("TOKENMILL_BENCH_DUMP")
	for _, kind := range corpusKinds {
		text := corpus(t, kind)
		if len(text) < corpusSize/2 {
			t.Fatalf("%s corpus has only %d bytes", kind, len(text))
		}
		if dir != "" {
			if err := os.WriteFile(filepath.Join(dir, kind+".txt"), []byte(text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}
