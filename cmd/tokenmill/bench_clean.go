package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/tokenmill/tokenmill/clean"
	"github.com/tokenmill/tokenmill/crawl"
)

func init() {
	registerBench("clean", "FILE...", "text normalization on whole files",
		func(ctx context.Context, w io.Writer, args []string) error {
			if len(args) == 0 {
				return usageError("bench clean needs at least one text file")
			}
			var texts []string
			var size int64
			for _, p := range args {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				texts = append(texts, crawl.DecodeText(data, ""))
				size += int64(len(data))
			}
			n := clean.Normalizer{CollapseSpaces: true, MaxBlankLines: 1}
			r := measure(size, func() {
				for _, t := range texts {
					n.Normalize(t)
				}
			})
			fmt.Fprintf(w, "clean: %s\n", r)
			return nil
		})
}

// benchResult is a single-core throughput measurement.
type benchResult struct {
	bytes  int64
	rounds int
	best   time.Duration
	median time.Duration
}

func (r benchResult) String() string {
	return fmt.Sprintf("%.1f MB/s per core (median of %d rounds; best %.1f MB/s) on %.2f MB",
		float64(r.bytes)/r.median.Seconds()/1e6, r.rounds,
		float64(r.bytes)/r.best.Seconds()/1e6, float64(r.bytes)/1e6)
}

// measure runs f (one pass over bytes of input) on the calling goroutine
// for at least five rounds and two seconds, and reports the median.
func measure(bytes int64, f func()) benchResult {
	f() // warm up
	var times []time.Duration
	start := time.Now()
	for len(times) < 5 || (time.Since(start) < 2*time.Second && len(times) < 50) {
		t0 := time.Now()
		f()
		times = append(times, time.Since(t0))
	}
	sortDurations(times)
	return benchResult{bytes: bytes, rounds: len(times), best: times[0],
		median: times[len(times)/2]}
}

func sortDurations(d []time.Duration) {
	for i := 1; i < len(d); i++ {
		for j := i; j > 0 && d[j] < d[j-1]; j-- {
			d[j], d[j-1] = d[j-1], d[j]
		}
	}
}
