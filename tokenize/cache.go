package tokenize

// pieceCache remembers the ids of recently merged pieces that are not
// single tokens (inflected words, names, words of other scripts), so that a
// frequent piece is merged once per worker rather than at every occurrence.
// It is direct-mapped: each piece hashes to one slot, which a newer piece
// simply overwrites. Slots are fixed-size arrays, so neither a hit nor a
// miss allocates. Pieces over cacheKeyLen bytes or cacheIDs ids are not
// cached; they are rare, and long ones are merged by the heap merge anyway.
type pieceCache struct {
	slots []cacheSlot
}

const (
	cacheSlots  = 4096
	cacheKeyLen = 24
	cacheIDs    = 8
)

type cacheSlot struct {
	keyLen uint8
	n      uint8
	key    [cacheKeyLen]byte
	ids    [cacheIDs]int32
}

// hashPiece is FNV-1a, which is quick on the short keys cached here.
func hashPiece(p string) uint32 {
	h := uint32(2166136261)
	for i := 0; i < len(p); i++ {
		h ^= uint32(p[i])
		h *= 16777619
	}
	return h
}

func (c *pieceCache) get(p string) ([]int32, bool) {
	if len(p) > cacheKeyLen || c.slots == nil {
		return nil, false
	}
	s := &c.slots[hashPiece(p)%cacheSlots]
	if int(s.keyLen) != len(p) || string(s.key[:len(p)]) != p || s.n == 0 {
		return nil, false
	}
	return s.ids[:s.n], true
}

func (c *pieceCache) put(p string, ids []int32) {
	if len(p) > cacheKeyLen || len(ids) > cacheIDs || len(ids) == 0 {
		return
	}
	if c.slots == nil {
		c.slots = make([]cacheSlot, cacheSlots)
	}
	s := &c.slots[hashPiece(p)%cacheSlots]
	s.keyLen, s.n = uint8(len(p)), uint8(len(ids))
	copy(s.key[:], p)
	copy(s.ids[:], ids)
}
