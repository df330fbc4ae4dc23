package crawl

import (
	"bufio"
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// countingServer serves the Python docs and counts requests per path.
type countingServer struct {
	*httptest.Server
	mu   sync.Mutex
	hits map[string]int
}

func newCountingServer(t testing.TB, dir string) *countingServer {
	s := &countingServer{hits: map[string]int{}}
	files := StaticSite(dir)
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.hits[r.URL.Path]++
		s.mu.Unlock()
		files.ServeHTTP(w, r)
	}))
	t.Cleanup(s.Close)
	return s
}

func (s *countingServer) refetched() (pages int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for p, n := range s.hits {
		if n > 1 && p != "/robots.txt" {
			pages += n - 1
		}
	}
	return pages
}

// docSet is a crawl's documents as path (the URL without the server's
// address) → text.
func docSet(c *collector, srvURL string) map[string]string {
	m := map[string]string{}
	for _, d := range c.docs {
		m[strings.TrimPrefix(d.URL, srvURL)] = d.Text
	}
	return m
}

// baseline is an uninterrupted crawl of the Python docs, made once.
var baseline struct {
	once  sync.Once
	paths []string
	set   map[string]string
}

func pythonDocBaseline(t *testing.T) ([]string, map[string]string) {
	dir := pythonDocs(t)
	baseline.once.Do(func() {
		srv := newCountingServer(t, dir)
		c, _, err := crawlOnce(t, pythonDocConfig(srv.URL))
		if err != nil {
			t.Fatal(err)
		}
		baseline.set = docSet(c, srv.URL)
		for _, d := range c.docs {
			baseline.paths = append(baseline.paths, strings.TrimPrefix(d.URL, srv.URL))
		}
	})
	if baseline.set == nil {
		t.Fatal("the baseline crawl failed")
	}
	return baseline.paths, baseline.set
}

func compareSets(t *testing.T, got, want map[string]string) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("%d documents, want %d", len(got), len(want))
	}
	for u, text := range want {
		if g, ok := got[u]; !ok {
			t.Errorf("missing %s", u)
		} else if g != text {
			t.Errorf("%s: text differs", u)
		}
	}
}

// TestCrawlResumeAfterInterrupt stops a crawl halfway (as Ctrl-C does)
// and runs it again with the same state directory: the second run emits
// every document of an uninterrupted crawl, in the same order, and no page
// is fetched twice.
func TestCrawlResumeAfterInterrupt(t *testing.T) {
	dir := pythonDocs(t)
	wantPaths, want := pythonDocBaseline(t)
	srv := newCountingServer(t, dir)
	cfg := pythonDocConfig(srv.URL)
	cfg.StateDir = t.TempDir()
	src, _ := NewWebSource(cfg, testLogger(t))
	ctx, cancel := context.WithCancel(context.Background())
	first := &collector{stopAfter: len(want) / 2, cancel: cancel, ctx: ctx}
	if err := src.Read(ctx, first); err != context.Canceled {
		t.Fatalf("interrupted crawl returned %v", err)
	}
	cancel()
	second, _, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("first run %d documents, second %d", len(first.docs), len(second.docs))
	if len(first.docs) >= len(want) {
		t.Fatal("the first run was not interrupted")
	}
	compareSets(t, docSet(second, srv.URL), want)
	for i, d := range second.docs {
		if i < len(wantPaths) && strings.TrimPrefix(d.URL, srv.URL) != wantPaths[i] {
			t.Errorf("document %d is %s, uninterrupted crawl had %s", i, d.URL, wantPaths[i])
			break
		}
	}
	if n := srv.refetched(); n != 0 {
		t.Errorf("%d pages fetched twice", n)
	}
}

// TestCrawlResumeAfterKill kills a crawl process with SIGKILL halfway and
// resumes it in this process: the documents are those of an uninterrupted
// crawl; only pages in flight at the kill may be fetched again.
func TestCrawlResumeAfterKill(t *testing.T) {
	dir := pythonDocs(t)
	_, want := pythonDocBaseline(t)
	srv := newCountingServer(t, dir)
	state := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestCrawlHelperProcess$")
	cmd.Env = append(os.Environ(), "TOKENMILL_CRAWL_HELPER="+srv.URL, "TOKENMILL_CRAWL_STATE="+state)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(state, "journal.jsonl")
	deadline := time.Now().Add(90 * time.Second)
	for journalLines(journal) < len(want)/2 {
		if time.Now().After(deadline) {
			cmd.Process.Kill()
			t.Fatal("the helper crawl made no progress")
		}
		time.Sleep(20 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGKILL)
	cmd.Wait()
	killedAt := journalLines(journal)

	cfg := pythonDocConfig(srv.URL)
	cfg.StateDir = state
	second, _, err := crawlOnce(t, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("killed with %d journal lines; resumed run %d documents; %d pages refetched",
		killedAt, len(second.docs), srv.refetched())
	compareSets(t, docSet(second, srv.URL), want)
	if n := srv.refetched(); n > cfg.Concurrency {
		t.Errorf("%d pages fetched twice; at most the %d in flight may be", n, cfg.Concurrency)
	}
}

func journalLines(path string) int {
	data, _ := os.ReadFile(path)
	return bytes.Count(data, []byte("\n"))
}

// TestCrawlHelperProcess is the crawl TestCrawlResumeAfterKill kills.
func TestCrawlHelperProcess(t *testing.T) {
	srvURL := os.Getenv("TOKENMILL_CRAWL_HELPER")
	if srvURL == "" {
		t.Skip("helper process for TestCrawlResumeAfterKill")
	}
	cfg := pythonDocConfig(srvURL)
	cfg.StateDir = os.Getenv("TOKENMILL_CRAWL_STATE")
	cfg.Concurrency, cfg.HostParallel = 4, 4
	src, err := NewWebSource(cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	src.Read(context.Background(), &collector{})
}
