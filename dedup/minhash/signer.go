package minhash

import (
	"math"
	"math/bits"
	"unicode/utf8"
)

const (
	fnvOffset = 0xcbf29ce484222325
	fnvPrime  = 0x100000001b3
	polyBase  = 0x9E3779B97F4A7C15 // odd: the rolling shingle polynomial's base
	batchSize = 256
)

// mix64 is the 64-bit finalizer of MurmurHash3: a bijection with full
// avalanche.
func mix64(x uint64) uint64 {
	x ^= x >> 33
	x *= 0xff51afd7ed558ccd
	x ^= x >> 33
	x *= 0xc4ceb9fe1a85ec53
	x ^= x >> 33
	return x
}

// splitmix64 steps a seed and returns a well-mixed value; it derives the
// permutation coefficients.
func splitmix64(s *uint64) uint64 {
	*s += 0x9E3779B97F4A7C15
	z := *s
	z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9
	z = (z ^ (z >> 27)) * 0x94D049BB133111EB
	return z ^ (z >> 31)
}

// Signer computes MinHash signatures. It holds reusable buffers and is not
// safe for concurrent use.
type Signer struct {
	p      Params
	a, b   []uint64 // permutation i maps h to a[i]*h + b[i]
	polyN  uint64   // polyBase^Shingle, to roll the oldest token out
	ring   []uint64 // the last Shingle token hashes
	batch  [batchSize]uint64
	nbatch int
	seeds  []uint64 // one per round of the sketch
	xs     []uint64 // the current text's shingle hashes (MethodSketch)

	collect bool // shingle hashes go to xs rather than to the batch
	// state of the current Sign call
	sig      []uint64
	tokens   int
	roll     uint64 // polynomial hash of the last Shingle tokens
	shingles int
}

// NewSigner returns a Signer for p, which must be valid.
func NewSigner(p Params) *Signer {
	if err := p.Validate(); err != nil {
		panic("minhash: " + err.Error())
	}
	s := &Signer{p: p, a: make([]uint64, p.K()), b: make([]uint64, p.K()),
		ring: make([]uint64, p.Shingle)}
	seed := p.Seed
	for i := range s.a {
		s.a[i] = splitmix64(&seed) | 1
		s.b[i] = splitmix64(&seed)
	}
	s.seeds = make([]uint64, 2*p.K())
	for i := range s.seeds {
		s.seeds[i] = splitmix64(&seed)
	}
	s.polyN = 1
	for range p.Shingle {
		s.polyN *= polyBase
	}
	return s
}

// Params returns the signer's parameters.
func (s *Signer) Params() Params { return s.p }

// Sign computes the signature of text into sig, which must have length
// p.K(), and returns the number of shingles. A text without any token has
// zero shingles and a signature of all math.MaxUint64; it is not a near
// duplicate of anything.
func (s *Signer) Sign(text string, sig []uint64) int {
	s.sig = sig[:s.p.K()]
	for i := range s.sig {
		s.sig[i] = math.MaxUint64
	}
	s.collect = s.p.Method != MethodPermutations
	s.shingle(text)
	if s.collect {
		s.sketch()
	} else {
		s.flush()
	}
	s.sig = nil
	return s.shingles
}

// Shingles appends the hashes of text's shingles to dst, in text order,
// repeats included: the sets whose Jaccard similarity signatures estimate.
func (s *Signer) Shingles(text string, dst []uint64) []uint64 {
	s.collect = true
	s.shingle(text)
	dst = append(dst, s.xs...)
	s.xs = s.xs[:0]
	return dst
}

