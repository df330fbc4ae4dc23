package crawl

import (
	"context"
	"io/fs"
	"maps"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// pythonDocDir is where Debian's python3.11-doc installs the Python 3.11
// documentation: 530 HTML pages with relative links, one dead link (a
// real 404), file:// canonical URLs and thousands of external links.
const pythonDocDir = "/usr/share/doc/python3.11/html"

func pythonDocs(t testing.TB) string {
	t.Helper()
	if _, err := os.Stat(filepath.Join(pythonDocDir, "index.html")); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("%s is missing: the test setup installs the Debian package python3.11-doc",
				pythonDocDir)
		}
		t.Skipf("%s not installed (apt-get install python3.11-doc)", pythonDocDir)
	}
	return pythonDocDir
}

func pythonDocConfig(srvURL string) *WebConfig {
	cfg := testConfig(srvURL + "/index.html")
	cfg.MaxDepth = 100
	cfg.Concurrency = 8
	cfg.HostParallel = 8
	return cfg
}

func TestCrawlPythonDocs(t *testing.T) {
	dir := pythonDocs(t)
	var external int
	srv := httptest.NewServer(StaticSite(dir))
	defer srv.Close()

	start := time.Now()
	c, src, err := crawlOnce(t, pythonDocConfig(srv.URL))
	if err != nil {
		t.Fatal(err)
	}
	elapsed := time.Since(start)
	st := src.Stats()
	t.Logf("%d documents, drops %v, %d fetches, %.1f MB in %s (%.0f pages/s)", len(c.docs),
		c.skips, st.Fetches, float64(st.BytesFetched)/1e6, elapsed,
		float64(st.Fetches)/elapsed.Seconds())
	for _, d := range c.docs {
		if !strings.HasPrefix(d.URL, srv.URL+"/") {
			external++
		}
	}
	if external > 0 {
		t.Errorf("%d documents from outside the site", external)
	}

	// Every page on disk is a document, except four pages no other page
	// links to (checked with grep when this test was written).
	orphans := map[string]bool{"distutils/_setuptools_disclaimer.html": true,
		"distutils/packageindex.html": true, "distutils/uploading.html": true,
		"includes/wasm-notavail.html": true}
	got := map[string]bool{}
	for _, d := range c.docs {
		got[strings.TrimPrefix(d.URL, srv.URL+"/")] = true
	}
	var files int
	filepath.WalkDir(dir, func(p string, _ fs.DirEntry, err error) error {
		if err != nil || !strings.HasSuffix(p, ".html") {
			return err
		}
		files++
		rel, _ := filepath.Rel(dir, p)
		reached := got[rel]
		if reached == orphans[rel] {
			t.Errorf("%s: reached %v, orphan %v", rel, reached, orphans[rel])
		}
		return nil
	})
	if files != 530 || len(c.docs) != files-len(orphans) {
		t.Errorf("%d documents of %d pages, want all but %d orphans", len(c.docs), files,
			len(orphans))
	}
	// The one dead link, and a .py download linked from the tzinfo docs.
	want := map[string]int{"http_404": 1, "content_type": 1}
	if !maps.Equal(c.skips, want) {
		t.Errorf("drops %v, want %v", c.skips, want)
	}
	if st.LinksSkipped["out_of_scope"] == 0 {
		t.Error("no external link was seen, so scope was not tested")
	}
}

// BenchmarkCrawlPythonDocs crawls the whole Python docs site on loopback
// with politeness off (8 requests in flight), extraction included.
func BenchmarkCrawlPythonDocs(b *testing.B) {
	dir := pythonDocs(b)
	srv := httptest.NewServer(StaticSite(dir))
	defer srv.Close()
	var pages, bytes int64
	for range b.N {
		src, err := NewWebSource(pythonDocConfig(srv.URL), nil)
		if err != nil {
			b.Fatal(err)
		}
		if err := src.Read(context.Background(), &collector{}); err != nil {
			b.Fatal(err)
		}
		st := src.Stats()
		pages, bytes = st.Fetches, st.BytesFetched
	}
	b.SetBytes(bytes)
	b.ReportMetric(float64(pages)*float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
