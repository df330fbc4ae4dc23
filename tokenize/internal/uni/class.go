package uni

import (
	"sync"
	"unicode/utf8"
)

// Range is an inclusive range of code points.
type Range struct{ Lo, Hi rune }

// Class is the category of a code point as the split patterns use it.
type Class uint8

// The classes. Every code point has exactly one; \p{L} is Upper, Lower and
// OtherLetter together, and \s is Space and Newline together.
const (
	Other       Class = iota // anything else, and bytes that are not UTF-8
	Upper                    // Lu, Lt
	Lower                    // Ll
	OtherLetter              // Lm, Lo
	Mark                     // Mn, Mc, Me
	Number                   // Nd, Nl, No
	Space                    // White_Space other than \r and \n
	Newline                  // \r, \n
)

// IsLetter reports whether c is \p{L}.
func (c Class) IsLetter() bool { return c >= Upper && c <= OtherLetter }

// IsSpace reports whether c is \s.
func (c Class) IsSpace() bool { return c >= Space }

// Table maps code points to classes through a two-level lookup: 256-entry
// blocks, shared between equal blocks.
type Table struct {
	// ASCII holds the class of each byte below 0x80.
	ASCII [128]Class
	index [0x110000 >> 8]uint16
	// blocks are the distinct 256-entry blocks, concatenated.
	blocks []Class
}

var (
	table     *Table
	tableOnce sync.Once
)

// Classes returns the table, building it on first use (about a
// millisecond).
func Classes() *Table {
	tableOnce.Do(func() { table = build() })
	return table
}

func build() *Table {
	all := make([]Class, 0x110000)
	for _, set := range []struct {
		rs []Range
		c  Class
	}{{upperTitle, Upper}, {lower, Lower}, {modifierOther, OtherLetter}, {marks, Mark},
		{numbers, Number}, {whiteSpace, Space}} {
		for _, r := range set.rs {
			for c := r.Lo; c <= r.Hi; c++ {
				all[c] = set.c
			}
		}
	}
	all['\r'], all['\n'] = Newline, Newline
	t := &Table{}
	copy(t.ASCII[:], all[:128])
	seen := map[string]uint16{}
	for b := range t.index {
		blk := all[b<<8 : (b+1)<<8]
		key := string(blk)
		id, ok := seen[key]
		if !ok {
			id = uint16(len(t.blocks) >> 8)
			seen[key] = id
			t.blocks = append(t.blocks, blk...)
		}
		t.index[b] = id
	}
	return t
}

// Of returns the class of code point r (Other for values outside Unicode).
func (t *Table) Of(r rune) Class {
	if uint32(r) >= 0x110000 {
		return Other
	}
	return t.blocks[int(t.index[r>>8])<<8|int(r&0xff)]
}

// At returns the class of the character that starts at s[i] and its
// length in bytes. A byte that does not start valid UTF-8 (including the
// encoding of a surrogate) is one character of class Other, as the
// reference sees the U+FFFD that replaces it. i must be < len(s).
func (t *Table) At(s string, i int) (Class, int) {
	if b := s[i]; b < utf8.RuneSelf {
		return t.ASCII[b], 1
	}
	r, w := utf8.DecodeRuneInString(s[i:])
	return t.blocks[int(t.index[r>>8])<<8|int(r&0xff)], w
}

// FoldsTo reports whether r equals the ASCII letter lower under simple case
// folding, as a case-insensitive pattern compares them.
func FoldsTo(r rune, lower byte) bool {
	for _, m := range foldClasses[lower] {
		if m == r {
			return true
		}
	}
	return false
}
