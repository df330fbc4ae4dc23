// Package unorm answers, fast, whether Unicode normalization can change a
// text: a table of the runes that NFC leaves unchanged whatever surrounds
// them lets callers skip the norm package's full scan for typical text. The
// clean and dedup stages both use it; it depends on nothing in tokenmill.
package unorm

import (
	"sync"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// safeLimit bounds the runes the table knows; above it every rune counts as
// unsafe and the caller falls back to the norm package.
const safeLimit = 0xA000

var (
	safeOnce sync.Once
	safeBits [safeLimit / 64]uint64
)

// NFCSafe reports whether NFC leaves r unchanged whatever precedes it: r is
// in NFC on its own and starts a new segment (no combining mark, no
// singleton such as the Ohm sign, nothing that composes with a previous
// rune). A rune after it that could change it is itself not safe. ASCII is
// always safe.
func NFCSafe(r rune) bool {
	if r < utf8.RuneSelf {
		return true
	}
	safeOnce.Do(initSafe)
	return r < safeLimit && safeBits[r/64]&(1<<(r%64)) != 0
}

func initSafe() {
	for r := rune(0); r < safeLimit; r++ {
		s := string(r)
		if utf8.ValidRune(r) && norm.NFC.IsNormalString(s) &&
			norm.NFC.PropertiesString(s).BoundaryBefore() {
			safeBits[r/64] |= 1 << (r % 64)
		}
	}
}
