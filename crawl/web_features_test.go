package crawl

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

// siteWithSitemap serves a home page linking to /a only; /b and /c are
// listed in a sitemap index that robots.txt names.
func siteWithSitemap(t *testing.T, robotsHits *atomic.Int64) *httptest.Server {
	var srv *httptest.Server
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		robotsHits.Add(1)
		fmt.Fprintf(w, "User-agent: *\nAllow: /\nSitemap: %s/sitemap-index.xml\n", srv.URL)
	})
	mux.HandleFunc("/sitemap-index.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
			`<sitemap><loc>%s/sitemap-1.xml</loc></sitemap></sitemapindex>`, srv.URL)
	})
	mux.HandleFunc("/sitemap-1.xml", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">`+
			`<url><loc>%s/b</loc></url><url><loc> %s/c </loc></url>`+
			`<url><loc>https://elsewhere.example/x</loc></url></urlset>`, srv.URL, srv.URL)
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		links := ""
		if r.URL.Path == "/" {
			links = `<a href="/a">a</a>`
		}
		fmt.Fprint(w, htmlPage("Page "+r.URL.Path, links))
	})
	srv = httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func TestCrawlSitemaps(t *testing.T) {
	var robots atomic.Int64
	srv := siteWithSitemap(t, &robots)
	for _, use := range []bool{false, true} {
		cfg := testConfig(srv.URL + "/")
		cfg.Sitemaps = use
		c, _, err := crawlOnce(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"/", "/a"}
		if use {
			want = []string{"/", "/a", "/b", "/c"} // sitemaps are fetched in discovery order too
		}
		var got []string
		for _, u := range c.urls() {
			got = append(got, strings.TrimPrefix(u, srv.URL))
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("sitemaps %v: documents %v, want %v (drops %v)", use, got, want, c.skips)
		}
	}
}

func TestCrawlRobotsCacheExpires(t *testing.T) {
	var robots atomic.Int64
	srv := siteWithSitemap(t, &robots)
	cfg := testConfig(srv.URL + "/")
	cfg.HostParallel, cfg.Concurrency = 1, 1
	cfg.RobotsTTL = 1 // nanosecond: every request finds the cache expired
	if _, _, err := crawlOnce(t, cfg); err != nil {
		t.Fatal(err)
	}
	if n := robots.Load(); n < 2 {
		t.Errorf("robots.txt fetched %d times with an expired cache", n)
	}
}

func TestCrawlMaxPagesExact(t *testing.T) {
	mux := http.NewServeMux()
	var hits atomic.Int64
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		var links strings.Builder
		for i := range 20 {
			fmt.Fprintf(&links, `<a href="%s/%d">x</a>`, strings.TrimSuffix(r.URL.Path, "/"), i)
		}
		fmt.Fprint(w, htmlPage("Page "+r.URL.Path, links.String()))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	for _, conc := range []int{1, 8} {
		hits.Store(0)
		cfg := testConfig(srv.URL + "/")
		cfg.MaxPages, cfg.Concurrency, cfg.HostParallel = 37, conc, conc
		cfg.RespectRobots = false
		c, _, err := crawlOnce(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.docs) != 37 || hits.Load() != 37 {
			t.Errorf("concurrency %d: %d documents, %d requests; want exactly 37", conc,
				len(c.docs), hits.Load())
		}
	}
}

func TestCrawlOrderIndependentOfConcurrency(t *testing.T) {
	dir := pythonDocs(t)
	srv := httptest.NewServer(StaticSite(dir))
	defer srv.Close()
	var orders []string
	for _, conc := range []int{1, 6} {
		cfg := pythonDocConfig(srv.URL)
		cfg.MaxPages = 120
		cfg.Concurrency, cfg.HostParallel = conc, conc
		c, _, err := crawlOnce(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		orders = append(orders, strings.Join(c.urls(), "\n"))
	}
	if orders[0] != orders[1] {
		t.Error("documents come out in another order with 6 workers than with 1")
	}
}

func TestJournalRefusesOtherSettings(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, htmlPage("x", ""))
	}))
	defer srv.Close()
	state := t.TempDir()
	cfg := testConfig(srv.URL + "/")
	cfg.StateDir = state
	if _, _, err := crawlOnce(t, cfg); err != nil {
		t.Fatal(err)
	}
	// A second crawl on the same state directory is refused while one runs.
	j, _, err := openJournal(state, (&WebSource{cfg: cfg}).fingerprint())
	if err != nil {
		t.Fatal(err)
	}
	busy, _ := NewWebSource(cfg, nil)
	if err := busy.Read(context.Background(), &collector{}); err == nil ||
		!strings.Contains(err.Error(), "in use") {
		t.Errorf("a state directory in use was accepted: %v", err)
	}
	j.close()

	cfg.MaxDepth = 1
	src, _ := NewWebSource(cfg, nil)
	err = src.Read(context.Background(), &collector{})
	if err == nil || !strings.Contains(err.Error(), "new state_dir") {
		t.Errorf("resuming with other settings: %v", err)
	}
	// A torn last line (a kill during a write) is cut off, not an error.
	f, _ := os.OpenFile(filepath.Join(state, "journal.jsonl"), os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString(`{"seq":7,"url":"http://x`)
	f.Close()
	cfg.MaxDepth = DefaultWebConfig().MaxDepth
	c, _, err := crawlOnce(t, cfg)
	if err != nil || len(c.docs) != 1 {
		t.Errorf("after a torn line: %v, %d documents", err, len(c.docs))
	}
}

