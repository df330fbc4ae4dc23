package uni

import (
	"testing"
	"unicode"
)

// goClass classifies r with Go's own (older) unicode tables.
func goClass(r rune) Class {
	switch {
	case r == '\r' || r == '\n':
		return Newline
	case unicode.In(r, unicode.Lu, unicode.Lt):
		return Upper
	case unicode.Is(unicode.Ll, r):
		return Lower
	case unicode.In(r, unicode.Lm, unicode.Lo):
		return OtherLetter
	case unicode.Is(unicode.M, r):
		return Mark
	case unicode.Is(unicode.N, r):
		return Number
	case unicode.Is(unicode.White_Space, r):
		return Space
	}
	return Other
}

// goAssigned reports whether Go's tables know r at all.
func goAssigned(r rune) bool {
	return unicode.In(r, unicode.L, unicode.M, unicode.N, unicode.P, unicode.S, unicode.Z,
		unicode.Cc, unicode.Cf, unicode.Co, unicode.Cs)
}

// TestAgreesWithGoOnOldCharacters checks the generated tables against Go's:
// they may differ only on code points Go's Unicode version has not assigned.
func TestAgreesWithGoOnOldCharacters(t *testing.T) {
	tab := Classes()
	added := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		ours, theirs := tab.Of(r), goClass(r)
		if ours == theirs {
			continue
		}
		if goAssigned(r) {
			t.Errorf("U+%04X: class %d here, %d in Go's Unicode %s", r, ours, theirs,
				unicode.Version)
			continue
		}
		added++
	}
	// Unicode 15.1 and 16.0 added several thousand letters, marks and numbers.
	if added < 5000 {
		t.Errorf("only %d code points newer than Go's tables; the tables look stale", added)
	}
	// The character the issue names: a CJK Extension I ideograph (15.1).
	if got := tab.Of(0x2EBF0); got != OtherLetter {
		t.Errorf("U+2EBF0 has class %d, want OtherLetter", got)
	}
}

func TestAt(t *testing.T) {
	tab := Classes()
	for _, tc := range []struct {
		s     string
		class Class
		width int
	}{
		{"a", Lower, 1}, {"A", Upper, 1}, {"7", Number, 1}, {" ", Space, 1},
		{"\n", Newline, 1}, {"\r", Newline, 1}, {"\t", Space, 1}, {"!", Other, 1},
		{"\u0085", Space, 2}, {"\u00a0", Space, 2}, {"\ufeff", Other, 3},
		{"\u3000", Space, 3}, {"\u01c5", Upper, 2}, {"\u02b0", OtherLetter, 2},
		{"\u0301", Mark, 2}, {"\u00bd", Number, 2}, {"\U0002EBF0", OtherLetter, 4},
		{"\xff", Other, 1}, {"\xed\xa0\x80", Other, 1}, {"\xe4\xb8", Other, 1},
	} {
		c, w := tab.At(tc.s, 0)
		if c != tc.class || w != tc.width {
			t.Errorf("At(%q) = %d, %d; want %d, %d", tc.s, c, w, tc.class, tc.width)
		}
	}
}

func TestFoldsTo(t *testing.T) {
	for _, tc := range []struct {
		r     rune
		lower byte
		want  bool
	}{{'s', 's', true}, {'S', 's', true}, {'\u017f', 's', true}, {'t', 's', false},
		{'L', 'l', true}, {'\u212a', 'l', false}} {
		if got := FoldsTo(tc.r, tc.lower); got != tc.want {
			t.Errorf("FoldsTo(%q, %q) = %v", tc.r, tc.lower, got)
		}
	}
}
