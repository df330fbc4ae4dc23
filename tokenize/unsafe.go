package tokenize

import "unsafe"

// unsafeBytes views s as a byte slice without copying. The slice must not
// be modified; lookups and merging only read it.
func unsafeBytes(s string) []byte {
	return unsafe.Slice(unsafe.StringData(s), len(s))
}
