package tokenize

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/dlclark/regexp2"

	"github.com/tokenmill/tokenmill/tokenize/internal/uni"
)

// splitCase names a hand-written splitter and the pattern it replaces.
type splitCase struct {
	name    string
	pattern string
	split   splitter
}

var splitCases = []splitCase{
	{"gpt2", PatternGPT2, splitGPT2},
	{"cl100k", PatternCL100K, splitCL100K},
	{"o200k", PatternO200K, splitO200K},
}

// pieces cuts s with a hand-written splitter.
func pieces(split splitter, s string) []string {
	var out []string
	tab := uni.Classes()
	for i := 0; i < len(s); {
		e := split(tab, s, i)
		if e <= i || e > len(s) {
			panic("splitter did not advance")
		}
		out = append(out, s[i:e])
		i = e
	}
	return out
}

// regexPieces cuts s with the regexp2 engine, the reference's.
func regexPieces(re *regexp2.Regexp, s string) []string {
	var out []string
	(&regexSplitter{re: re}).each(s, func(p string) { out = append(out, p) })
	return out
}

// comparable reports whether the regexp2 engine can serve as the reference
// for s: it classifies with Go's Unicode 15.0 tables, and its (?i) does not
// fold U+017F ſ to s as Unicode (and OpenAI's core) does, which matters
// right after an apostrophe.
func comparable(s string) bool {
	if strings.Contains(s, "'\u017f") {
		return false
	}
	tab := uni.Classes()
	for _, r := range s {
		if r != utf8.RuneError && !sameClassInGo(tab, r) {
			return false
		}
	}
	return true
}

// sameClassInGo reports whether Go's unicode tables classify r as ours do.
func sameClassInGo(tab *uni.Table, r rune) bool {
	var g uni.Class
	switch {
	case r == '\r' || r == '\n':
		g = uni.Newline
	case unicode.In(r, unicode.Lu, unicode.Lt):
		g = uni.Upper
	case unicode.Is(unicode.Ll, r):
		g = uni.Lower
	case unicode.In(r, unicode.Lm, unicode.Lo):
		g = uni.OtherLetter
	case unicode.Is(unicode.M, r):
		g = uni.Mark
	case unicode.Is(unicode.N, r):
		g = uni.Number
	case unicode.Is(unicode.White_Space, r):
		g = uni.Space
	}
	return g == tab.Of(r)
}

// alphabet holds characters of every class the patterns distinguish, with
// the ones their alternatives name literally.
var alphabet = []string{
	"a", "s", "t", "d", "m", "l", "r", "e", "v", "S", "T", "L", "E", "R", "Z", "x",
	"0", "7", "1", " ", " ", " ", "\t", "\n", "\r", "\v", "\f", "'", "'", "/", "(", "!", "-",
	".", "_", "é", "É", "ǅ", "ʰ", "中", "ß", "Ω", "ω", "\u0301", "\u093f", "\u20dd", "½",
	"٣", "Ⅷ", "\u00a0", "\u3000", "\u0085", "\u2028", "\u2029", "\ufeff", "😀", "\U0001F44D",
	"\xff", "\x80", "\xed\xa0\x80", "\xe4\xb8", "\x00", "ſ",
}

// randomText draws n characters from the alphabet.
func randomText(rng *rand.Rand, n int) string {
	var b strings.Builder
	for range n {
		b.WriteString(alphabet[rng.IntN(len(alphabet))])
	}
	return b.String()
}

// TestSplittersMatchRegex is the differential test of the hand-written
// splitters against each pattern run by a backtracking regex engine, on
// random strings over an alphabet that exercises every alternative.
func TestSplittersMatchRegex(t *testing.T) {
	rounds := 20000
	if testing.Short() {
		rounds = 2000
	}
	for _, sc := range splitCases {
		t.Run(sc.name, func(t *testing.T) {
			re := regexp2.MustCompile(sc.pattern, regexp2.None)
			rng := rand.New(rand.NewPCG(1, uint64(len(sc.name))))
			checked := 0
			for range rounds {
				s := randomText(rng, 1+rng.IntN(24))
				if !comparable(s) {
					continue
				}
				checked++
				got, want := pieces(sc.split, s), regexPieces(re, s)
				if !slices.Equal(got, want) {
					t.Fatalf("%q:\n got %q\nwant %q", s, got, want)
				}
			}
			if checked < rounds/2 {
				t.Fatalf("only %d of %d strings comparable", checked, rounds)
			}
		})
	}
}

// TestSplitEdgeCases pins cases where the splitters follow OpenAI's core
// (Unicode 16.0, full case folding) rather than the regexp2 engine.
func TestSplitEdgeCases(t *testing.T) {
	for _, tc := range []struct {
		split splitter
		in    string
		want  []string
	}{
		// U+2EBF0 is a letter since Unicode 15.1.
		{splitCL100K, "\U0002EBF0's", []string{"\U0002EBF0", "'s"}},
		{splitO200K, "a\U0002EBF0's", []string{"a\U0002EBF0's"}},
		// (?i) folds ſ to s.
		{splitCL100K, "'ſx", []string{"'ſ", "x"}},
		{splitGPT2, "'ſx", []string{"'", "ſx"}},
		// U+0085 and U+00A0 are \s; U+FEFF is not.
		{splitCL100K, "a\u0085\u0085b", []string{"a", "\u0085", "\u0085b"}},
		{splitCL100K, "\ufeffb", []string{"\ufeffb"}},
		{splitGPT2, "x\u00a0 y", []string{"x", "\u00a0", " y"}},
		// Whitespace runs: newline handling and the last-space rule.
		{splitCL100K, "a \n  b", []string{"a", " \n", " ", " b"}},
		{splitO200K, "a/\n/b", []string{"a", "/\n/", "b"}},
		{splitCL100K, "x   ", []string{"x", "   "}},
		// Invalid bytes are characters of their own class.
		{splitCL100K, "a\xff\xfeb", []string{"a", "\xff\xfe", "b"}},
		{splitO200K, "\xffHello", []string{"\xffHello"}},
	} {
		if got := pieces(tc.split, tc.in); !slices.Equal(got, tc.want) {
			t.Errorf("split %q = %q, want %q", tc.in, got, tc.want)
		}
	}
}
