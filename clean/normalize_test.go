package clean

import (
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	n := Normalizer{CollapseSpaces: true, MaxBlankLines: 1}
	tests := []struct{ name, in, want string }{
		{"crlf", "a\r\nb\rc", "a\nb\nc"},
		{"trailing spaces", "a  \t\nb ", "a\nb"},
		{"collapse", "a \t  b", "a b"},
		{"leading indent collapses", "  a", "a"},
		{"blank lines", "a\n\n\n\nb", "a\n\nb"},
		{"controls", "a\x00b\x07c\x7f\u0080d", "abcd"},
		{"zero width", "a\u200bb\ufeffc", "abc"},
		{"zwj kept", "\u0915\u094d\u200d\u0937", "\u0915\u094d\u200d\u0937"},
		{"nbsp", "a\u00a0b\u3000c", "a b c"},
		{"nfc", "e\u0301", "\u00e9"},
		{"invalid utf8", "a\xffb", "a\ufffdb"},
		{"line separator", "a\u2028b", "a\nb"},
		{"empty", " \n\t ", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := n.Normalize(tt.in); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestNormalizeKeepsBlankLinesWhenAsked(t *testing.T) {
	n := Normalizer{MaxBlankLines: -1}
	if got := n.Normalize("a\n\n\n\nb"); got != "a\n\n\n\nb" {
		t.Errorf("got %q", got)
	}
}

func FuzzNormalize(f *testing.F) {
	for _, s := range []string{"", "a\r\n\r\nb", "\xff\xfe", "e\u0301\u00a0x", "  \t\n\n\n"} {
		f.Add(s)
	}
	n := Normalizer{CollapseSpaces: true, MaxBlankLines: 1}
	f.Fuzz(func(t *testing.T, s string) {
		got := n.Normalize(s)
		if !utf8.ValidString(got) {
			t.Fatalf("invalid UTF-8 out of %q", s)
		}
		if strings.ContainsAny(got, "\r\x00") {
			t.Fatalf("control characters left in %q", got)
		}
		if !norm.NFC.IsNormalString(got) {
			t.Fatalf("not NFC: %q -> %q", s, got)
		}
		if again := n.Normalize(got); again != got {
			t.Fatalf("not idempotent: %q -> %q -> %q", s, got, again)
		}
	})
}

func BenchmarkNormalize(b *testing.B) {
	text := strings.Repeat("The quick brown fox  jumps over\tthe lazy dog.\r\n\r\n\r\n"+
		"Caf\u00e9 na\u00efve r\u00e9sum\u00e9 \u00a0 \u4e2d\u6587\u6587\u672c\n", 200)
	n := Normalizer{CollapseSpaces: true, MaxBlankLines: 1}
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		n.Normalize(text)
	}
}
