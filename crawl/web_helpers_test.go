package crawl

import (
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// collector is a mill.Emitter that keeps what a source produces.
type collector struct {
	mu    sync.Mutex
	docs  []*mill.Document
	skips map[string]int
	errs  []error
	// stopAfter cancels the crawl once this many documents arrived.
	stopAfter int
	cancel    context.CancelFunc
	ctx       context.Context
}

func (c *collector) Emit(d *mill.Document) error {
	if c.ctx != nil && c.ctx.Err() != nil {
		return c.ctx.Err()
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.docs = append(c.docs, d)
	if c.stopAfter > 0 && len(c.docs) >= c.stopAfter && c.cancel != nil {
		c.cancel()
	}
	return nil
}

func (c *collector) Skip(reason string, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.skips == nil {
		c.skips = map[string]int{}
	}
	c.skips[reason]++
	c.errs = append(c.errs, err)
}

func (c *collector) urls() []string {
	var out []string
	for _, d := range c.docs {
		out = append(out, d.URL)
	}
	return out
}

func (c *collector) byURL() map[string]*mill.Document {
	m := map[string]*mill.Document{}
	for _, d := range c.docs {
		m[d.URL] = d
	}
	return m
}

func (c *collector) total() int {
	n := len(c.docs)
	for _, v := range c.skips {
		n += v
	}
	return n
}

// testConfig is a fast, polite-off configuration for loopback servers.
func testConfig(seeds ...string) *WebConfig {
	cfg := DefaultWebConfig(seeds...)
	cfg.AllowPrivateNetworks = true
	cfg.Delay = 0
	cfg.RetryBase = 50 * time.Millisecond
	cfg.Timeout = 5 * time.Second
	cfg.ConnectTimeout = 2 * time.Second
	cfg.HostParallel = 4
	cfg.Concurrency = 4
	return cfg
}

func testLogger(t testing.TB) *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelInfo}))
	}
	return slog.New(slog.DiscardHandler)
}

func crawlOnce(t testing.TB, cfg *WebConfig) (*collector, *WebSource, error) {
	t.Helper()
	src, err := NewWebSource(cfg, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c := &collector{}
	err = src.Read(ctx, c)
	return c, src, err
}

// dataDir returns the shared real-data directory: $TOKENMILL_DATA or
// ../shared/data beside the repository root. Without it the test skips,
// except under CI=true where it fails.
func dataDir(t testing.TB, sub string) string {
	t.Helper()
	dir := os.Getenv("TOKENMILL_DATA")
	if dir == "" {
		root, _ := os.Getwd()
		for root != "/" {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			root = filepath.Dir(root)
		}
		dir = filepath.Join(root, "..", "shared", "data")
	}
	p := filepath.Join(dir, sub)
	if _, err := os.Stat(p); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("test data %s is missing (set TOKENMILL_DATA): %v", p, err)
		}
		t.Skipf("test data %s not available: %v", p, err)
	}
	return p
}

func sortedStrings(s []string) []string {
	out := append([]string(nil), s...)
	sort.Strings(out)
	return out
}
