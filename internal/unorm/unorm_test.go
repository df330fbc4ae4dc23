package unorm

import (
	"testing"

	"golang.org/x/text/unicode/norm"
)

func TestNFCSafe(t *testing.T) {
	for _, r := range []rune{'a', 'é', '“', '—', 'ж', '中', 'ア'} {
		if !NFCSafe(r) {
			t.Errorf("%U should be safe", r)
		}
	}
	// combining acute, Ohm sign (singleton), Hangul vowel jamo (composes),
	// a rune above the table
	for _, r := range []rune{'\u0301', '\u2126', '\u1161', '\U0001F600'} {
		if NFCSafe(r) {
			t.Errorf("%U must not be safe", r)
		}
	}
}

// A text made only of safe runes is in NFC, for every pair of them.
func TestSafePairsAreNormal(t *testing.T) {
	var safe []rune
	for r := rune(0x80); r < safeLimit; r += 7 {
		if NFCSafe(r) {
			safe = append(safe, r)
		}
	}
	for i := 0; i+1 < len(safe); i += 3 {
		s := string([]rune{safe[i], safe[i+1]})
		if !norm.NFC.IsNormalString(s) {
			t.Fatalf("%q is not NFC", s)
		}
	}
}