func TestWebSpecFromYAMLValues(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "seeds.txt"), []byte("# seeds\nhttps://example.org/\n\n"), 0o644)
	cfg, err := mill.NewConfig(&WebSpec, map[string]any{"urls": "seeds.txt",
		"warc_dir": "warc", "max_depth": int64(2), "scope": "domain"})
	if err != nil {
		t.Fatal(err)
	}
	wc, err := WebConfigFrom(cfg, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(wc.Seeds) != 1 || wc.WARCDir != filepath.Join(dir, "warc") || wc.MaxDepth != 2 ||
		wc.Delay.Seconds() != 1 || !wc.RespectRobots || wc.AllowPrivateNetworks {
		t.Errorf("config %+v", wc)
	}
	if _, err := mill.NewConfig(&WebSpec, map[string]any{"scope": "planet"}); err == nil {
		t.Error("scope planet accepted")
	}
	if _, err := NewWebSource(DefaultWebConfig(), nil); err == nil {
		t.Error("a crawl without seeds was accepted")
	}
}

// TestCrawlSeedRedirects: a seed moving to another host of its registered
// domain takes the scope along; a redirect to a foreign domain is not
// followed.
func TestCrawlSeedRedirects(t *testing.T) {
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := strings.Cut(r.Host, ":")
		switch {
		case host == "example.localhost" && r.URL.Path == "/":
			http.Redirect(w, r, "http://www.example.localhost"+portOf(srv)+"/", http.StatusMovedPermanently)
		case host == "elsewhere.localhost" || r.URL.Path == "/away":
			http.Redirect(w, r, "http://tracker.localhost"+portOf(srv)+"/", http.StatusFound)
		default:
			fmt.Fprint(w, htmlPage("Home "+host, `<a href="/page">p</a> <a href="/away">away</a>`))
		}
	}))
	defer srv.Close()
	cfg := testConfig("http://example.localhost"+portOf(srv)+"/", "http://elsewhere.localhost"+portOf(srv)+"/")
	cfg.RespectRobots = false
	cfg.dialHost = func(string) string { return "127.0.0.1" } // every name is the server
	c, src, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, u := range c.urls() {
		got = append(got, strings.Replace(u, portOf(srv), "", 1))
	}
	want := "http://www.example.localhost/ http://www.example.localhost/page"
	if strings.Join(got, " ") != want || c.skips["redirect"] != 3 {
		t.Errorf("documents %v, drops %v", got, c.skips)
	}
	if src.Stats().LinksSkipped["out_of_scope"] == 0 {
		t.Error("the foreign redirect target was not counted out of scope")
	}
}

func portOf(srv *httptest.Server) string {
	return srv.URL[strings.LastIndex(srv.URL, ":"):]
}

func TestCrawlMaxPagesPerHost(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var links strings.Builder
		for i := range 10 {
			fmt.Fprintf(&links, `<a href="%s%d">x</a>`, r.URL.Path, i)
		}
		fmt.Fprint(w, htmlPage("Page "+r.URL.Path, links.String()))
	}))
	defer srv.Close()
	port := portOf(srv)
	cfg := testConfig("http://a.localhost"+port+"/", "http://b.localhost"+port+"/")
	cfg.dialHost = func(string) string { return "127.0.0.1" }
	cfg.MaxPagesHost, cfg.MaxPages, cfg.RespectRobots = 5, 100, false
	c, src, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	perHost := map[string]int{}
	for _, u := range c.urls() {
		perHost[strings.Split(u, "/")[2]]++
	}
	if len(perHost) != 2 || perHost["a.localhost"+port] != 5 || perHost["b.localhost"+port] != 5 {
		t.Errorf("documents per host %v, want 5 each", perHost)
	}
	if src.Stats().LinksSkipped["max_pages_per_host"] == 0 {
		t.Error("no link was counted over the per-host limit")
	}
}

// TestCrawlRobotsUnavailableThenBack: a robots.txt answering 503 makes
// the page wait and retry (RFC 9309 forbids fetching meanwhile); once
// robots.txt answers, the page is fetched.
func TestCrawlRobotsUnavailableThenBack(t *testing.T) {
	var robots, pages atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			if robots.Add(1) <= 2 {
				http.Error(w, "busy", http.StatusServiceUnavailable)
				return
			}
			fmt.Fprint(w, "User-agent: *\nAllow: /\n")
			return
		}
		pages.Add(1)
		fmt.Fprint(w, htmlPage("Page", ""))
	}))
	defer srv.Close()
	cfg := testConfig(srv.URL + "/")
	c, _, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.docs) != 1 || robots.Load() != 3 || pages.Load() != 1 {
		t.Errorf("%d documents, %d robots.txt and %d page requests; drops %v", len(c.docs),
			robots.Load(), pages.Load(), c.skips)
	}
	// Always unavailable: the page is given up after max_retries, unfetched.
	robots.Store(-100)
	pages.Store(0)
	c, _, err = crawlOnce(t, cfg)
	if err != nil || c.skips["fetch_error"]+c.skips["robots_unavailable"] != 1 || pages.Load() != 0 {
		t.Errorf("err %v, drops %v, %d page requests", err, c.skips, pages.Load())
	}
}
