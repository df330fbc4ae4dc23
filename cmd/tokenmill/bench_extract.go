package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"

	"github.com/tokenmill/tokenmill/crawl/extract"
	"github.com/tokenmill/tokenmill/crawl/extract/evalset"
)

func init() {
	registerBench("extract", "DIR",
		"main-text extraction: pages/s and MB/s per core, and F1 on an annotated set",
		benchExtract)
}

// benchExtract runs the extractor over every page of DIR on one goroutine.
// When DIR is an extraction benchmark in trafilatura's format (it holds
// evaldata.json, or tests/evaldata.json), it also scores the text.
// Otherwise it reads every .html, .htm and .html.gz file below DIR.
func benchExtract(ctx context.Context, w io.Writer, args []string) error {
	if len(args) != 1 {
		return usageError("bench extract needs one directory of HTML pages " +
			"(for example ../shared/data/extraction/trafilatura-eval)")
	}
	dir := args[0]
	var pages [][]byte
	var urls []string
	var set *evalset.Set
	if isEvalSet(dir) {
		s, err := evalset.Load(dir)
		if err != nil {
			return err
		}
		set = s
		for _, p := range s.Pages {
			pages = append(pages, p.HTML)
			urls = append(urls, p.URL)
		}
	} else {
		var err error
		if pages, urls, err = readHTMLTree(dir); err != nil {
			return err
		}
	}
	if len(pages) == 0 {
		return fmt.Errorf("bench extract: no .html, .htm or .html.gz files under %s", dir)
	}
	var size int64
	for _, p := range pages {
		size += int64(len(p))
	}

	texts := make([]string, len(pages))
	var slowest time.Duration
	var slowURL string
	pass := func(record bool) {
		for i, p := range pages {
			t0 := time.Now()
			res, err := extract.HTML(p, urls[i], extract.Options{})
			if record {
				if d := time.Since(t0); d > slowest {
					slowest, slowURL = d, urls[i]
				}
				if err == nil {
					texts[i] = res.Text
				}
			}
		}
	}
	pass(true)
	var rounds, cpus []time.Duration
	start := time.Now()
	for len(rounds) < 3 || (time.Since(start) < 5*time.Second && len(rounds) < 20) {
		if err := ctx.Err(); err != nil {
			return err
		}
		c0, cpuOK := extractCPUTime()
		t0 := time.Now()
		pass(false)
		rounds = append(rounds, time.Since(t0))
		if c1, _ := extractCPUTime(); cpuOK {
			cpus = append(cpus, c1-c0)
		}
	}
	sortDur := func(d []time.Duration) {
		sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	}
	sortDur(rounds)
	sortDur(cpus)
	median := rounds[len(rounds)/2].Seconds()
	fmt.Fprintf(w, "extract: %d pages, %.1f MB of HTML, one goroutine\n", len(pages),
		float64(size)/1e6)
	fmt.Fprintf(w, "  wall: %.0f pages/s, %.1f MB/s (median of %d rounds; best %.0f pages/s)\n",
		float64(len(pages))/median, float64(size)/median/1e6, len(rounds),
		float64(len(pages))/rounds[0].Seconds())
	if len(cpus) > 0 {
		// CPU time includes the garbage collector's work on other threads.
		cpu := cpus[len(cpus)/2].Seconds()
		fmt.Fprintf(w, "  CPU:  %.0f pages/s, %.1f MB/s per CPU-second (median)\n",
			float64(len(pages))/cpu, float64(size)/cpu/1e6)
	}
	fmt.Fprintf(w, "  slowest page %v (%s)\n", slowest.Round(time.Millisecond), slowURL)
	if set != nil {
		var all evalset.Score
		var halves [2]evalset.Score
		for i, p := range set.Pages {
			halves[i%2].Merge(all.Add(p, texts[i]))
		}
		fmt.Fprintf(w, "  quality: %v\n", all)
		fmt.Fprintf(w, "  F1 on even pages %.3f, on odd pages %.3f\n", halves[0].F1(),
			halves[1].F1())
	}
	return nil
}

func isEvalSet(dir string) bool {
	for _, p := range []string{"evaldata.json", filepath.Join("tests", "evaldata.json")} {
		if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
			return true
		}
	}
	return false
}

// readHTMLTree reads every HTML page below dir, decompressing .gz files,
// in path order.
func readHTMLTree(dir string) (pages [][]byte, urls []string, err error) {
	err = filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		name := strings.ToLower(d.Name())
		gz := strings.HasSuffix(name, ".gz")
		name = strings.TrimSuffix(name, ".gz")
		if !strings.HasSuffix(name, ".html") && !strings.HasSuffix(name, ".htm") {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if gz {
			zr, err := gzip.NewReader(bytes.NewReader(data))
			if err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
			if data, err = io.ReadAll(zr); err != nil {
				return fmt.Errorf("%s: %w", path, err)
			}
		}
		abs, _ := filepath.Abs(path)
		pages = append(pages, data)
		urls = append(urls, "file://"+filepath.ToSlash(abs))
		return nil
	})
	return pages, urls, err
}
