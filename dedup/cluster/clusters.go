package cluster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"math/bits"
	"os"
	"path/filepath"
	"slices"

	"github.com/tokenmill/tokenmill/dedup"
)

// Removal reasons in the remove list.
const (
	reasonNear  = 1
	reasonExact = 2
)

// ClusterStats are the clusters step's figures.
type ClusterStats struct {
	Docs     uint64 `json:"docs"`
	Pairs    int64  `json:"pairs"`
	Clusters int64  `json:"clusters"` // clusters of two or more documents
	// Removed counts the documents to drop: "exact_duplicate" when the text
	// equals the survivor's, "near_duplicate" otherwise.
	Removed map[string]int64 `json:"removed"`
	// Histogram counts clusters by size: "2", "3-4", "5-8", … (powers of two).
	Histogram map[string]int64 `json:"histogram"`
	// Largest is the size of the largest cluster.
	Largest uint32 `json:"largest"`
	Policy  Policy `json:"policy"`
}

// Clusters joins the pairs of dir into clusters with union-find (20 bytes
// of memory per document), keeps one document per cluster by the policy
// recorded at the signatures step, and writes the sorted remove list and
// the statistics (clusters.json).
func Clusters(ctx context.Context, dir string, log *slog.Logger) (*ClusterStats, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := ReadManifest(dir, "buckets")
	if err != nil {
		return nil, err
	}
	n := m.Docs
	parent := make([]uint32, n)
	for i := range parent {
		parent[i] = uint32(i)
	}
	find := func(x uint32) uint32 {
		for parent[x] != x {
			parent[x] = parent[parent[x]] // path halving
			x = parent[x]
		}
		return x
	}
	st := &ClusterStats{Docs: n, Removed: map[string]int64{}, Histogram: map[string]int64{},
		Policy: m.Policy}

	// Union every verified pair; the smaller number becomes the root.
	pairs, err := openRecords(filepath.Join(dir, pairsFile))
	if err != nil {
		return nil, err
	}
	for {
		r, err := pairs.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			pairs.Close()
			return nil, err
		}
		if r.key >= n || r.val >= n {
			pairs.Close()
			return nil, fmt.Errorf("%s: pair (%d, %d) beyond the %d documents: the work "+
				"directory is inconsistent; rerun signatures", pairs.name, r.key, r.val, n)
		}
		st.Pairs++
		a, b := find(uint32(r.key)), find(uint32(r.val))
		if a > b {
			a, b = b, a
		}
		if a != b {
			parent[b] = a
		}
	}
	pairs.Close()
	if ctx.Err() != nil {
		return nil, ctx.Err()
	}

	// Cluster sizes, and each cluster's best member by score (ties: the
	// earliest, as members are visited in input order).
	size := make([]uint32, n)
	best := make([]uint32, n)
	bestScore := make([]float64, n)
	docs, err := os.Open(filepath.Join(dir, docsFile))
	if err != nil {
		return nil, err
	}
	defer docs.Close()
	br := bufio.NewReaderSize(docs, 1<<20)
	var rec [docRecordSize]byte
	for i := uint32(0); uint64(i) < n; i++ {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			return nil, fmt.Errorf("%s: reading document %d: %w", docs.Name(), i, err)
		}
		root := find(i)
		parent[i] = root
		score := math.Float64frombits(binary.LittleEndian.Uint64(rec[8:]))
		if size[root] == 0 || score > bestScore[root] {
			best[root], bestScore[root] = i, score
		}
		size[root]++
	}
	bestScore = nil
	for i := range n {
		if s := size[i]; s >= 2 {
			st.Clusters++
			st.Histogram[sizeBin(s)]++
			st.Largest = max(st.Largest, s)
		}
	}

	// The remove list: every member of a cluster but its best.
	tmp := filepath.Join(dir, removeFile+".tmp")
	out, err := createRecords(tmp)
	if err != nil {
		return nil, err
	}
	defer out.f.Close()
	if _, err := docs.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	br.Reset(docs)
	var bestKey dedup.Key128
	for i := uint32(0); uint64(i) < n; i++ {
		if _, err := io.ReadFull(br, rec[:]); err != nil {
			return nil, fmt.Errorf("%s: reading document %d: %w", docs.Name(), i, err)
		}
		root := parent[i]
		if size[root] < 2 || best[root] == i {
			continue
		}
		if _, err := docs.ReadAt(bestKey[:], int64(best[root])*docRecordSize+16); err != nil {
			return nil, err
		}
		reason := uint64(reasonNear)
		if bytes.Equal(bestKey[:], rec[16:32]) {
			reason = reasonExact
		}
		st.Removed[reasonName(reason)]++
		if err := out.Write(record{uint64(i), reason}); err != nil {
			return nil, err
		}
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, removeFile)); err != nil {
		return nil, err
	}
	b, _ := json.MarshalIndent(st, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, statsFile), append(b, '\n'), 0o644); err != nil {
		return nil, err
	}
	log.Info("clusters formed", "dir", dir, "docs", n, "clusters", st.Clusters,
		"largest", st.Largest, "removed_near", st.Removed["near_duplicate"],
		"removed_exact", st.Removed["exact_duplicate"], "policy", m.Policy.Kind)
	return st, m.write(dir, "clusters")
}

func reasonName(r uint64) string {
	if r == reasonExact {
		return dedup.ReasonExact
	}
	return dedup.ReasonNear
}

// sizeBin names the histogram bin of a cluster size: 2, 3-4, 5-8, 9-16, …
func sizeBin(s uint32) string {
	if s <= 2 {
		return "2"
	}
	hi := uint32(1) << bits.Len32(s-1)
	return fmt.Sprintf("%d-%d", hi/2+1, hi)
}

// Run performs the signatures, buckets and clusters steps in opt.Dir; the
// filter step then reads the inputs again (see NewFilter).
func Run(ctx context.Context, opt Options, inputs []string, sortMemory int64) (*ClusterStats,
	error) {
	if _, err := Signatures(ctx, opt, inputs); err != nil {
		return nil, err
	}
	if _, err := Buckets(ctx, opt.Dir, sortMemory, opt.Logger); err != nil {
		return nil, err
	}
	return Clusters(ctx, opt.Dir, opt.Logger)
}

// HistogramBins returns the bins of a size histogram in increasing order.
func HistogramBins(h map[string]int64) []string {
	var bins []string
	for b := range h {
		bins = append(bins, b)
	}
	lower := func(b string) int {
		n := 0
		for _, c := range b {
			if c < '0' || c > '9' {
				break
			}
			n = n*10 + int(c-'0')
		}
		return n
	}
	slices.SortFunc(bins, func(x, y string) int { return lower(x) - lower(y) })
	return bins
}
