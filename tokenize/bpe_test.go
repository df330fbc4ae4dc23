package tokenize

import (
	"fmt"
	"testing"

	"github.com/tokenmill/tokenmill/tokenize/internal/uni"
)

// mergePieces returns the pieces of the corpus that are not single tokens,
// grouped by length bucket.
func mergePieces(tb testing.TB, enc *Encoder, kind string) map[int][][]byte {
	text := corpus(tb, kind)
	tab := uni.Classes()
	buckets := map[int][][]byte{}
	for i := 0; i < len(text); {
		e := enc.core.split(tab, text, i)
		p := text[i:e]
		i = e
		if len(p) < 3 {
			continue
		}
		if enc.core.ranks.tokens.getString(p) != noRank {
			continue
		}
		b := 8
		for b < len(p) && b < 256 {
			b *= 2
		}
		buckets[b] = append(buckets[b], []byte(p))
	}
	return buckets
}

// BenchmarkMerge compares the scan and heap merges on real pieces of each
// length bucket; scanLimit is set where the heap starts to win.
func BenchmarkMerge(b *testing.B) {
	enc := mustGet(b, "o200k_base")
	for _, kind := range []string{"english", "multilingual"} {
		buckets := mergePieces(b, enc, kind)
		for _, size := range []int{8, 16, 32, 64, 128, 256} {
			ps := buckets[size]
			if len(ps) < 10 {
				continue
			}
			n := 0
			for _, p := range ps {
				n += len(p)
			}
			for _, algo := range []string{"scan", "heap"} {
				b.Run(fmt.Sprintf("%s/upto%d/%s", kind, size, algo), func(b *testing.B) {
					r, sc := enc.core.ranks, &scratch{}
					var dst []int32
					b.SetBytes(int64(n))
					for b.Loop() {
						for _, p := range ps {
							if algo == "scan" {
								dst = r.mergeScan(dst[:0], p, sc)
							} else {
								dst = r.mergeHeap(dst[:0], p, sc)
							}
						}
					}
				})
			}
		}
	}
}
