package extract

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// hugeTable builds a page holding one table of about size bytes, the shape
// of the statistics pages that take other extractors seconds.
func hugeTable(size int) []byte {
	var b bytes.Buffer
	b.WriteString("<html><head><title>Results</title></head><body><h1>All results</h1>" +
		"<p>" + para + "</p><table>")
	for i := 0; b.Len() < size; i++ {
		fmt.Fprintf(&b, "<tr><td>%d</td><td>Runner number %d</td><td>club %d</td>"+
			"<td>%d.%02d s</td></tr>\n", i, i, i%97, 10+i%7, i%100)
	}
	b.WriteString("</table></body></html>")
	return b.Bytes()
}

func TestHugePageIsBounded(t *testing.T) {
	page := hugeTable(12 << 20)
	start := time.Now()
	res, err := HTML(page, "", Options{})
	elapsed := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated {
		t.Error("a 12 MB page was not reported as truncated at the 4 MiB cap")
	}
	if !strings.Contains(res.Text, "Runner number 1000\t") {
		t.Error("table rows missing from the text")
	}
	if len(res.Text) > DefaultMaxBytes {
		t.Errorf("text of %d bytes is larger than the input cap", len(res.Text))
	}
	// About 0.5 s on one core here; the bound leaves room for a loaded CI machine.
	if elapsed > 10*time.Second {
		t.Errorf("12 MB page took %v", elapsed)
	}
	t.Logf("12 MB table: %v, %d bytes of text", elapsed, len(res.Text))

	// The deadline stops the walk of a page that is within the cap.
	start = time.Now()
	res, err = HTML(page, "", Options{MaxBytes: 64 << 20, Timeout: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	if !res.Truncated {
		t.Error("deadline run not reported as truncated")
	}
	t.Logf("12 MB table with a 1 ms deadline: %v (parsing is bounded by MaxBytes only)",
		time.Since(start))
}

func TestDeepNesting(t *testing.T) {
	// html.Parse caps nesting itself; the walk must not blow the stack.
	page := "<html lang=nl><title>Deep</title><body>" + strings.Repeat("<div>", 100000) +
		"<nav><a href=/>Home</a></nav><p>" + para + "</p>" + strings.Repeat("</div>", 100000)
	res, err := HTML([]byte(page), "", Options{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Text != para || res.Title != "Deep" || res.Lang != "nl" {
		t.Errorf("got text %q title %q lang %q", res.Text, res.Title, res.Lang)
	}
}

func FuzzHTML(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html.gz"))
	for _, file := range files {
		data := readTestdata(f, filepath.Base(file))
		f.Add(data[:min(len(data), 4096)])
	}
	f.Add([]byte("<html><body><pre>\x00\xff\xfe</pre><p>a<br><br>b</p></body></html>"))
	f.Add([]byte("<table><tr><td>a<td>b<tr><th>c</table><ul><li>x<li>y</ul>"))
	f.Add([]byte(`<meta charset="shift_jis"><p>\x82\xa0\x82\xa2</p>`))
	f.Add([]byte("<div class='comments sidebar'><header><nav>x</nav></header></div>"))
	f.Fuzz(func(t *testing.T, page []byte) {
		res, err := HTML(page, "https://example.org/p", Options{MaxBytes: 1 << 16})
		if err != nil && err != ErrNotHTML {
			t.Fatalf("error %v", err)
		}
		for name, s := range map[string]string{"text": res.Text, "title": res.Title,
			"lang": res.Lang, "canonical": res.Canonical} {
			if !utf8.ValidString(s) {
				t.Fatalf("%s is not valid UTF-8: %q", name, s)
			}
		}
		if strings.HasPrefix(res.Text, "\n") || strings.HasSuffix(res.Text, "\n") {
			t.Fatalf("text has edge newlines: %q", res.Text)
		}
	})
}

func BenchmarkHTML(b *testing.B) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html.gz"))
	var pages [][]byte
	var size int64
	for _, file := range files {
		p := readTestdata(b, filepath.Base(file))
		pages = append(pages, p)
		size += int64(len(p))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range pages {
			if _, err := HTML(p, "", Options{}); err != nil {
				b.Fatal(err)
			}
		}
	}
}

func BenchmarkHTMLHugeTable(b *testing.B) {
	page := hugeTable(8 << 20)
	b.SetBytes(int64(min(len(page), DefaultMaxBytes)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := HTML(page, "", Options{}); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkEvalSet runs the extractor over trafilatura's benchmark pages
// (skipped without the data).
func BenchmarkEvalSet(b *testing.B) {
	if _, err := os.Stat(filepath.Join(dataDir(b), "extraction")); err != nil {
		b.Skip("no extraction data")
	}
	set := loadEvalSet(b)
	var size int64
	for _, p := range set.Pages {
		size += int64(len(p.HTML))
	}
	b.SetBytes(size)
	b.ReportAllocs()
	for b.Loop() {
		for _, p := range set.Pages {
			HTML(p.HTML, p.URL, Options{})
		}
	}
	b.ReportMetric(float64(len(set.Pages)*b.N)/b.Elapsed().Seconds(), "pages/s")
}
