package cluster

import (
	"context"
	"encoding/binary"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"

	"github.com/tokenmill/tokenmill/dedup/minhash"
)

// BucketStats are the buckets step's figures.
type BucketStats struct {
	Records  int64 // band records sorted
	Runs     int   // sorted runs merged
	Buckets  int64 // buckets with two or more documents
	Compared int64 // signature comparisons
	Pairs    int64 // pairs at or above the threshold
}

// Buckets sorts the band records of dir with at most sortMemory bytes in
// memory (the signatures are read into memory too when they fit in
// sortMemory), then walks each bucket in document order: each member is
// compared with the bucket's first member and, if that is not similar
// enough, with the member before it; pairs whose estimated similarity
// reaches the threshold are written for the clusters step.
func Buckets(ctx context.Context, dir string, sortMemory int64, log *slog.Logger) (*BucketStats,
	error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	m, err := ReadManifest(dir, "signatures")
	if err != nil {
		return nil, err
	}
	st := &BucketStats{}
	if st.Runs, err = sortRecords(filepath.Join(dir, bandsFile), filepath.Join(dir, sortedFile),
		sortMemory); err != nil {
		return nil, fmt.Errorf("sorting band records in %s: %w", dir, err)
	}
	// The sort buffer is garbage now; return it before the signatures
	// take its place, so that the step stays within sortMemory.
	debug.FreeOSMemory()
	sigs, err := openSigs(dir, m.Params.K(), sortMemory)
	if err != nil {
		return nil, err
	}
	defer sigs.Close()
	in, err := openRecords(filepath.Join(dir, sortedFile))
	if err != nil {
		return nil, err
	}
	defer in.Close()
	tmp := filepath.Join(dir, pairsFile+".tmp")
	out, err := createRecords(tmp)
	if err != nil {
		return nil, err
	}
	defer out.f.Close()

	var (
		key               uint64
		size              int64
		first, prev, cur  minhash.Compact
		firstDoc, prevDoc uint64
	)
	k := m.Params.K()
	first, prev, cur = make(minhash.Compact, k), make(minhash.Compact, k), make(minhash.Compact, k)
	for {
		r, err := in.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		st.Records++
		if st.Records%(1<<20) == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if size == 0 || r.key != key {
			key, size, firstDoc, prevDoc = r.key, 1, r.val, r.val
			if err := sigs.read(r.val, first); err != nil {
				return nil, err
			}
			copy(prev, first)
			continue
		}
		size++
		if size == 2 {
			st.Buckets++
		}
		if err := sigs.read(r.val, cur); err != nil {
			return nil, err
		}
		st.Compared++
		match := uint64(0)
		if minhash.Similarity(first, cur) >= m.Threshold {
			match = firstDoc + 1
		} else if prevDoc != firstDoc {
			st.Compared++
			if minhash.Similarity(prev, cur) >= m.Threshold {
				match = prevDoc + 1
			}
		}
		if match != 0 {
			st.Pairs++
			if err := out.Write(record{match - 1, r.val}); err != nil {
				return nil, err
			}
		}
		prevDoc = r.val
		prev, cur = cur, prev
	}
	if err := out.Close(); err != nil {
		return nil, err
	}
	if err := os.Rename(tmp, filepath.Join(dir, pairsFile)); err != nil {
		return nil, err
	}
	os.Remove(filepath.Join(dir, sortedFile))
	log.Info("buckets joined", "dir", dir, "records", st.Records, "runs", st.Runs,
		"buckets", st.Buckets, "compared", st.Compared, "pairs", st.Pairs)
	return st, m.write(dir, "buckets")
}

// sigFile reads compact signatures by document number: from memory when
// the whole file fits in the budget, else with one read per signature.
type sigFile struct {
	f   *os.File
	k   int
	all []byte
	buf []byte
}

func openSigs(dir string, k int, budget int64) (*sigFile, error) {
	f, err := os.Open(filepath.Join(dir, sigsFile))
	if err != nil {
		return nil, err
	}
	s := &sigFile{f: f, k: k, buf: make([]byte, 2*k)}
	if fi, err := f.Stat(); err == nil && fi.Size() <= budget {
		s.all = make([]byte, fi.Size())
		if _, err := io.ReadFull(f, s.all); err != nil {
			f.Close()
			return nil, fmt.Errorf("%s: %w", f.Name(), err)
		}
	}
	return s, nil
}

func (s *sigFile) read(doc uint64, dst minhash.Compact) error {
	off := int64(doc) * int64(2*s.k)
	b := s.buf
	if s.all != nil {
		if off+int64(2*s.k) > int64(len(s.all)) {
			return fmt.Errorf("%s: no signature for document %d: the work directory is "+
				"inconsistent; rerun signatures", s.f.Name(), doc)
		}
		b = s.all[off : off+int64(2*s.k)]
	} else if _, err := s.f.ReadAt(b, off); err != nil {
		return fmt.Errorf("%s: reading signature of document %d: %w", s.f.Name(), doc, err)
	}
	for i := range dst[:s.k] {
		dst[i] = binary.LittleEndian.Uint16(b[2*i:])
	}
	return nil
}

func (s *sigFile) Close() error { return s.f.Close() }
