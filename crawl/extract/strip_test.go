package extract

import (
	"bytes"
	"path/filepath"
	"testing"
	"time"

	"golang.org/x/net/html"
)

func TestStripRaw(t *testing.T) {
	tests := []struct{ in, want string }{
		{"<p>a</p>", "<p>a</p>"},
		{"<p>a<!-- x <p>b --></p>", "<p>a</p>"},
		{"a<script>if (a<b) x = '</p>';</script>b", "ab"},
		{"a<SCRIPT type=x>y</Script >b", "ab"},
		{"a<style>p{}</style><svg viewBox=0><g><text>t</text></g></svg>b", "ab"},
		{"a<script>never closed", "a"},
		{"a<!-- never closed", "a"},
		{"<styled-thing>keep</styled-thing><scripts>keep</scripts>",
			"<styled-thing>keep</styled-thing><scripts>keep</scripts>"},
		{"<title>Using <script> tags</title><p>x</p><script>y</script>",
			"<title>Using <script> tags</title><p>x</p>"},
		{"<textarea><!-- not a comment --></textarea>", "<textarea><!-- not a comment --></textarea>"},
		{"<noscript><p>kept</p></noscript>", "<noscript><p>kept</p></noscript>"},
		{"x<", "x<"},
	}
	for _, tc := range tests {
		got, cut := stripRaw([]byte(tc.in), nil)
		if string(got) != tc.want {
			t.Errorf("stripRaw(%q) = %q, want %q", tc.in, got, tc.want)
		}
		if cut != (tc.in != tc.want) {
			t.Errorf("stripRaw(%q): cut %v", tc.in, cut)
		}
	}
}

// Stripping before parsing must not change what is extracted.
func TestStripRawKeepsExtraction(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.html.gz"))
	for _, file := range files {
		page := toUTF8(readTestdata(t, filepath.Base(file)), "")
		stripped, _ := stripRaw(page, nil)
		texts := make([]string, 2)
		for i, in := range [][]byte{page, stripped} {
			doc, err := html.ParseWithOptions(bytes.NewReader(in),
				html.ParseOptionEnableScripting(false))
			if err != nil {
				t.Fatal(err)
			}
			var truncated bool
			texts[i] = mainText(new(state), doc, time.Time{}, &truncated)
		}
		if texts[0] != texts[1] {
			t.Errorf("%s: text differs after stripping", file)
		}
	}
}
