package tokenize

import "math"

// noRank marks a pair of parts whose concatenation is not a token.
const noRank = math.MaxInt32

// ranks answers "which token are these bytes?" for the merge step.
type ranks struct {
	m map[string]int32
	// pair holds the rank of every two-byte token (noRank for the others),
	// indexed by the two bytes, so that the first round of merging, which
	// looks up every adjacent byte pair, avoids hashing.
	pair []int32
	// single holds the rank of each byte.
	single [256]int32
}

func newRanks(v *vocab) *ranks {
	r := &ranks{m: make(map[string]int32, v.count), pair: make([]int32, 1<<16)}
	for i := range r.pair {
		r.pair[i] = noRank
	}
	for id, b := range v.bytesOf {
		switch len(b) {
		case 0:
			continue
		case 1:
			r.single[b[0]] = int32(id)
		case 2:
			r.pair[int(b[0])<<8|int(b[1])] = int32(id)
		}
		r.m[string(b)] = int32(id)
	}
	return r
}

// of returns the rank of b, or noRank.
func (r *ranks) of(b []byte) int32 {
	switch len(b) {
	case 1:
		return r.single[b[0]]
	case 2:
		return r.pair[int(b[0])<<8|int(b[1])]
	}
	if id, ok := r.m[string(b)]; ok {
		return id
	}
	return noRank
}

// part is a stretch of a piece during merging: where it starts, and the
// rank of the token it would form with the part after it.
type part struct {
	start int32
	rank  int32
}

// scanLimit is the piece length up to which mergeScan is used; longer
// pieces use mergeHeap. Below it, one pass over at most that many parts
// after each merge costs less than maintaining a heap (measured with
// BenchmarkMerge in bpe_test.go).
const scanLimit = 64

// merge appends the tokens of piece, which is not itself a token, to dst.
// It applies merges in tiktoken's order: always the pair of adjacent parts
// with the lowest rank, the leftmost among equals.
func (r *ranks) merge(dst []int32, piece []byte, sc *scratch) []int32 {
	if len(piece) <= scanLimit {
		return r.mergeScan(dst, piece, sc)
	}
	return r.mergeHeap(dst, piece, sc)
}

// mergeScan merges by scanning the parts for the lowest rank after each
// merge: quadratic, but with tiny constants for short pieces.
func (r *ranks) mergeScan(dst []int32, piece []byte, sc *scratch) []int32 {
	n := len(piece)
	parts := sc.parts[:0]
	for i := 0; i < n-1; i++ {
		parts = append(parts, part{int32(i), r.pair[int(piece[i])<<8|int(piece[i+1])]})
	}
	parts = append(parts, part{int32(n - 1), noRank}, part{int32(n), noRank})
	// rankAt is the rank of parts[i] joined with parts[i+1] after parts[i+1]
	// has absorbed parts[i+2]: the bytes from parts[i] to parts[i+3].
	rankAt := func(i int) int32 {
		if i+3 < len(parts) {
			return r.of(piece[parts[i].start:parts[i+3].start])
		}
		return noRank
	}
	for {
		best, at := int32(noRank), -1
		for i := 0; i < len(parts)-1; i++ {
			if parts[i].rank < best {
				best, at = parts[i].rank, i
			}
		}
		if at < 0 {
			break
		}
		if at > 0 {
			parts[at-1].rank = rankAt(at - 1)
		}
		parts[at].rank = rankAt(at)
		parts = append(parts[:at+1], parts[at+2:]...)
	}
	for i := 0; i+1 < len(parts); i++ {
		dst = append(dst, r.of(piece[parts[i].start:parts[i+1].start]))
	}
	sc.parts = parts[:0]
	return dst
}

// node is a part in mergeHeap's linked list. A node absorbed by its left
// neighbour gets end = -1.
type node struct {
	end        int32 // end of the part's bytes
	prev, next int32 // neighbouring part starts, -1 at the ends
	rank       int32 // rank of this part joined with the next
}

// mergeHeap merges with a min-heap of candidate pairs keyed by rank and
// position, so each merge costs O(log n) instead of a scan: long pieces (a
// 100 KB run of letters) stay near linear. Stale heap entries, whose pair
// has since changed, are recognised and skipped: a part's pair only grows,
// and a longer byte string is a different token with a different rank, so
// an entry is current exactly when its rank equals the part's rank.
func (r *ranks) mergeHeap(dst []int32, piece []byte, sc *scratch) []int32 {
	n := len(piece)
	if cap(sc.nodes) < n {
		sc.nodes = make([]node, n)
	}
	nodes := sc.nodes[:n]
	h := sc.heap[:0]
	for i := 0; i < n; i++ {
		nd := node{end: int32(i + 1), prev: int32(i - 1), next: int32(i + 1), rank: noRank}
		if i+1 < n {
			nd.rank = r.pair[int(piece[i])<<8|int(piece[i+1])]
			if nd.rank != noRank {
				h = append(h, heapKey(nd.rank, i))
			}
		} else {
			nd.next = -1
		}
		nodes[i] = nd
	}
	heapInit(h)
	// pairRank is the rank of the part at s joined with its next part.
	pairRank := func(s int32) int32 {
		nx := nodes[s].next
		if nx < 0 {
			return noRank
		}
		return r.of(piece[s:nodes[nx].end])
	}
	for len(h) > 0 {
		key := h[0]
		h = heapPop(h)
		rank, s := int32(key>>32), int32(uint32(key))
		nd := &nodes[s]
		if nd.end < 0 || nd.rank != rank {
			continue
		}
		// Absorb the next part.
		nx := nd.next
		nd.end = nodes[nx].end
		nd.next = nodes[nx].next
		nodes[nx].end = -1
		if nd.next >= 0 {
			nodes[nd.next].prev = s
		}
		if nd.rank = pairRank(s); nd.rank != noRank {
			h = heapPush(h, heapKey(nd.rank, int(s)))
		}
		if p := nd.prev; p >= 0 {
			if nodes[p].rank = pairRank(p); nodes[p].rank != noRank {
				h = heapPush(h, heapKey(nodes[p].rank, int(p)))
			}
		}
	}
	for s := int32(0); s >= 0 && int(s) < n; s = nodes[s].next {
		dst = append(dst, r.of(piece[s:nodes[s].end]))
	}
	sc.heap = h[:0]
	return dst
}

// heapKey orders candidates by rank, then by position.
func heapKey(rank int32, pos int) uint64 { return uint64(rank)<<32 | uint64(uint32(pos)) }

func heapInit(h []uint64) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		heapDown(h, i)
	}
}

func heapPush(h []uint64, k uint64) []uint64 {
	h = append(h, k)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 2
		if h[p] <= k {
			break
		}
		h[i] = h[p]
		i = p
	}
	h[i] = k
	return h
}

func heapPop(h []uint64) []uint64 {
	last := len(h) - 1
	h[0] = h[last]
	h = h[:last]
	if last > 0 {
		heapDown(h, 0)
	}
	return h
}

func heapDown(h []uint64, i int) {
	n := len(h)
	k := h[i]
	for {
		c := 2*i + 1
		if c >= n {
			break
		}
		if c+1 < n && h[c+1] < h[c] {
			c++
		}
		if k <= h[c] {
			break
		}
		h[i] = h[c]
		i = c
	}
	h[i] = k
}
