package crawl

import (
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

func TestExtractLinks(t *testing.T) {
	page := `<!DOCTYPE html><html><head><base href="/docs/">
<meta name="ROBOTS" content="noindex, follow">
<script>var s = "<a href='/in-script'>";</script><style>a{}</style></head><body>
<!-- <a href="/in-comment"> -->
<a href="one.html">1</a> <A HREF='two.html#x'>2</A> <a href=three.html>3</a>
<a class="x" href="https://Example.COM:443/four?utm_source=a&amp;b=1">4</a>
<a href="mailto:a@b.c">m</a> <a href="javascript:void(0)">j</a> <a href="#top">t</a>
<area href="/map"><iframe src="frame.html"></iframe><a href="one.html">again</a>
<a data-href="/not-a-link">x</a><a href = "spaced.html" >s</a>
</body></html>`
	base, _ := url.Parse("http://host/dir/page.html")
	got := extractLinks([]byte(page), base, "tokenmill-crawler", 0)
	want := []string{"http://host/docs/one.html", "http://host/docs/two.html",
		"http://host/docs/three.html", "https://example.com/four?b=1", "http://host/map",
		"http://host/docs/frame.html", "http://host/docs/spaced.html"}
	if !slices.Equal(got.URLs, want) {
		t.Errorf("links\n got %q\nwant %q", got.URLs, want)
	}
	if !got.NoIndex || got.NoFollow {
		t.Errorf("meta robots: noindex %v nofollow %v", got.NoIndex, got.NoFollow)
	}
}

func TestNormalizeURL(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"HTTP://Example.COM:80/a/./b/../c?utm_medium=x&q=1#frag", "http://example.com/a/c?q=1"},
		{"https://example.com:443", "https://example.com/"},
		{"https://user:pw@example.com:8443/p?", "https://example.com:8443/p"},
		{"http://bücher.example/", "http://xn--bcher-kva.example/"},
		{"http://example.com/?fbclid=1&gclid=2", "http://example.com/"},
		{"http://[::1]:80/x", "http://[::1]/x"},
		{"http://example.com/dir/", "http://example.com/dir/"},
	} {
		u, err := NormalizeURL(c.in, nil)
		if err != nil || u.String() != c.want {
			t.Errorf("NormalizeURL(%q) = %v, %v; want %q", c.in, u, err, c.want)
		}
	}
	for _, bad := range []string{"ftp://example.com/", "file:///etc/passwd", "http:///nohost", "::"} {
		if u, err := NormalizeURL(bad, nil); err == nil {
			t.Errorf("NormalizeURL(%q) = %v, want an error", bad, u)
		}
	}
}

func TestScope(t *testing.T) {
	mk := func(mode string, allowed ...string) *scope {
		s, err := newScope(mode, allowed, nil, []string{`/private/`}, []string{"png"})
		if err != nil {
			t.Fatal(err)
		}
		seed, _ := url.Parse("https://docs.example.co.uk/")
		s.addSeed(seed)
		return s
	}
	cases := []struct {
		s    *scope
		u    string
		want string
	}{
		{mk("host"), "https://docs.example.co.uk/a", ""},
		{mk("host"), "https://www.example.co.uk/a", "out_of_scope"},
		{mk("domain"), "https://www.example.co.uk/a", ""},
		{mk("domain"), "https://example.uk/a", "out_of_scope"},
		{mk("list", "other.org"), "https://a.other.org/", ""},
		{mk("host"), "https://docs.example.co.uk/private/x", "excluded"},
		{mk("host"), "https://docs.example.co.uk/i.PNG", "skipped_extension"},
	}
	for _, c := range cases {
		u, _ := url.Parse(c.u)
		_, why := c.s.follow(u)
		if why != c.want {
			t.Errorf("%s %s: %q, want %q", c.s.mode, c.u, why, c.want)
		}
	}
}

func BenchmarkExtractLinks(b *testing.B) {
	dir := pythonDocs(b)
	var pages [][]byte
	var size int64
	for _, p := range []string{"index.html", "genindex-all.html", "library/os.html",
		"library/stdtypes.html", "tutorial/classes.html", "reference/datamodel.html"} {
		data, err := os.ReadFile(filepath.Join(dir, p))
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, data)
		size += int64(len(data))
	}
	base, _ := url.Parse("http://127.0.0.1/library/os.html")
	b.SetBytes(size)
	b.ResetTimer()
	for range b.N {
		for _, p := range pages {
			extractLinks(p, base, "tokenmill-crawler", 0)
		}
	}
}
