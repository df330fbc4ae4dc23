package tokenize

import (
	"fmt"
	"strings"
	"syscall"
	"testing"

	tokenizer "github.com/tiktoken-go/tokenizer"
)

// BenchmarkEncode measures tokenmill and the two Go peers on the same ~4 KB
// documents of each corpus, one goroutine. MB/s is of input text. Run it
// pinned to one core for per-core figures:
//
//	taskset -c 0 go test -run '^$' -bench 'Encode/' -benchtime 2x -count 5 ./tokenize
func BenchmarkEncode(b *testing.B) {
	for _, name := range []string{"cl100k_base", "o200k_base"} {
		for _, kind := range corpusKinds {
			docs := chunks(corpus(b, kind))
			size := int64(0)
			for _, d := range docs {
				size += int64(len(d))
			}
			for _, impl := range []string{"tokenmill", "pkoukk", "tiktoken-go"} {
				b.Run(impl+"/"+strings.TrimSuffix(name, "_base")+"/"+kind, func(b *testing.B) {
					encode := encoderFor(b, impl, name)
					b.SetBytes(size)
					b.ReportAllocs()
					tokens := 0
					cpu0 := cpuTime()
					for b.Loop() {
						tokens = 0
						for _, d := range docs {
							tokens += encode(d)
						}
					}
					reportRates(b, size, tokens, cpuTime()-cpu0)
				})
			}
		}
	}
}

// cpuTime returns the process's user and system CPU time in seconds.
func cpuTime() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

// reportRates adds tokens/s (wall) and MB/s per CPU second, which the other
// processes on a shared machine disturb much less than wall time.
func reportRates(b *testing.B, size int64, tokens int, cpu float64) {
	b.ReportMetric(float64(tokens)*float64(b.N)/b.Elapsed().Seconds(), "tokens/s")
	if cpu > 0 {
		b.ReportMetric(float64(size)*float64(b.N)/1e6/cpu, "cpuMB/s")
	}
}

// encoderFor returns a function that encodes a document with impl and
// returns the number of ids.
func encoderFor(b *testing.B, impl, name string) func(string) int {
	switch impl {
	case "tokenmill":
		enc := mustGet(b, name)
		var buf []int32
		return func(s string) int {
			buf = enc.AppendEncode(buf[:0], s)
			return len(buf)
		}
	case "pkoukk":
		ref := reference(b, name)
		return func(s string) int { return len(ref.EncodeOrdinary(s)) }
	case "tiktoken-go":
		codec, err := tokenizer.Get(tokenizer.Encoding(name))
		if err != nil {
			b.Fatal(err)
		}
		return func(s string) int {
			ids, _, err := codec.Encode(s)
			if err != nil {
				b.Fatal(err)
			}
			return len(ids)
		}
	}
	b.Fatalf("unknown implementation %s", impl)
	return nil
}

// BenchmarkLongPiece encodes one 100 KB run of letters, a single piece: the
// merge must stay near linear (pkoukk/tiktoken-go's is quadratic).
func BenchmarkLongPiece(b *testing.B) {
	for _, size := range []int{10 << 10, 100 << 10} {
		text := longPiece(size)
		for _, impl := range []string{"tokenmill", "pkoukk", "tiktoken-go"} {
			if impl == "pkoukk" && size > 10<<10 {
				continue // seconds per run: quadratic
			}
			b.Run(fmt.Sprintf("%s/%dKB", impl, size>>10), func(b *testing.B) {
				encode := encoderFor(b, impl, "cl100k_base")
				b.SetBytes(int64(len(text)))
				for b.Loop() {
					encode(text)
				}
			})
		}
	}
}

// longPiece returns size bytes of letters without spaces, drawn from real
// English words so that merging has real work to do.
func longPiece(size int) string {
	words := strings.Fields("the quick brown fox jumps over lazy dogs while seven " +
		"wizards quietly hex bold jumping zebras")
	var b strings.Builder
	for i := 0; b.Len() < size; i++ {
		b.WriteString(words[(i*7)%len(words)])
	}
	return b.String()[:size]
}
