package tokenize

import (
	"fmt"
	"sync"

	"github.com/tokenmill/tokenmill/tokenize/internal/uni"
)

// core turns ordinary text into ids: split into pieces, then merge each.
type core struct {
	ranks *ranks
	tab   *uni.Table
	split splitter // nil when the pattern runs on the regex engine
	re    *regexSplitter
	pool  sync.Pool // *scratch
}

// scratch is the per-call working memory of the merge step, reused through
// a sync.Pool so that encoding allocates nothing per piece.
type scratch struct {
	parts []part
	nodes []node
	heap  []uint64
	cache pieceCache
}

func newCore(d *Definition, v *vocab) (*core, error) {
	c := &core{ranks: newRanks(v), tab: uni.Classes(), split: splitterFor(d.Pattern)}
	if c.split == nil {
		re, err := newRegexSplitter(d.Pattern)
		if err != nil {
			return nil, fmt.Errorf("encoding %s: split pattern: %w", d.Name, err)
		}
		c.re = re
	}
	c.pool.New = func() any { return &scratch{parts: make([]part, 0, scanLimit+2)} }
	return c, nil
}

// appendOrdinary appends the ids of text, with no special tokens, to dst.
func (c *core) appendOrdinary(dst []int32, text string) []int32 {
	dst, _ = c.appendPieces(dst, text)
	return dst
}

// appendPieces is appendOrdinary that also reports how many ids the last
// piece produced.
func (c *core) appendPieces(dst []int32, text string) ([]int32, int) {
	if len(text) == 0 {
		return dst, 0
	}
	sc := c.pool.Get().(*scratch)
	last := 0
	if c.split != nil {
		for i := 0; i < len(text); {
			e := c.split(c.tab, text, i)
			n := len(dst)
			dst = c.piece(dst, text[i:e], sc)
			last = len(dst) - n
			i = e
		}
	} else {
		c.re.each(text, func(piece string) {
			n := len(dst)
			dst = c.piece(dst, piece, sc)
			last = len(dst) - n
		})
	}
	c.pool.Put(sc)
	return dst, last
}

// piece appends the ids of one piece.
func (c *core) piece(dst []int32, p string, sc *scratch) []int32 {
	r := c.ranks
	if len(p) == 1 {
		return append(dst, r.single[p[0]])
	}
	if len(p) == 2 {
		if id := r.pair[int(p[0])<<8|int(p[1])]; id != noRank {
			return append(dst, id)
		}
	}
	h := hashBytes(unsafeBytes(p))
	if ids, ok := sc.cache.get(p, h); ok {
		return append(dst, ids...)
	}
	n := len(dst)
	if id := r.tokens.lookup(unsafeBytes(p), h); id != noRank {
		dst = append(dst, id)
	} else {
		dst = r.merge(dst, unsafeBytes(p), sc)
	}
	sc.cache.put(p, h, dst[n:])
	return dst
}
