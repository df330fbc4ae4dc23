package dedup

import (
	"github.com/tokenmill/tokenmill/dedup/minhash"
)

// maxChain bounds how many earlier documents of one bucket a new document
// is compared with.
//
// Limitation: a bucket shared by more than maxChain kept documents (the
// same boilerplate in thousands of pages that are otherwise different) is
// only searched among its newest maxChain members; a near duplicate of an
// older member is still found through its other bands in almost all cases.
const maxChain = 64

// lshIndex is the streaming near-duplicate index: for every kept document
// its compact signature, and for every band a bucket chain of the documents
// with that band key. Memory per document: 2·K bytes of signature, 4 bytes
// of chain link per band, and one table entry per band that no earlier
// document shares (lshEntryBytes each); see BENCHMARKS.md for the measured
// total.
type lshIndex struct {
	p         minhash.Params
	threshold float64
	k         int
	buckets   map[uint64]uint32 // band key -> newest member's slot + 1
	next      []uint32          // slot*bands + band -> older member's slot + 1
	sigs      []uint16          // slot*K .. slot*K+K: compact signature
	n         int

	keys     []uint64
	compact  minhash.Compact
	compared int64 // candidate comparisons made
}

// lshEntryBytes is the measured heap cost of one bucket-table entry,
// averaged over the map's growth (see TestIndexMemoryPerDoc).
const lshEntryBytes = 36

func newLSHIndex(p minhash.Params, threshold float64) *lshIndex {
	return &lshIndex{p: p, threshold: threshold, k: p.K(), buckets: map[uint64]uint32{},
		keys: make([]uint64, p.Bands)}
}

// Bytes estimates the index's memory.
func (x *lshIndex) Bytes() int64 {
	return int64(cap(x.sigs))*2 + int64(cap(x.next))*4 + int64(len(x.buckets))*lshEntryBytes
}

// docBytes is the expected growth for one more document.
func (x *lshIndex) docBytes() int64 {
	return int64(x.k)*2 + int64(x.p.Bands)*(4+lshEntryBytes)
}

// Find returns the similarity to the most similar earlier document whose
// band keys collide with sig's and whose estimated Jaccard similarity is at
// least the threshold, or 0 when there is none. It leaves sig's band keys
// and compact form ready for Add.
func (x *lshIndex) Find(sig []uint64) float64 {
	x.p.BandKeys(sig, x.keys)
	x.compact = minhash.Compress(x.compact, sig)
	for band, key := range x.keys {
		slot := x.buckets[key]
		for steps := 0; slot != 0 && steps < maxChain; steps++ {
			s := int(slot - 1)
			x.compared++
			if j := minhash.Similarity(x.compact, x.sigs[s*x.k:(s+1)*x.k]); j >= x.threshold {
				return j
			}
			slot = x.next[s*x.p.Bands+band]
		}
	}
	return 0
}

// Add indexes the document last passed to Find.
func (x *lshIndex) Add() {
	s := uint32(x.n)
	x.n++
	x.sigs = append(x.sigs, x.compact...)
	for _, key := range x.keys {
		x.next = append(x.next, x.buckets[key])
		x.buckets[key] = s + 1
	}
}
