package tokenize

import (
	"bytes"
	"compress/gzip"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
)

// realSample is how much of each file the default test compares (cut at a
// newline); with TOKENMILL_TOKENIZE_FULL=1 it compares every byte, which
// takes many minutes: the reference is slow.
const realSample = 2 << 10

// textFiles returns the text of every file under the shared data directory
// that is text: plain files and gzip-compressed ones whose first 8 KB hold
// no NUL byte. Archives, PDFs and images are left out.
func textFiles(tb testing.TB) map[string]string {
	root := dataDir(tb)
	out := map[string]string{}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		switch strings.ToLower(filepath.Ext(path)) {
		case ".pdf", ".epub", ".zip", ".lz4", ".png", ".jpg", ".gif", ".tar", ".open":
			return nil
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if strings.HasSuffix(path, ".gz") {
			zr, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil // not gzip after all: left out
			}
			if b, err = io.ReadAll(zr); err != nil {
				return nil // truncated archives are test data of their own
			}
		}
		if bytes.IndexByte(b[:min(len(b), 8192)], 0) >= 0 {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		out[rel] = string(b)
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	if len(out) < 100 {
		tb.Fatalf("only %d text files under %s", len(out), root)
	}
	return out
}

// TestRealDataMatchesReference compares ids with pkoukk/tiktoken-go on the
// real text of the shared data (books, web pages, papers' sources, WARC
// records; UTF-8 and not), for all four encodings.
func TestRealDataMatchesReference(t *testing.T) {
	files := textFiles(t)
	full := os.Getenv("TOKENMILL_TOKENIZE_FULL") == "1"
	for _, name := range encodingNames {
		t.Run(name, func(t *testing.T) {
			enc := mustGet(t, name)
			reference(t, name)
			var mu sync.Mutex
			var checked, skipped int64
			work := make(chan string)
			var wg sync.WaitGroup
			for range runtime.GOMAXPROCS(0) {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for path := range work {
						text := files[path]
						if !full && len(text) > realSample {
							text = text[:realSample]
							if cut := strings.LastIndexByte(text, '\n'); cut > 0 {
								text = text[:cut+1]
							}
						}
						compared, err := compareWithReference(t, enc, text)
						if err != nil {
							t.Errorf("%s: %v", path, err)
						}
						mu.Lock()
						if compared {
							checked += int64(len(text))
						} else {
							skipped++
						}
						mu.Unlock()
					}
				}()
			}
			for path := range files {
				work <- path
			}
			close(work)
			wg.Wait()
			t.Logf("%s: %d files, %d bytes identical to the reference; %d files it cannot "+
				"judge (see comparable)", name, len(files)-int(skipped), checked, skipped)
		})
	}
}
