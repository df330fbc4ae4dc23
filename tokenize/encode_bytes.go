package tokenize

import "unicode/utf8"

// EncodeBytes encodes b as tiktoken's Encoding._encode_bytes does, for
// byte strings that may end in a truncated or invalid UTF-8 sequence: the
// valid prefix is encoded as ordinary text, then the tokens of its last
// piece (extended backwards over tokens made only of spaces, tabs and
// newlines) are merged again together with all the bytes from the first
// invalid one on. For valid UTF-8 it equals Encode.
//
// Encode handles invalid bytes differently, treating each as one
// character that is neither letter, number nor space, which keeps piece
// boundaries where the reference puts them for U+FFFD. Both decode back to
// b exactly.
func (e *Encoder) EncodeBytes(b []byte) []int32 {
	valid := validPrefix(b)
	if valid == len(b) {
		return e.Encode(string(b))
	}
	ids, last := e.core.appendPieces(nil, string(b[:valid]))
	if last > 0 && e.isAllSpace(ids[len(ids)-last]) {
		for last < len(ids) && e.isAllSpace(ids[len(ids)-last-1]) {
			last++
		}
	}
	var unstable []byte
	if len(ids) > 0 && last > 0 {
		for _, id := range ids[len(ids)-last:] {
			unstable = append(unstable, e.TokenBytes(id)...)
		}
		ids = ids[:len(ids)-last]
	}
	unstable = append(unstable, b[valid:]...)
	r := e.core.ranks
	if id := r.of(unstable); id != noRank {
		return append(ids, id)
	}
	sc := e.core.pool.Get().(*scratch)
	ids = r.merge(ids, unstable, sc)
	e.core.pool.Put(sc)
	return ids
}

// isAllSpace reports whether token id consists of ' ', '\n' and '\t' only.
func (e *Encoder) isAllSpace(id int32) bool {
	b := e.TokenBytes(id)
	for _, c := range b {
		if c != ' ' && c != '\n' && c != '\t' {
			return false
		}
	}
	return b != nil
}

// validPrefix returns the length of the longest valid UTF-8 prefix of b.
func validPrefix(b []byte) int {
	for i := 0; i < len(b); {
		if b[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, w := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && w == 1 {
			return i
		}
		i += w
	}
	return len(b)
}
