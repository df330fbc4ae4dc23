package minhash

import (
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Rune classes in the fold tables: a positive value is the folded rune of a
// word character, optionally with charFlag set for a character of a script
// without spaces (a token on its own).
const (
	sepRune  = 0  // white space, punctuation, symbol, control: ends a word
	skipRune = -1 // combining mark: dropped (diacritic folding)
	charFlag = 1 << 30
)

// foldLow folds every rune below foldLimit (Latin to Greek, Cyrillic,
// general and CJK punctuation); above it fold computes.
const foldLimit = 0x3040

var (
	asciiFold [128]byte
	foldLow   [foldLimit]int32
)

func init() {
	for c := 0; c < 128; c++ {
		switch {
		case c >= 'a' && c <= 'z', c >= '0' && c <= '9':
			asciiFold[c] = byte(c)
		case c >= 'A' && c <= 'Z':
			asciiFold[c] = byte(c + 'a' - 'A')
		}
	}
	for r := rune(0); r < foldLimit; r++ {
		foldLow[r] = foldSlow(r)
	}
}

// unspaced reports whether r belongs to a script written without spaces
// between words.
func unspaced(r rune) bool {
	switch {
	case r >= 0x0E00 && r <= 0x0FFF: // Thai, Lao, Tibetan
		return true
	case r >= 0x1000 && r <= 0x109F, r >= 0x1780 && r <= 0x17FF: // Myanmar, Khmer
		return true
	case r >= 0x2E80 && r <= 0x2FDF, r >= 0x3040 && r <= 0x31FF: // radicals, kana
		return true
	case r >= 0x3400 && r <= 0x4DBF, r >= 0x4E00 && r <= 0x9FFF: // Han
		return true
	case r >= 0xF900 && r <= 0xFAFF, r >= 0xFF66 && r <= 0xFF9F: // compat Han, kana
		return true
	case r >= 0x20000 && r <= 0x3FFFF: // Han extensions
		return true
	}
	return false
}

// foldSlow classifies and folds one rune: lower case, diacritics removed,
// fullwidth Latin and digits mapped to ASCII.
func foldSlow(r rune) int32 {
	if r >= 0xFF01 && r <= 0xFF5E { // fullwidth ASCII
		r -= 0xFF01 - 0x21
		if r < 128 {
			if c := asciiFold[r]; c != 0 {
				return int32(c)
			}
			return sepRune
		}
	}
	switch {
	case unicode.IsMark(r):
		if unspaced(r) {
			return int32(r) | charFlag
		}
		return skipRune
	case unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r):
		if unspaced(r) {
			return int32(r) | charFlag
		}
		l := unicode.ToLower(r)
		if l >= 0xC0 && l < foldLimit {
			// The first rune of the canonical decomposition is the base
			// letter when the rest are combining marks.
			var buf [8]byte
			d := norm.NFD.AppendString(buf[:0], string(l))
			if base, n := decodeRune(d); n > 0 && n < len(d) && unicode.IsLetter(base) {
				l = unicode.ToLower(base)
			}
		}
		return int32(l)
	}
	return sepRune
}

func decodeRune(b []byte) (rune, int) {
	for i, r := range string(b) {
		if i == 0 {
			return r, len(string(r))
		}
	}
	return 0, 0
}

// fold returns the class or folded value of a non-ASCII rune.
func fold(r rune) int32 {
	if r < foldLimit {
		return foldLow[r]
	}
	return foldSlow(r)
}
