package tokenize

import (
	"github.com/tokenmill/tokenmill/tokenize/internal/uni"
)

// A splitter cuts text into the pieces a split pattern matches: given the
// start i of a piece (i < len(s)), it returns the piece's end. Pieces cover
// the text without gaps, as every pattern here matches any character.
//
// The three hand-written splitters below reproduce tiktoken's patterns
// exactly, including the backtracking of the regex engine, with one scan
// and no allocation. Each function states the alternatives it implements in
// order; the first that matches at i wins, as in a backtracking engine.
//
// Why a scan suffices: in every alternative, a greedy run is followed only
// by parts that cannot fail (an optional suffix, [\r\n]*, the end of the
// alternative), so the engine's first success is the longest run and it never
// backtracks into it. The exceptions are handled explicitly: an optional
// leading character is tried with, then without (splitO200K); \s*[\r\n]+
// backtracks to the last newline of the whitespace run, and \s+(?!\S) gives
// back the run's last character (spaceEnd); o200k's two overlapping letter
// classes give back characters as o200kHeadTail explains. The tests check
// every splitter against the regexp2 engine on the same patterns (random
// strings over all character classes, and fuzzing) and the resulting ids
// against OpenAI's Rust core.
type splitter func(t *uni.Table, s string, i int) int

// splitterFor returns the hand-written splitter for a known pattern, or nil.
func splitterFor(pattern string) splitter {
	switch pattern {
	case PatternGPT2, patternGPT2Possessive, patternGPT2Original:
		return splitGPT2
	case PatternCL100K, patternCL100KPossessive:
		return splitCL100K
	case PatternO200K:
		return splitO200K
	}
	return nil
}

// The same patterns as tiktoken's Python source now writes them, with
// possessive quantifiers, and GPT-2's original form; they select the same
// splitters.
const (
	patternGPT2Possessive = `'(?:[sdmt]|ll|ve|re)| ?\p{L}++| ?\p{N}++| ?[^\s\p{L}\p{N}]++` +
		`|\s++$|\s+(?!\S)|\s`
	patternGPT2Original = `'s|'t|'re|'ve|'m|'ll|'d| ?[\p{L}]+| ?[\p{N}]+| ?[^\s\p{L}\p{N}]+` +
		`|\s+(?!\S)|\s+`
	patternCL100KPossessive = `'(?i:[sdmt]|ll|ve|re)|[^\r\n\p{L}\p{N}]?+\p{L}++|\p{N}{1,3}+` +
		`| ?[^\s\p{L}\p{N}]++[\r\n]*+|\s++$|\s*[\r\n]|\s+(?!\S)|\s`
)

// isOther reports whether c is in [^\s\p{L}\p{N}] (marks included).
func isOther(c uni.Class) bool { return c == uni.Other || c == uni.Mark }

// A classSet is a set of classes, one bit each.
type classSet uint8

// The sets the patterns use.
const (
	letters classSet = 1<<uni.Upper | 1<<uni.Lower | 1<<uni.OtherLetter
	numbers classSet = 1 << uni.Number
	others  classSet = 1<<uni.Other | 1<<uni.Mark
	heads   classSet = 1<<uni.Upper | 1<<uni.OtherLetter | 1<<uni.Mark // o200k's first class
	tails   classSet = 1<<uni.Lower | 1<<uni.OtherLetter | 1<<uni.Mark // o200k's second class
)

func (set classSet) has(c uni.Class) bool { return set>>c&1 != 0 }

// at is uni.Table.At. The hottest call sites test for ASCII first
// themselves, since the compiler does not inline this.
func at(t *uni.Table, s string, i int) (uni.Class, int) {
	if b := s[i]; b < 0x80 {
		return t.ASCII[b], 1
	}
	return t.At(s, i)
}

// runOf returns the end of the run of characters from i whose class is in
// set. ASCII, most of most text, takes a table lookup per byte.
func runOf(t *uni.Table, s string, i int, set classSet) int {
	for i < len(s) {
		if b := s[i]; b < 0x80 {
			if !set.has(t.ASCII[b]) {
				break
			}
			i++
			continue
		}
		c, w := at(t, s, i)
		if !set.has(c) {
			break
		}
		i += w
	}
	return i
}

