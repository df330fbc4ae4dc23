package dedup

import (
	"crypto/sha256"
	"hash"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tokenmill/tokenmill/internal/unorm"
)

// Key128 is a 128-bit content hash: the first 16 bytes of the SHA-256 of a
// normalized text. With 128 bits, an accidental collision among even 10^12
// documents has a probability below 10^-14.
type Key128 [16]byte

// ExactHasher computes the exact-duplicate key of a text. The normalization
// is deliberately light, so that only true copies collide: Unicode NFC,
// runs of white space collapsed to one space, and leading and trailing
// white space removed. Case and punctuation are kept.
//
// An ExactHasher reuses its buffers and is not safe for concurrent use.
type ExactHasher struct {
	h   hash.Hash
	buf []byte
	sum []byte
}

// NewExactHasher returns a hasher; it reuses its buffers across calls.
func NewExactHasher() *ExactHasher {
	return &ExactHasher{h: sha256.New(), buf: make([]byte, 0, 32<<10), sum: make([]byte, 0, 32)}
}

// asciiSpace marks the ASCII white-space bytes.
var asciiSpace = [256]bool{' ': true, '\t': true, '\n': true, '\v': true, '\f': true, '\r': true}

// Byte classes for the exact key's scanner.
const (
	classWord  = iota // an ASCII byte of a word
	classSpace        // ASCII white space
	classMulti        // a byte of a multi-byte UTF-8 sequence
)

var byteClass = func() (t [256]byte) {
	for c := range t {
		switch {
		case c >= utf8.RuneSelf:
			t[c] = classMulti
		case asciiSpace[c]:
			t[c] = classSpace
		}
	}
	return t
}()

// Key returns the key of text.
func (x *ExactHasher) Key(text string) Key128 {
	if k, ok := x.key(text, true); ok {
		return k
	}
	// A rune outside the ranges known to be in NFC: check, and normalize
	// if needed.
	if !norm.NFC.IsNormalString(text) {
		text = norm.NFC.String(text)
	}
	k, _ := x.key(text, false)
	return k
}

// key hashes text with white space collapsed. With check set it stops and
// reports false at the first rune that NFC might change.
func (x *ExactHasher) key(text string, check bool) (Key128, bool) {
	x.h.Reset()
	buf := x.buf[:0]
	for i := 0; i < len(text); {
		// Skip white space, then copy one word.
		i = skipSpace(text, i)
		if i == len(text) {
			break
		}
		end := i
		for end < len(text) {
			// Runs of ASCII word bytes first, one table load per byte.
			for end < len(text) && byteClass[text[end]] == classWord {
				end++
			}
			if end == len(text) || byteClass[text[end]] == classSpace {
				break
			}
			r, n := utf8.DecodeRuneInString(text[end:])
			if check && !unorm.NFCSafe(r) {
				x.buf = buf[:0]
				return Key128{}, false
			}
			if unicode.IsSpace(r) {
				break
			}
			end += n
		}
		if len(buf) > 0 {
			buf = append(buf, ' ')
		}
		if len(buf)+end-i > cap(buf) {
			x.h.Write(buf)
			buf = buf[:0]
		}
		buf = append(buf, text[i:end]...)
		i = end
	}
	x.h.Write(buf)
	x.buf = buf[:0]
	var k Key128
	x.sum = x.h.Sum(x.sum[:0])
	copy(k[:], x.sum)
	return k, true
}

func skipSpace(text string, i int) int {
	for i < len(text) {
		if c := text[i]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				return i
			}
			i++
		} else if r, n := utf8.DecodeRuneInString(text[i:]); unicode.IsSpace(r) {
			i += n
		} else {
			return i
		}
	}
	return i
}
