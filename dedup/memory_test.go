package dedup

import (
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/tokenmill/tokenmill/dedup/minhash"
)

func heapAlloc() uint64 {
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// The memory the stage accounts for (and memory_limit bounds) matches the
// heap it really holds, per indexed document.
func TestIndexMemoryPerDoc(t *testing.T) {
	if testing.Short() {
		t.Skip("allocates about 100 MB")
	}
	const n = 150000
	p := minhash.Default()
	r := rand.New(rand.NewPCG(1, 2))
	sig := make([]uint64, p.K())

	before := heapAlloc()
	x := newLSHIndex(p, 0.7)
	for range n {
		for i := range sig {
			sig[i] = r.Uint64()
		}
		x.Find(sig)
		x.Add()
	}
	lshHeap := float64(heapAlloc()-before) / n
	lshEst := float64(x.Bytes()) / n

	before = heapAlloc()
	set := map[Key128]struct{}{}
	var k Key128
	for i := range n {
		k[0], k[1], k[2], k[3] = byte(i), byte(i>>8), byte(i>>16), byte(r.Uint32())
		set[k] = struct{}{}
	}
	exactHeap := float64(heapAlloc()-before) / n
	runtime.KeepAlive(x)
	runtime.KeepAlive(set)

	t.Logf("LSH index (14×8): %.0f bytes/doc on the heap, %.0f accounted", lshHeap, lshEst)
	t.Logf("exact set: %.0f bytes/doc on the heap, %d accounted", exactHeap, exactEntryBytes)
	if lshEst < 0.75*lshHeap || lshEst > 1.35*lshHeap {
		t.Errorf("LSH index accounts %.0f bytes/doc, heap holds %.0f", lshEst, lshHeap)
	}
	if e := float64(exactEntryBytes); e < 0.75*exactHeap || e > 1.35*exactHeap {
		t.Errorf("exact set accounts %d bytes/doc, heap holds %.0f", exactEntryBytes, exactHeap)
	}
}
