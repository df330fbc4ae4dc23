package dedup

import (
	"encoding/binary"
	"math"
)

// bloomSet is a scalable Bloom filter: a set that answers "seen before"
// with no false negatives and a bounded false-positive rate, in memory that
// grows with the number of items only by whole layers. The first layer is
// sized for capacity items at rate fp; when it is full a new layer twice as
// large with half the rate is added, so the overall false-positive rate
// stays below 2·fp however many items arrive (Almeida et al., 2007).
type bloomSet struct {
	layers   []*bloomLayer
	capacity int64
	fp       float64
}

type bloomLayer struct {
	bits  []uint64
	m     uint64 // number of bits
	k     int    // hash functions
	n, at int64  // items added, capacity
}

func newBloomSet(capacity int64, fp float64) *bloomSet {
	return &bloomSet{capacity: max(capacity, 1024), fp: fp}
}

func newBloomLayer(capacity int64, fp float64) *bloomLayer {
	m := uint64(math.Ceil(-float64(capacity) * math.Log(fp) / (math.Ln2 * math.Ln2)))
	m = (m + 63) &^ 63
	k := int(math.Round(float64(m) / float64(capacity) * math.Ln2))
	return &bloomLayer{bits: make([]uint64, m/64), m: m, k: max(k, 1), at: capacity}
}

// layerBytes is the memory a new layer would take.
func (s *bloomSet) nextLayerBytes() int64 {
	c, fp := s.capacity, s.fp
	for range s.layers {
		c, fp = c*2, fp/2
	}
	m := math.Ceil(-float64(c) * math.Log(fp) / (math.Ln2 * math.Ln2))
	return int64(m/8) + 64
}

// Bytes is the memory the filter holds.
func (s *bloomSet) Bytes() int64 {
	var n int64
	for _, l := range s.layers {
		n += int64(len(l.bits)) * 8
	}
	return n
}

// Has reports whether key may have been added.
func (s *bloomSet) Has(key Key128) bool {
	h1, h2 := binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:])|1
	for _, l := range s.layers {
		if l.has(h1, h2) {
			return true
		}
	}
	return false
}

// full reports whether the next Add needs a new layer.
func (s *bloomSet) full() bool {
	return len(s.layers) == 0 || s.layers[len(s.layers)-1].n >= s.layers[len(s.layers)-1].at
}

// Add inserts key, adding a layer first when the last one is full.
func (s *bloomSet) Add(key Key128) {
	if s.full() {
		c, fp := s.capacity, s.fp
		for range s.layers {
			c, fp = c*2, fp/2
		}
		s.layers = append(s.layers, newBloomLayer(c, fp))
	}
	l := s.layers[len(s.layers)-1]
	h1, h2 := binary.LittleEndian.Uint64(key[:8]), binary.LittleEndian.Uint64(key[8:])|1
	for i := 0; i < l.k; i++ {
		b := (h1 + uint64(i)*h2) % l.m
		l.bits[b/64] |= 1 << (b % 64)
	}
	l.n++
}

func (l *bloomLayer) has(h1, h2 uint64) bool {
	for i := 0; i < l.k; i++ {
		b := (h1 + uint64(i)*h2) % l.m
		if l.bits[b/64]&(1<<(b%64)) == 0 {
			return false
		}
	}
	return true
}