// shingle tokenizes text and hands every shingle hash to add.
func (s *Signer) shingle(text string) {
	s.nbatch, s.tokens, s.roll, s.shingles = 0, 0, 0, 0
	h, inWord := uint64(fnvOffset), false
	for i := 0; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf {
			// ASCII fast path: letters and digits extend the word.
			i++
			if f := asciiFold[c]; f != 0 {
				h = (h ^ uint64(f)) * fnvPrime
				inWord = true
			} else if inWord {
				s.push(h)
				h, inWord = fnvOffset, false
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		i += size
		switch f := fold(r); {
		case f > 0 && f&charFlag == 0:
			h = (h ^ uint64(f)) * fnvPrime
			inWord = true
		case f == skipRune:
		default: // a separator or a character token ends the word
			if inWord {
				s.push(h)
				h, inWord = fnvOffset, false
			}
			if f > 0 {
				s.push(uint64(f) * fnvPrime)
			}
		}
	}
	if inWord {
		s.push(h)
	}
	if s.tokens > 0 && s.tokens < s.p.Shingle {
		// A text shorter than one shingle is one shingle of all its tokens.
		s.add(mix64(s.roll ^ uint64(s.tokens)))
	}
	clear(s.ring)
}

// push adds one token hash and, once n tokens are in, one shingle.
//
// Token hashes are FNV-1a values, not mixed: the polynomial over the last n
// of them is mixed once per shingle.
func (s *Signer) push(tok uint64) {
	slot := s.tokens % len(s.ring)
	s.roll = s.roll*polyBase + tok - s.ring[slot]*s.polyN
	s.ring[slot] = tok
	s.tokens++
	if s.tokens >= len(s.ring) {
		s.add(mix64(s.roll))
	}
}

func (s *Signer) add(h uint64) {
	s.shingles++
	if s.collect {
		s.xs = append(s.xs, h)
		return
	}
	s.batch[s.nbatch] = h
	s.nbatch++
	if s.nbatch == batchSize {
		s.flush()
	}
}

// sketch fills the signature by fast similarity sketching: in round r
// (r < K) every shingle is hashed afresh and offered to one pseudo-random
// bin with the value r·2^48 + 48 hash bits; in round K+i every shingle is
// offered to bin i. Values of a later round are larger than any earlier
// one, so the rounds stop as soon as every bin holds a value: one round for
// texts with many more shingles than K, a few for short ones. For every
// bin, two texts agree exactly when the minimum over their union comes from
// a shared shingle, which happens with probability equal to their Jaccard
// similarity, as for K independent permutations, at a cost of about one
// hash per shingle instead of K.
func (s *Signer) sketch() {
	xs, sig := s.xs, s.sig
	s.xs = s.xs[:0]
	if len(xs) == 0 {
		return
	}
	const low = 1<<48 - 1
	k := uint64(len(sig))
	empty := len(sig)
	for r := 0; r < 2*len(sig) && empty > 0; r++ {
		seed, top := s.seeds[r], uint64(r)<<48
		for _, x := range xs {
			h := mix64(x ^ seed)
			bin := uint64(r) - k
			if r < len(sig) {
				bin, _ = bits.Mul64(h, k)
			}
			v := top | h&low
			if old := sig[bin]; v < old {
				if old == math.MaxUint64 {
					empty--
				}
				sig[bin] = v
			}
		}
	}
}

// flush applies every permutation to the batched shingle hashes. Running
// one permutation over the whole batch keeps its coefficients and running
// minimum in registers.
func (s *Signer) flush() {
	batch := s.batch[:s.nbatch]
	s.nbatch = 0
	if len(batch) == 0 {
		return
	}
	a, b, sig := s.a, s.b[:len(s.a)], s.sig[:len(s.a)]
	for i, ai := range a {
		bi := b[i]
		m0, m1 := sig[i], sig[i]
		j := 0
		for ; j+1 < len(batch); j += 2 {
			v0 := ai*batch[j] + bi
			v1 := ai*batch[j+1] + bi
			m0 = min(m0, v0)
			m1 = min(m1, v1)
		}
		if j < len(batch) {
			m0 = min(m0, ai*batch[j]+bi)
		}
		sig[i] = min(m0, m1)
	}
}
