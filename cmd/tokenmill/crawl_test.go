package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/mill/jsonl"
)

func TestCrawlCommand(t *testing.T) {
	para := strings.Repeat("A sentence of ordinary prose for the extractor to keep. ", 6)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/", "/a", "/b":
			fmt.Fprintf(w, `<html><head><title>%s</title></head><body><article>`+
				`<p>Page %s. %s</p><a href="/a">a</a> <a href="/b?utm_source=x">b</a> `+
				`<a href="/gone">gone</a></article></body></html>`, r.URL.Path, r.URL.Path, para)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	dir := t.TempDir()
	seeds := filepath.Join(dir, "seeds.txt")
	os.WriteFile(seeds, []byte("# test site\n"+srv.URL+"/\n"), 0o644)
	out := filepath.Join(dir, "docs.jsonl.zst")
	warc := filepath.Join(dir, "warc")

	// Without --allow-private-networks the loopback server is refused.
	code, _, errs := tm(t, nil, "crawl", "--urls", seeds, "-o", out, "--quiet")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if docs := readDocs(t, out); len(docs) != 0 {
		t.Errorf("%d documents from a refused address", len(docs))
	}

	mustTM(t, nil, "crawl", "--urls", seeds, "-o", out, "--warc-dir", warc,
		"--allow-private-networks", "--delay", "0", "--state-dir", filepath.Join(dir, "state"))
	docs := readDocs(t, out)
	var urls []string
	for _, d := range docs {
		urls = append(urls, strings.TrimPrefix(d, srv.URL))
	}
	if strings.Join(urls, " ") != "/ /a /b" {
		t.Errorf("documents %v", urls)
	}
	if files, _ := filepath.Glob(filepath.Join(warc, "*.warc.gz")); len(files) != 1 {
		t.Errorf("WARC files %v", files)
	}
	// Run again with the same state: nothing is fetched, the output is the same.
	srv.Config.Handler = http.NotFoundHandler()
	mustTM(t, nil, "crawl", "--urls", seeds, "-o", out, "--allow-private-networks",
		"--state-dir", filepath.Join(dir, "state"), "--quiet")
	if again := readDocs(t, out); strings.Join(again, " ") != strings.Join(docs, " ") {
		t.Errorf("resumed crawl wrote %v", again)
	}

	code, _, errs = tm(t, nil, "crawl", "--scope", "planet", srv.URL)
	if code != 2 || !strings.Contains(errs, "scope") {
		t.Errorf("bad --scope: exit %d, %s", code, errs)
	}
}

// readDocs returns the URLs of the documents in a JSONL file.
func readDocs(t *testing.T, path string) []string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	r, err := jsonl.NewReader(f, path)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	var urls []string
	for {
		d, err := r.Next()
		if err != nil {
			break
		}
		urls = append(urls, d.URL)
	}
	return urls
}
