package tokenize

import (
	"fmt"
	"unicode/utf8"

	"github.com/dlclark/regexp2"
)

// regexSplitter runs a split pattern that has no hand-written splitter on
// the backtracking engine github.com/dlclark/regexp2 (the one the
// pkoukk/tiktoken-go reference uses).
//
// Limitation: it classifies characters with Go's unicode tables (Unicode
// 15.0, not the 16.0 of OpenAI's core), rejects possessive quantifiers
// (write X+ for X++), and allocates per match; custom patterns are exact
// only where those do not matter, and several times slower than the
// built-in ones.
type regexSplitter struct {
	re *regexp2.Regexp
}

func newRegexSplitter(pattern string) (*regexSplitter, error) {
	re, err := regexp2.Compile(pattern, regexp2.None)
	if err != nil {
		return nil, err
	}
	return &regexSplitter{re: re}, nil
}

// each calls f with consecutive pieces of text. The engine works on runes,
// so invalid UTF-8 bytes are matched as U+FFFD and mapped back to their
// bytes; text the pattern does not match becomes a piece of its own so
// that no byte is lost.
func (r *regexSplitter) each(text string, f func(piece string)) {
	runes := []rune(text)
	// offs[k] is the byte offset of rune k; each invalid byte is one rune.
	offs := make([]int, 0, len(runes)+1)
	for i := 0; i < len(text); {
		offs = append(offs, i)
		_, w := utf8.DecodeRuneInString(text[i:])
		i += w
	}
	offs = append(offs, len(text))
	if len(offs)-1 != len(runes) {
		panic(fmt.Sprintf("tokenize: %d runes but %d offsets", len(runes), len(offs)-1))
	}
	pos := 0
	m, _ := r.re.FindRunesMatch(runes)
	for m != nil {
		if m.Index > pos {
			f(text[offs[pos]:offs[m.Index]])
		}
		if m.Length > 0 {
			f(text[offs[m.Index]:offs[m.Index+m.Length]])
		}
		pos = m.Index + m.Length
		m, _ = r.re.FindNextMatch(m)
	}
	if offs[pos] < len(text) {
		f(text[offs[pos]:])
	}
}
