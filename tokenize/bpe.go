package tokenize

import "math"

// noRank marks a pair of parts whose concatenation is not a token.
const noRank = math.MaxInt32

// ranks answers "which token are these bytes?" for the merge step. In
// tiktoken a token's id is its rank, so the same number is both.
type ranks struct {
	tokens *tokenTable
	// pair holds the rank of every two-byte token (noRank for the others),
	// indexed by the two bytes, so that the first round of merging, which
	// looks up every adjacent byte pair, avoids hashing.
	pair []int32
	// single holds the rank of each byte.
	single [256]int32
	// joins maps two adjacent tokens to the token their bytes form. Merging
	// only ever joins two tokens, so looking the pair up by ids replaces
	// hashing byte strings in the merge loop.
	joins pairTable
}

func newRanks(v *vocab) *ranks {
	r := &ranks{tokens: newTokenTable(v), pair: make([]int32, 1<<16)}
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
	}
	r.joins = newPairTable(v, r.tokens)
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
	return r.tokens.get(b)
}

// part is a stretch of a piece during merging: its token, and the rank of
// the token it would form with the part after it.
type part struct {
	id   int32
	rank int32
}

// scanLimit is the piece length up to which mergeScan is used; longer
// pieces use mergeHeap. Below it, one pass over at most that many parts
// after each merge costs less than maintaining a heap (measured with
// BenchmarkMerge in bpe_test.go).
const scanLimit = 16

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
		parts = append(parts, part{r.single[piece[i]], r.pair[int(piece[i])<<8|int(piece[i+1])]})
	}
	parts = append(parts, part{r.single[piece[n-1]], noRank})
	for {
		best, at := int32(noRank), -1
		for i, p := range parts {
			if p.rank < best {
				best, at = p.rank, i
			}
		}
		if at < 0 {
			break
		}
		// The pair's rank is the id of the joined token.
		parts[at].id = best
		parts = append(parts[:at+1], parts[at+2:]...)
		if at+1 < len(parts) {
			parts[at].rank = r.joins.get(best, parts[at+1].id)
		} else {
			parts[at].rank = noRank
		}
		if at > 0 {
			parts[at-1].rank = r.joins.get(parts[at-1].id, best)
		}
	}
	for _, p := range parts {
		dst = append(dst, p.id)
	}
	sc.parts = parts[:0]
	return dst
}

// node is a part in mergeHeap's linked list, indexed by the part's first
// byte. A node absorbed by its left neighbour gets id = -1.
type node struct {
	id         int32
	prev, next int32 // neighbouring nodes, -1 at the ends
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
		nd := node{id: r.single[piece[i]], prev: int32(i - 1), next: int32(i + 1), rank: noRank}
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
	for len(h) > 0 {
		key := h[0]
		rank, s := int32(key>>32), int32(uint32(key))
		nd := &nodes[s]
		if nd.id < 0 || nd.rank != rank {
			h = heapPop(h)
			continue
		}
		// Absorb the next part; the pair's rank is the joined token's id.
		nx := nd.next
		nd.id = rank
		nd.next = nodes[nx].next
		nodes[nx].id = -1
		nd.rank = noRank
		if nd.next >= 0 {
			nodes[nd.next].prev = s
			nd.rank = r.joins.get(rank, nodes[nd.next].id)
		}
		// The part's new pair takes the place of the one just merged.
		if nd.rank != noRank {
			h[0] = heapKey(nd.rank, int(s))
			heapDown(h, 0)
		} else {
			h = heapPop(h)
		}
		if p := nd.prev; p >= 0 {
			if nodes[p].rank = r.joins.get(nodes[p].id, rank); nodes[p].rank != noRank {
				h = heapPush(h, heapKey(nodes[p].rank, int(p)))
			}
		}
	}
	for s := int32(0); s >= 0; s = nodes[s].next {
		dst = append(dst, nodes[s].id)
	}
	sc.heap = h[:0]
	// A huge piece (megabytes of letters without a space) needs 24 bytes of
	// scratch per byte; do not keep that much in the pool afterwards.
	if n > maxKeptScratch {
		sc.nodes, sc.heap = nil, nil
	}
	return dst
}

// maxKeptScratch is the longest piece whose merge scratch (about 24 MB at
// this length) stays with the worker for the next piece.
const maxKeptScratch = 1 << 20

// heapKey orders candidates by rank, then by position.
func heapKey(rank int32, pos int) uint64 { return uint64(rank)<<32 | uint64(uint32(pos)) }

// The heap is 4-ary: half the depth of a binary heap, and the four
// children of a node share a cache line.

func heapInit(h []uint64) {
	if len(h) < 2 {
		return
	}
	for i := (len(h) - 2) / 4; i >= 0; i-- {
		heapDown(h, i)
	}
}

func heapPush(h []uint64, k uint64) []uint64 {
	h = append(h, k)
	i := len(h) - 1
	for i > 0 {
		p := (i - 1) / 4
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
		c := 4*i + 1
		if c >= n {
			break
		}
		// The smallest of up to four children.
		m := c
		for j := c + 1; j < c+4 && j < n; j++ {
			if h[j] < h[m] {
				m = j
			}
		}
		if k <= h[m] {
			break
		}
		h[i] = h[m]
		i = m
	}
	h[i] = k
}
