package tokenize

import "math/bits"

// pairTable maps a pair of token ids (a, b) to the id of the token whose
// bytes are a's followed by b's, for every such pair in the vocabulary
// (233,378 pairs for cl100k_base, 446,189 for o200k_base). It is an
// open-addressing hash table of packed uint64 slots, a<<42 | b<<21 | id,
// so a lookup touches one cache line. Ids must be below 2^21; larger
// vocabularies fall back to looking up the joined bytes.
type pairTable struct {
	slots []uint64
	shift uint
	// fallback is set when the vocabulary's ids do not fit 21 bits.
	fallback *tokenTable
}

const (
	idBits    = 21
	idMask    = 1<<idBits - 1
	emptySlot = ^uint64(0)
)

func newPairTable(v *vocab, tokens *tokenTable) pairTable {
	if len(v.bytesOf) > idMask {
		return pairTable{fallback: tokens}
	}
	type join struct{ a, b, id int32 }
	var joins []join
	for id, t := range v.bytesOf {
		for k := 1; k < len(t); k++ {
			a := tokens.get(t[:k])
			if a == noRank {
				continue
			}
			if b := tokens.get(t[k:]); b != noRank {
				joins = append(joins, join{a, b, int32(id)})
			}
		}
	}
	// A load factor of at most one half keeps probe sequences short.
	logSize := bits.Len(uint(len(joins)*2 - 1))
	p := pairTable{slots: make([]uint64, 1<<logSize), shift: uint(64 - logSize)}
	for i := range p.slots {
		p.slots[i] = emptySlot
	}
	mask := uint64(len(p.slots) - 1)
	for _, j := range joins {
		key := uint64(j.a)<<idBits | uint64(j.b)
		h := (key * 0x9E3779B97F4A7C15) >> p.shift
		for p.slots[h] != emptySlot {
			h = (h + 1) & mask
		}
		p.slots[h] = key<<idBits | uint64(j.id)
	}
	return p
}

// get returns the id of the token joining a and b, or noRank.
func (p *pairTable) get(a, b int32) int32 {
	if p.fallback != nil {
		joined := append(append(make([]byte, 0, 64), p.fallback.bytesOf(a)...),
			p.fallback.bytesOf(b)...)
		return p.fallback.get(joined)
	}
	key := uint64(a)<<idBits | uint64(b)
	mask := uint64(len(p.slots) - 1)
	for h := (key * 0x9E3779B97F4A7C15) >> p.shift; ; h = (h + 1) & mask {
		s := p.slots[h]
		if s == emptySlot {
			return noRank
		}
		if s>>idBits == key {
			return int32(s & idMask)
		}
	}
}
