// Command compare runs tokenmill's extractor and its Go peers,
// markusmobius/go-trafilatura and readeck/go-readability, over an
// extraction benchmark in trafilatura's format and prints one table of
// quality and speed, so that all figures come from one run on one machine.
//
// It is a module of its own so that the peers never become dependencies
// of tokenmill. Run it from this directory:
//
//	GOMAXPROCS=1 go run . -data ../../../../../shared/data/extraction/trafilatura-eval
//
// Each extractor sees the same pages in the same order on one goroutine.
// Speed is given per wall-clock second and per CPU-second of the process
// (user plus system time, garbage collection included), which is the fair
// figure on a machine shared with other work. With -rounds N the fastest
// pass counts. Allocation is the bytes allocated per byte of input
// (runtime.MemStats.TotalAlloc).
package main

import (
	"bytes"
	"flag"
	"fmt"
	"net/url"
	"os"
	"runtime"

	"strings"
	"syscall"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	trafilatura "github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"github.com/tokenmill/tokenmill/crawl/extract"
	"github.com/tokenmill/tokenmill/crawl/extract/evalset"
)

type extractor struct {
	name string
	run  func(page []byte, pageURL string) (string, error)
}

func main() {
	data := flag.String("data", "", "benchmark directory (holding evaldata.json)")
	only := flag.String("only", "", "comma-separated extractor names to run (default all)")
	rounds := flag.Int("rounds", 1, "timed passes over the pages per extractor; the fastest counts")
	flag.Parse()
	set, err := evalset.Load(*data)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	var input int64
	for _, p := range set.Pages {
		input += int64(len(p.HTML))
	}
	fmt.Printf("%d pages, %.1f MB of HTML, GOMAXPROCS=%d, %s\n\n", len(set.Pages),
		float64(input)/1e6, runtime.GOMAXPROCS(0), runtime.Version())
	fmt.Println("| extractor | F1 | precision | recall | F1 even half | F1 odd half " +
		"| pages/s (wall) | pages per CPU-s | MB per CPU-s | alloc/input | slowest page |")
	fmt.Println("|---|---|---|---|---|---|---|---|---|---|---|")
	for _, ex := range extractors() {
		if *only != "" && !contains(strings.Split(*only, ","), ex.name) {
			continue
		}
		measure(ex, set, input, *rounds)
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func measure(ex extractor, set *evalset.Set, input int64, rounds int) {
	var all evalset.Score
	var halves [2]evalset.Score
	best, bestCPU := time.Duration(1<<62), time.Duration(1<<62)
	var slowest time.Duration
	var slowName string
	var alloc uint64
	for r := 0; r < rounds; r++ {
		runtime.GC()
		var ms0, ms1 runtime.MemStats
		runtime.ReadMemStats(&ms0)
		texts := make([]string, len(set.Pages))
		cpu0 := cpuTime()
		start := time.Now()
		for i, p := range set.Pages {
			t0 := time.Now()
			text, err := ex.run(p.HTML, p.URL)
			if d := time.Since(t0); d > slowest {
				slowest, slowName = d, p.File
			}
			if err == nil {
				texts[i] = text
			}
		}
		elapsed := time.Since(start)
		if c := cpuTime() - cpu0; c < bestCPU {
			bestCPU = c
		}
		runtime.ReadMemStats(&ms1)
		alloc = ms1.TotalAlloc - ms0.TotalAlloc
		if elapsed < best {
			best = elapsed
		}
		if r == 0 {
			for i, p := range set.Pages {
				halves[i%2].Merge(all.Add(p, texts[i]))
			}
		}
	}
	sec, cpu := best.Seconds(), bestCPU.Seconds()
	fmt.Printf("| %s | %.3f | %.3f | %.3f | %.3f | %.3f | %.0f | %.0f | %.1f | %.1f× | %s (%s) |\n",
		ex.name, all.F1(), all.Precision(), all.Recall(), halves[0].F1(), halves[1].F1(),
		float64(len(set.Pages))/sec, float64(len(set.Pages))/cpu, float64(input)/1e6/cpu,
		float64(alloc)/float64(input), slowest.Round(time.Millisecond), shortName(slowName))
}

// cpuTime is the process's user plus system time: on a shared machine it
// counts the work done and not the waiting.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

func shortName(path string) string {
	if i := strings.LastIndexByte(path, '/'); i >= 0 {
		return path[i+1:]
	}
	return path
}

func extractors() []extractor {
	return []extractor{
		{"tokenmill", func(page []byte, pageURL string) (string, error) {
			res, err := extract.HTML(page, pageURL, extract.Options{})
			return res.Text, err
		}},
		{"go-trafilatura", func(page []byte, pageURL string) (string, error) {
			return runTrafilatura(page, pageURL, false)
		}},
		{"go-trafilatura+fallback", func(page []byte, pageURL string) (string, error) {
			return runTrafilatura(page, pageURL, true)
		}},
		{"go-readability", func(page []byte, pageURL string) (string, error) {
			u, _ := url.Parse(pageURL)
			parser := readability.NewParser()
			article, err := parser.Parse(bytes.NewReader(page), u)
			if err != nil || article.Node == nil {
				return "", err
			}
			var b strings.Builder
			err = article.RenderText(&b)
			return b.String(), err
		}},
	}
}

func runTrafilatura(page []byte, pageURL string, fallback bool) (string, error) {
	u, _ := url.Parse(pageURL)
	res, err := trafilatura.Extract(bytes.NewReader(page), trafilatura.Options{
		OriginalURL:     u,
		EnableFallback:  fallback,
		ExcludeComments: true,
		HtmlDateMode:    trafilatura.Disabled,
	})
	if err != nil || res == nil || res.ContentNode == nil {
		return "", err
	}
	// ContentText drops paragraph breaks; render the content node instead.
	var b strings.Builder
	renderText(res.ContentNode, &b)
	return b.String(), nil
}

// renderText writes the text below n with a blank line after every block
// element.
func renderText(n *html.Node, b *strings.Builder) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			b.WriteString(c.Data)
		case html.ElementNode:
			renderText(c, b)
			switch c.Data {
			case "p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre",
				"blockquote", "table", "ul", "ol", "section", "article", "br", "head",
				"list", "item", "row", "cell", "quote", "code":
				b.WriteString("\n\n")
			case "td", "th":
				b.WriteByte('\t')
			}
		}
	}
}
