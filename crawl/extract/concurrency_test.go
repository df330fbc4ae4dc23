package extract

import (
	"path/filepath"
	"sync"
	"testing"
)

// Pooled scratch state must not leak from one page to the next: the same
// page gives the same result whatever was extracted before it, on any
// number of goroutines.
func TestConcurrentAndOrderIndependent(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html.gz"))
	pages := make([][]byte, len(files))
	want := make([]Result, len(files))
	for i, f := range files {
		pages[i] = readTestdata(t, filepath.Base(f))
	}
	for i, p := range pages {
		before := string(p)
		res, err := HTML(p, "https://example.org/", Options{})
		if err != nil {
			t.Fatal(err)
		}
		if string(p) != before {
			t.Fatalf("%s: HTML modified its input", files[i])
		}
		want[i] = res
	}
	var wg sync.WaitGroup
	for g := 0; g < 4; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := 0; round < 3; round++ {
				for k := range pages {
					i := (k*7 + g + round) % len(pages) // a different order per goroutine
					res, err := HTML(pages[i], "https://example.org/", Options{})
					if err != nil || res != want[i] {
						t.Errorf("%s: result differs on goroutine %d (err %v)", files[i], g, err)
						return
					}
				}
			}
		}()
	}
	wg.Wait()
}
