package crawl

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
)

// badServer serves a home page linking to pages that misbehave in every
// way the crawler must survive, and records what was requested.
type badServer struct {
	*httptest.Server
	mu    sync.Mutex
	hits  map[string][]time.Time
	bomb  []byte
	links []string
}

func (s *badServer) hit(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hits[path] = append(s.hits[path], time.Now())
	return len(s.hits[path])
}

func (s *badServer) times(path string) []time.Time {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Time(nil), s.hits[path]...)
}

func htmlPage(title, body string) string {
	return "<html><head><title>" + title + "</title></head><body><article><h1>" + title +
		"</h1><p>" + body + "</p><p>" + lorem + "</p></article></body></html>"
}

func newBadServer(t *testing.T) *badServer {
	s := &badServer{hits: map[string][]time.Time{}}
	// A gzip bomb: 200 MB of zeros, about 200 KB compressed.
	var bomb bytes.Buffer
	z, _ := gzip.NewWriterLevel(&bomb, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range 200 {
		z.Write(zeros)
	}
	z.Close()
	s.bomb = bomb.Bytes()

	cp1252, _ := charmap.Windows1252.NewEncoder().String(
		htmlPage("Café", "Crème brûlée, naïve façade, “quoted” — dash."))
	sjisBody, _ := japanese.ShiftJIS.NewEncoder().String(
		`<html><head><meta charset="Shift_JIS"><title>日本語</title></head><body><article>` +
			`<p>これは日本語のページです。文字コードはシフトJISです。</p>` +
			strings.Repeat("<p>東京は日本の首都であり、多くの人々が住んでいます。</p>", 6) +
			`</article></body></html>`)
	// The same pages with no declaration at all: the charset is sniffed.
	cp1252Bare, _ := charmap.Windows1252.NewEncoder().String(
		htmlPage("Café bare", "Crème brûlée, naïve façade, déjà vu — à la carte."))
	sjisBare, _ := japanese.ShiftJIS.NewEncoder().String(
		`<html><head><title>日本語</title></head><body><article>` +
			strings.Repeat("<p>これは日本語のページです。東京は日本の首都であり、多くの人々が住んでいます。</p>", 8) +
			`</article></body></html>`)
	binary := make([]byte, 4096)
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range binary {
		binary[i] = byte(rng.UintN(256))
	}
	copy(binary, "\x89PNG\r\n\x1a\n")

	routes := map[string]http.HandlerFunc{
		"/robots.txt": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
		},
		"/slow": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			for i := 0; i < 100; i++ {
				if _, err := w.Write([]byte("<p>slow</p>")); err != nil {
					return
				}
				w.(http.Flusher).Flush()
				select {
				case <-time.After(100 * time.Millisecond):
				case <-r.Context().Done():
					return
				}
			}
		},
		"/flaky500": func(w http.ResponseWriter, r *http.Request) {
			if s.hit("/flaky500.n") <= 2 {
				http.Error(w, "try again", http.StatusInternalServerError)
				return
			}
			fmt.Fprint(w, htmlPage("Flaky", "Served after two errors."))
		},
		"/always503": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "down", http.StatusServiceUnavailable)
		},
		"/throttled": func(w http.ResponseWriter, r *http.Request) {
			if s.hit("/throttled.n") == 1 {
				w.Header().Set("Retry-After", "1")
				http.Error(w, "slow down", http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, htmlPage("Throttled", "Served after a 429."))
		},
		"/loop/a": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop/b", http.StatusFound)
		},
		"/loop/b": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/loop/a", http.StatusFound)
		},
		"/chain/0": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/chain/1", http.StatusFound)
		},
		"/moved": func(w http.ResponseWriter, r *http.Request) {
			http.Redirect(w, r, "/target", http.StatusMovedPermanently)
		},
		"/target": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, htmlPage("Target", "The end of a redirect."))
		},
		"/huge": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			chunk := bytes.Repeat([]byte("<p>huge page</p>\n"), 1<<12)
			for sent := 0; sent < 50<<20; sent += len(chunk) {
				if _, err := w.Write(chunk); err != nil {
					return
				}
			}
		},
		"/bomb": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Header().Set("Content-Encoding", "gzip")
			w.Write(s.bomb)
		},
		"/cp1252": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, cp1252)
		},
		"/sjis": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, sjisBody)
		},
		"/cp1252-bare": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, cp1252Bare)
		},
		"/sjis-bare": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprint(w, sjisBare)
		},
		"/invalid-utf8": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, htmlPage("Broken", "bad bytes \xff\xfe\xc3( here. "+lorem))
		},
		"/binary": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			w.Write(binary)
		},
		"/pdf": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/pdf")
			fmt.Fprint(w, "%PDF-1.4\n")
		},
		"/private/secret": func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprint(w, htmlPage("Secret", "Robots.txt forbids this page."))
		},
		"/empty": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
		},
		"/plain.txt": func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/plain")
			fmt.Fprint(w, "A plain text file.\n")
		},
		"/gone": func(w http.ResponseWriter, r *http.Request) {
			http.Error(w, "gone", http.StatusGone)
		},
	}
	for p := range routes {
		if p != "/robots.txt" {
			s.links = append(s.links, p)
		}
	}
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.hit(r.URL.Path)
		if n, ok := strings.CutPrefix(r.URL.Path, "/chain/"); ok {
			http.Redirect(w, r, "/chain/"+n+"0", http.StatusFound)
			return
		}
		if h := routes[r.URL.Path]; h != nil {
			h(w, r)
			return
		}
		if r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		for _, l := range sortedStrings(s.links) {
			fmt.Fprintf(&b, `<a href="%s">%s</a> `, l, l)
		}
		b.WriteString(`<a href="http://elsewhere.invalid/">external</a>`)
		fmt.Fprint(w, htmlPage("Home", b.String()))
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func TestCrawlMisbehavingServer(t *testing.T) {
	s := newBadServer(t)
	cfg := testConfig(s.URL + "/")
	cfg.Timeout = 1500 * time.Millisecond
	cfg.MaxRetries = 3
	cfg.MaxRedirects = 3
	cfg.Concurrency = 8
	cfg.HostParallel = 8
	start := time.Now()
	c, src, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("crawl took %s; drops %v", time.Since(start), c.skips)

	// Every linked page (and the home page, and the three redirect
	// targets of /chain/0) is a document or a drop.
	if got, want := c.total(), len(s.links)+1+3; got != want {
		t.Errorf("%d outcomes, want %d (one per page)", got, want)
	}
	// /loop/a and /loop/b redirect to each other: each is fetched once.
	wantDrops := map[string]int{"timeout": 1, "http_503": 1, "redirect": 6,
		"too_many_redirects": 1,
		"too_large":          2, "binary": 1, "content_type": 1, "robots_disallowed": 1,
		"empty": 1, "http_410": 1}
	for r, n := range wantDrops {
		if c.skips[r] != n {
			t.Errorf("drop %s: %d, want %d (all drops %v)", r, c.skips[r], n, c.skips)
		}
	}
	docs := c.byURL()
	for _, p := range []string{"/", "/flaky500", "/throttled", "/target", "/cp1252", "/sjis",
		"/invalid-utf8", "/plain.txt"} {
		if docs[s.URL+p] == nil {
			t.Errorf("no document for %s", p)
		}
	}
	for _, d := range c.docs {
		if !utf8.ValidString(d.Text) {
			t.Errorf("%s: text is not valid UTF-8", d.URL)
		}
	}
	if d := docs[s.URL+"/cp1252"]; d != nil && !strings.Contains(d.Text, "Crème brûlée, naïve façade, “quoted”") {
		t.Errorf("Windows-1252 page decoded wrongly: %q", d.Text)
	}
	if d := docs[s.URL+"/sjis"]; d != nil && !strings.Contains(d.Text, "これは日本語のページです") {
		t.Errorf("Shift_JIS page decoded wrongly: %q", d.Text)
	}
	if d := docs[s.URL+"/cp1252-bare"]; d == nil || !strings.Contains(d.Text, "Crème brûlée, naïve façade, déjà vu") {
		t.Errorf("undeclared Windows-1252 page decoded wrongly: %v", d)
	}
	if d := docs[s.URL+"/sjis-bare"]; d == nil || !strings.Contains(d.Text, "東京は日本の首都") {
		t.Errorf("undeclared Shift_JIS page decoded wrongly: %v", d)
	}
	if d := docs[s.URL+"/invalid-utf8"]; d != nil && !strings.Contains(d.Text, "bad bytes \uFFFD") {
		t.Errorf("invalid UTF-8 not replaced: %q", d.Text)
	}
	if n := len(s.times("/private/secret")); n != 0 {
		t.Errorf("robots.txt disallowed /private/ but it was fetched %d times", n)
	}
	if n := len(s.times("/always503")); n != cfg.MaxRetries+1 {
		t.Errorf("/always503 fetched %d times, want %d", n, cfg.MaxRetries+1)
	}
	if ts := s.times("/throttled"); len(ts) != 2 || ts[1].Sub(ts[0]) < time.Second {
		t.Errorf("429 with Retry-After: 1 was retried at %v", ts)
	}
	for _, p := range []string{"/target", "/loop/a", "/loop/b", "/moved"} {
		if n := len(s.times(p)); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	if st := src.Stats(); st.Retries < 5 {
		t.Errorf("%d retries, want at least 5", st.Retries)
	}
}

func TestCrawlDelayFromRobots(t *testing.T) {
	var mu sync.Mutex
	var times []time.Time
	mux := http.NewServeMux()
	mux.HandleFunc("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprint(w, "User-agent: tokenmill-crawler\nCrawl-delay: 1\nDisallow: /no\n\n"+
			"User-agent: *\nDisallow: /\n")
	})
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		times = append(times, time.Now())
		mu.Unlock()
		fmt.Fprint(w, htmlPage("Page "+r.URL.Path, `<a href="/p1">1</a> <a href="/p2">2</a> `+
			`<a href="/no">no</a>`))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cfg := testConfig(srv.URL + "/")
	cfg.HostParallel, cfg.Concurrency = 4, 4
	c, _, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if len(c.docs) != 3 || c.skips["robots_disallowed"] != 1 {
		t.Fatalf("docs %v, drops %v", c.urls(), c.skips)
	}
	for i := 1; i < len(times); i++ {
		if gap := times[i].Sub(times[i-1]); gap < 950*time.Millisecond {
			t.Errorf("requests %d and %d only %s apart despite Crawl-delay: 1", i-1, i, gap)
		}
	}
}

func TestCrawlRefusesPrivateAddresses(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits++
	}))
	defer srv.Close()
	// "localhost" resolves to 127.0.0.1: the check is on the dialed address.
	for _, seed := range []string{srv.URL + "/", strings.Replace(srv.URL, "127.0.0.1", "localhost", 1)} {
		cfg := testConfig(seed)
		cfg.AllowPrivateNetworks = false
		c, _, err := crawlOnce(t, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if len(c.docs) != 0 || c.skips["blocked_address"] != 1 {
			t.Errorf("%s: docs %v drops %v", seed, c.urls(), c.skips)
		}
	}
	if hits != 0 {
		t.Errorf("the server saw %d requests", hits)
	}
}
