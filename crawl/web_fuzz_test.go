package crawl

import (
	"bytes"
	"net/url"
	"testing"
	"unicode/utf8"
)

// FuzzExtractLinks checks that the link scanner never panics and returns
// only normalized http(s) URLs.
func FuzzExtractLinks(f *testing.F) {
	f.Add([]byte(`<a href="x.html">x</a><base href="/d/"><a href='y?utm_a=1#f'>`))
	f.Add([]byte(`<!-- <a href="c"> --><script>"<a href=s>"</script><a href=u>`))
	f.Add([]byte(`<meta name=robots content="none"><iframe src="f"><a href="&amp;x">`))
	f.Add([]byte(`<a href="`))
	base, _ := url.Parse("http://example.com/dir/page.html")
	f.Fuzz(func(t *testing.T, page []byte) {
		for _, l := range extractLinks(page, base, "bot", 0).URLs {
			u, err := NormalizeURL(l, nil)
			if err != nil || u.String() != l || !utf8.ValidString(l) {
				t.Fatalf("link %q is not normalized (%v)", l, err)
			}
		}
	})
}

// FuzzWARCReader checks that damaged archives never panic or loop: the
// reader ends with io.EOF after at most one error per input byte.
func FuzzWARCReader(f *testing.F) {
	rec := "WARC/1.1\r\nWARC-Type: response\r\nWARC-Target-URI: http://a/\r\n" +
		"Content-Type: application/http;msgtype=response\r\nContent-Length: 38\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi\r\n\r\n"
	f.Add([]byte(rec + rec))
	f.Add([]byte(rec[:60]))
	f.Add([]byte("filedesc://x 0.0.0.0 20200101000000 text/plain 3\nabc\n"))
	f.Add([]byte("\x04\x22\x4d\x18\x64\x40\xa7\x0b\x00\x00\x80WARC/1.0\r\n\r\n\x00\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		r, err := NewWARCReader(bytes.NewReader(data), "fuzz", 1<<20)
		if err != nil {
			return
		}
		for i := 0; i <= len(data)+2; i++ {
			if _, err := r.Next(); err != nil && err.Error() == "EOF" {
				return
			}
		}
		t.Fatal("reader did not reach the end")
	})
}
