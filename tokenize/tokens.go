package tokenize

import (
	"encoding/binary"
	"math/bits"
)

// tokenTable finds the id of a token by its bytes. It replaces a Go map in
// the hot path: one probe usually touches a single slot (a 32-bit tag of
// the hash and the id, packed in a uint64) and, on a tag match, the token's
// bytes in one contiguous arena.
type tokenTable struct {
	slots  []uint64 // tag<<32 | id+1; 0 is empty
	shift  uint
	arena  []byte
	offs   []uint32 // token id's bytes are arena[offs[id]:offs[id+1]]
	maxLen int
}

func newTokenTable(v *vocab) *tokenTable {
	t := &tokenTable{offs: make([]uint32, len(v.bytesOf)+1)}
	for id, b := range v.bytesOf {
		t.offs[id] = uint32(len(t.arena))
		t.arena = append(t.arena, b...)
		t.maxLen = max(t.maxLen, len(b))
	}
	t.offs[len(v.bytesOf)] = uint32(len(t.arena))
	// A load factor of at most one half keeps probe sequences short.
	logSize := bits.Len(uint(v.count*2 - 1))
	t.slots = make([]uint64, 1<<logSize)
	t.shift = uint(64 - logSize)
	mask := uint64(len(t.slots) - 1)
	for id, b := range v.bytesOf {
		if b == nil {
			continue
		}
		h := hashBytes(b)
		i := h >> t.shift
		for t.slots[i] != 0 {
			i = (i + 1) & mask
		}
		t.slots[i] = uint64(uint32(h))<<32 | uint64(id+1)
	}
	return t
}

// get returns the id of the token with bytes p, or noRank.
func (t *tokenTable) get(p []byte) int32 { return t.lookup(p, hashBytes(p)) }

// lookup is get with p's hash already computed.
func (t *tokenTable) lookup(p []byte, h uint64) int32 {
	if len(p) > t.maxLen {
		return noRank
	}
	tag := uint32(h)
	mask := uint64(len(t.slots) - 1)
	for i := h >> t.shift; ; i = (i + 1) & mask {
		s := t.slots[i]
		if s == 0 {
			return noRank
		}
		if uint32(s>>32) == tag {
			id := uint32(s) - 1
			if string(t.arena[t.offs[id]:t.offs[id+1]]) == string(p) {
				return int32(id)
			}
		}
	}
}

// bytesOf returns the bytes of token id, or nil for an id that is not a
// rank. The slice must not be modified.
func (t *tokenTable) bytesOf(id int32) []byte {
	if id < 0 || int(id) >= len(t.offs)-1 || t.offs[id] == t.offs[id+1] {
		return nil
	}
	return t.arena[t.offs[id]:t.offs[id+1]:t.offs[id+1]]
}

// numIDs returns one more than the largest rank.
func (t *tokenTable) numIDs() int { return len(t.offs) - 1 }

// getString is get for a string, without copying it.
func (t *tokenTable) getString(p string) int32 {
	return t.get(unsafeBytes(p))
}

// hashBytes mixes 8 bytes at a time; the vocabulary is fixed, so a simple
// multiplicative hash spreads it well enough (checked by the probe-length
// test in tokens_test.go).
func hashBytes(p []byte) uint64 {
	h := uint64(len(p)) * 0x9E3779B97F4A7C15
	for len(p) >= 8 {
		h = (h ^ binary.LittleEndian.Uint64(p)) * 0xBF58476D1CE4E5B9
		h ^= h >> 31
		p = p[8:]
	}
	if len(p) > 0 {
		var w uint64
		if len(p) >= 4 {
			w = uint64(binary.LittleEndian.Uint32(p)) |
				uint64(binary.LittleEndian.Uint32(p[len(p)-4:]))<<32
		} else {
			w = uint64(p[0]) | uint64(p[len(p)/2])<<8 | uint64(p[len(p)-1])<<16
		}
		h = (h ^ w) * 0x94D049BB133111EB
		h ^= h >> 29
	}
	h *= 0xBF58476D1CE4E5B9
	return h ^ h>>32
}
