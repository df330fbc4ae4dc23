package minhash

import (
	"strings"
	"testing"
)

func BenchmarkSign(b *testing.B) {
	text := strings.Join(realWords(b, 200000), " ")
	// Documents of about 20 KB, a typical web page or book chapter.
	var docs []string
	for len(text) > 20000 {
		cut := strings.IndexByte(text[20000:], ' ') + 20000
		docs = append(docs, text[:cut])
		text = text[cut+1:]
	}
	s := NewSigner(Default())
	sig := make([]uint64, s.Params().K())
	var total int64
	for _, d := range docs {
		total += int64(len(d))
	}
	b.SetBytes(total)
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		for _, d := range docs {
			s.Sign(d, sig)
		}
	}
}
