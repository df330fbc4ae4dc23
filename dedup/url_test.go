package dedup

import "testing"

func TestNormalizeURL(t *testing.T) {
	same := [][]string{
		{"https://www.Example.com/a/b/", "http://example.com:80/a/b", "https://example.com/a/b#top",
			"https://example.com:443/a/b?utm_source=x&fbclid=y"},
		{"https://example.com/p?b=2&a=1", "https://example.com/p?a=1&b=2&utm_medium=mail"},
		{"https://example.com/", "https://example.com", "http://www.example.com/#x"},
	}
	for _, group := range same {
		want := NormalizeURL(group[0])
		for _, u := range group[1:] {
			if got := NormalizeURL(u); got != want {
				t.Errorf("NormalizeURL(%q) = %q, want %q (as for %q)", u, got, want, group[0])
			}
		}
	}
	differ := [][2]string{
		{"https://example.com/a", "https://example.com/b"},
		{"https://example.com/p?id=1", "https://example.com/p?id=2"},
		{"https://example.com:8080/", "https://example.com/"},
		{"https://example.com/A", "https://example.com/a"},
	}
	for _, c := range differ {
		if NormalizeURL(c[0]) == NormalizeURL(c[1]) {
			t.Errorf("%q and %q normalize alike: %q", c[0], c[1], NormalizeURL(c[0]))
		}
	}
	for _, bad := range []string{"", "not a url", "/relative/path"} {
		if got := NormalizeURL(bad); got != "" {
			t.Errorf("NormalizeURL(%q) = %q, want empty", bad, got)
		}
	}
}
