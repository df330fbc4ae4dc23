package minhash

import (
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzSign checks that any input signs without panicking, that signing is
// deterministic, and that changing only case, diacritics, punctuation or
// white space between words leaves the signature unchanged.
func FuzzSign(f *testing.F) {
	for _, s := range []string{"", "Hello, World!", "Café  crème\n\tbrûlée", "吾輩は猫である",
		"a b c d e f g", "\xff\xfe broken utf8", "ﬁ ligature Ⅻ", "ÀÉÎÕÜ àéîõü"} {
		f.Add(s)
	}
	p := Default()
	p.Bands, p.Rows = 4, 4
	s := NewSigner(p)
	x, y := make([]uint64, p.K()), make([]uint64, p.K())
	f.Fuzz(func(t *testing.T, text string) {
		n := s.Sign(text, x)
		if m := s.Sign(text, y); m != n || !equal(x, y) {
			t.Fatalf("signing %q twice differs", text)
		}
		if !utf8.ValidString(text) {
			return
		}
		variant := strings.ToUpper(strings.Join(strings.Fields(text), " ,  "))
		if strings.ToLower(variant) != strings.ToLower(strings.Join(strings.Fields(text), " ,  ")) {
			return // case mapping that does not round-trip (ß, Turkish i, …)
		}
		if s.Sign(variant, y) != n || !equal(x, y) {
			t.Fatalf("%q and %q sign differently", text, variant)
		}
	})
}

func equal(a, b []uint64) bool {
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
