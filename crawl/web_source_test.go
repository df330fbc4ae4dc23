package crawl

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
)

const lorem = "It holds a paragraph of ordinary prose, long enough for the main-text " +
	"extractor to keep it as content rather than boilerplate, with several sentences. " +
	"Crawlers fetch pages like this one by the thousand, and each must become a document."

func TestCrawlSmallSite(t *testing.T) {
	mux := http.NewServeMux()
	page := func(title string, links ...string) string {
		var b strings.Builder
		fmt.Fprintf(&b, "<html><head><title>%s</title></head><body><article><h1>%s</h1>"+
			"<p>This is the page called %s. %s</p>", title, title, title, lorem)
		for _, l := range links {
			fmt.Fprintf(&b, `<a href="%s">link</a> `, l)
		}
		b.WriteString("</article></body></html>")
		return b.String()
	}
	pages := map[string]string{
		"/":       page("home", "/a?utm_source=x", "b.html#frag", "https://example.com/out", "mailto:x@y"),
		"/a":      page("a", "/", "/b.html", "/c/"),
		"/b.html": page("b", "/a", "/missing"),
		"/c/":     page("c", "../deep/1"),
		"/deep/1": page("d1", "/deep/2"),
		"/deep/2": page("d2", "/deep/3"),
		"/deep/3": page("d3"),
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		p, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, p)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()

	cfg := testConfig(srv.URL + "/")
	cfg.MaxDepth = 4
	c, _, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"/", "/a", "/b.html", "/c/", "/deep/1", "/deep/2"}
	got := c.urls()
	if len(got) != len(want) {
		t.Fatalf("got %d docs %v, want %v; skips %v", len(got), got, want, c.skips)
	}
	for i, w := range want {
		if got[i] != srv.URL+w {
			t.Errorf("doc %d: %s, want %s", i, got[i], srv.URL+w)
		}
	}
	if c.skips["http_404"] != 1 {
		t.Errorf("skips %v, want one http_404", c.skips)
	}
}

// TestCrawlIgnoresCollyEnvironment: colly reads COLLY_* variables after
// its options; the crawler's settings must win.
func TestCrawlIgnoresCollyEnvironment(t *testing.T) {
	cache := t.TempDir()
	t.Setenv("COLLY_MAX_BODY_SIZE", "10")
	t.Setenv("COLLY_CACHE_DIR", cache)
	t.Setenv("COLLY_MAX_REQUESTS", "1")
	t.Setenv("COLLY_FOLLOW_REDIRECTS", "yes")
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<html><body><article><p>Page %s. %s</p><a href="/next%s">n</a>`+
			`</article></body></html>`, r.URL.Path, lorem, strings.TrimPrefix(r.URL.Path, "/"))
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL + "/")
	cfg.MaxDepth = 3
	c, _, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.docs) != 4 || !strings.Contains(c.docs[0].Text, lorem) {
		t.Errorf("%d documents, drops %v", len(c.docs), c.skips)
	}
	if entries, _ := os.ReadDir(cache); len(entries) != 0 {
		t.Errorf("colly cached %d responses", len(entries))
	}
}
