package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"sort"
	"time"

	"github.com/tokenmill/tokenmill/crawl"
	"github.com/tokenmill/tokenmill/mill"
)

func init() {
	registerBench("crawl", "[DIR]",
		"crawl a static site served on loopback, politeness off: pages/s and MB/s",
		benchCrawl)
}

// pythonDocs is the site the crawl benchmark uses by default (Debian
// package python3.11-doc).
const pythonDocs = "/usr/share/doc/python3.11/html"

// benchCrawl serves DIR on 127.0.0.1 and crawls it from index.html five
// times with no delay, 8 requests in flight, and reports the median.
func benchCrawl(ctx context.Context, w io.Writer, args []string) error {
	dir := pythonDocs
	if len(args) > 1 {
		return usageError("bench crawl takes at most one directory")
	}
	if len(args) == 1 {
		dir = args[0]
	}
	if _, err := os.Stat(filepath.Join(dir, "index.html")); err != nil {
		return fmt.Errorf("%s has no index.html (apt-get install python3.11-doc, or name "+
			"a directory holding a static site): %w", dir, err)
	}
	srv := httptest.NewServer(crawl.StaticSite(dir))
	defer srv.Close()

	type round struct {
		wall, cpu   time.Duration
		pages, docs int64
		bytes       int64
	}
	var rounds []round
	for range 5 {
		cfg := crawl.DefaultWebConfig(srv.URL + "/index.html")
		cfg.AllowPrivateNetworks, cfg.Delay = true, 0
		cfg.Concurrency, cfg.HostParallel = 8, 8
		cfg.MaxDepth, cfg.MaxPages = 100, 1_000_000
		src, err := crawl.NewWebSource(cfg, slog.New(slog.DiscardHandler))
		if err != nil {
			return err
		}
		em := &countEmitter{}
		cpu0, _ := extractCPUTime()
		t0 := time.Now()
		if err := src.Read(ctx, em); err != nil {
			return err
		}
		wall := time.Since(t0)
		cpu1, _ := extractCPUTime()
		st := src.Stats()
		rounds = append(rounds, round{wall: wall, cpu: cpu1 - cpu0, pages: st.Fetches,
			docs: em.docs, bytes: st.BytesFetched})
	}
	sort.Slice(rounds, func(i, j int) bool { return rounds[i].wall < rounds[j].wall })
	m := rounds[len(rounds)/2]
	fmt.Fprintf(w, "crawl: %d fetches (%d documents, %.1f MB) in %s: %.0f pages/s, %.1f MB/s "+
		"(median of %d rounds; fastest %.0f pages/s)\n", m.pages, m.docs, float64(m.bytes)/1e6,
		m.wall.Round(time.Millisecond), float64(m.pages)/m.wall.Seconds(),
		float64(m.bytes)/m.wall.Seconds()/1e6, len(rounds),
		float64(rounds[0].pages)/rounds[0].wall.Seconds())
	if m.cpu > 0 {
		fmt.Fprintf(w, "crawl: %.0f pages/s and %.1f MB/s per core of CPU time "+
			"(server included: it runs in this process)\n",
			float64(m.pages)/m.cpu.Seconds(), float64(m.bytes)/m.cpu.Seconds()/1e6)
	}
	return nil
}

// countEmitter counts what a source produces and discards it.
type countEmitter struct{ docs, skips int64 }

func (e *countEmitter) Emit(*mill.Document) error   { e.docs++; return nil }
func (e *countEmitter) Skip(reason string, _ error) { e.skips++ }