// contraction returns the end of 's 't 're 've 'm 'll 'd at i (the
// apostrophe is s[i]), or -1. With fold, letters compare under Unicode
// simple case folding, as (?i:…) does: 'S and 'ſ (U+017F) match too.
func contraction(s string, i int, fold bool) int {
	if i >= len(s) || s[i] != '\'' {
		return -1
	}
	// letter reads one letter at j and reports whether it is want.
	letter := func(j int, want byte) (int, bool) {
		if j >= len(s) {
			return j, false
		}
		if !fold {
			return j + 1, s[j] == want
		}
		if b := s[j]; b < 0x80 {
			return j + 1, b|0x20 == want
		}
		// The only non-ASCII character folding to one of these letters is
		// U+017F LATIN SMALL LETTER LONG S (C5 BF), which folds to s.
		if want == 's' && j+1 < len(s) && s[j] == 0xC5 && s[j+1] == 0xBF {
			return j + 2, true
		}
		return j, false
	}
	j := i + 1
	for _, one := range []byte{'s', 't', 'm', 'd'} {
		if e, ok := letter(j, one); ok {
			return e
		}
	}
	for _, two := range [][2]byte{{'r', 'e'}, {'v', 'e'}, {'l', 'l'}} {
		if e, ok := letter(j, two[0]); ok {
			if e2, ok := letter(e, two[1]); ok {
				return e2
			}
		}
	}
	return -1
}

// spaceEnd implements the whitespace alternatives shared by all patterns,
// for a piece starting with whitespace at i. With newlines (cl100k and
// o200k) it first tries \s*[\r\n]+, which ends after the last \r or \n of
// the whitespace run. Then \s+(?!\S): the whole run at the end of the text,
// else the run without its last character when that leaves one or more.
// Finally \s+ (or \s), which can only be the single character left.
func spaceEnd(t *uni.Table, s string, i int, newlines bool) int {
	j, last, afterNL := i, i, -1
	for j < len(s) {
		c, w := at(t, s, j)
		if !c.IsSpace() {
			break
		}
		if c == uni.Newline {
			afterNL = j + w
		}
		last = j
		j += w
	}
	switch {
	case newlines && afterNL >= 0:
		return afterNL
	case j == len(s) || last == i:
		return j
	default:
		return last
	}
}

// splitGPT2 implements r50k_base's and p50k_base's pattern:
//
//	's|'t|'re|'ve|'m|'ll|'d | ?\p{L}+ | ?\p{N}+ | ?[^\s\p{L}\p{N}]+ | \s+(?!\S) | \s+
func splitGPT2(t *uni.Table, s string, i int) int {
	if e := contraction(s, i, false); e > 0 {
		return e
	}
	// An optional U+0020 joins the run that follows it, whatever its kind
	// (letters, numbers or other), unless whitespace follows.
	start := i
	if s[i] == ' ' && i+1 < len(s) {
		if c, _ := at(t, s, i+1); !c.IsSpace() {
			start = i + 1
		}
	}
	c, _ := at(t, s, start)
	switch {
	case c.IsLetter():
		return runOf(t, s, start, letters)
	case c == uni.Number:
		return runOf(t, s, start, numbers)
	case isOther(c):
		return runOf(t, s, start, others)
	}
	return spaceEnd(t, s, i, false)
}

// splitCL100K implements cl100k_base's (and Llama 3's) pattern:
//
//	(?i:'s|'t|'re|'ve|'m|'ll|'d) | [^\r\n\p{L}\p{N}]?\p{L}+ | \p{N}{1,3} |
//	 ?[^\s\p{L}\p{N}]+[\r\n]* | \s*[\r\n]+ | \s+(?!\S) | \s+
func splitCL100K(t *uni.Table, s string, i int) int {
	if e := contraction(s, i, true); e > 0 {
		return e
	}
	c, w := t.ASCII[s[i]&0x7f], 1
	if s[i] >= 0x80 {
		c, w = t.At(s, i)
	}
	switch {
	case c.IsLetter():
		return runOf(t, s, i, letters)
	case c == uni.Number:
		return numbers3(t, s, i)
	case c != uni.Newline && i+w < len(s):
		// One character that is no letter, number or newline may lead a
		// run of letters.
		if c2, _ := at(t, s, i+w); c2.IsLetter() {
			return runOf(t, s, i+w, letters)
		}
	}
	if e := otherRun(t, s, i, c, false); e > 0 {
		return e
	}
	return spaceEnd(t, s, i, true)
}

// numbers3 matches \p{N}{1,3} at i, which holds a number.
func numbers3(t *uni.Table, s string, i int) int {
	for k := 0; k < 3 && i < len(s); k++ {
		c, w := at(t, s, i)
		if c != uni.Number {
			break
		}
		i += w
	}
	return i
}

// otherRun matches ` ?[^\s\p{L}\p{N}]+[\r\n]*` at i, whose class is c
// (o200k: `[\r\n/]*`, with slash), or returns -1.
func otherRun(t *uni.Table, s string, i int, c uni.Class, slash bool) int {
	start := i
	if s[i] == ' ' && i+1 < len(s) {
		start = i + 1
		c, _ = at(t, s, start)
	}
	if !isOther(c) {
		return -1
	}
	j := runOf(t, s, start, others)
	for j < len(s) && (s[j] == '\r' || s[j] == '\n' || slash && s[j] == '/') {
		j++
	}
	return j
}
