package tokenize

import (
	"fmt"

	tiktoken "github.com/pkoukk/tiktoken-go"
)

// refCore encodes ordinary text with pkoukk/tiktoken-go's regex and merge.
type refCore struct {
	bpe *tiktoken.Tiktoken
}

func newCore(d *Definition, v *vocab) (splitMerger, error) {
	ranks := make(map[string]int, v.count)
	for id, b := range v.bytesOf {
		if b != nil {
			ranks[string(b)] = id
		}
	}
	core, err := tiktoken.NewCoreBPE(ranks, map[string]int{}, d.Pattern)
	if err != nil {
		return nil, fmt.Errorf("encoding %s: split pattern: %w", d.Name, err)
	}
	enc := &tiktoken.Encoding{Name: d.Name, PatStr: d.Pattern, MergeableRanks: ranks}
	return &refCore{bpe: tiktoken.NewTiktoken(core, enc, map[string]any{})}, nil
}

func (c *refCore) appendOrdinary(dst []int32, text string) []int32 {
	for _, id := range c.bpe.EncodeOrdinary(text) {
		dst = append(dst, int32(id))
	}
	return dst
}
