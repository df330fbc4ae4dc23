package cluster

import (
	"bufio"
	"container/heap"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
)

// record is the unit the external sort orders: a key and a value, compared
// as (key, value).
type record struct{ key, val uint64 }

const recordSize = 16

func cmpRecord(a, b record) int {
	switch {
	case a.key < b.key:
		return -1
	case a.key > b.key:
		return 1
	case a.val < b.val:
		return -1
	case a.val > b.val:
		return 1
	}
	return 0
}

// recordWriter appends records to a buffered file.
type recordWriter struct {
	f   *os.File
	w   *bufio.Writer
	buf [recordSize]byte
	n   int64
}

func createRecords(path string) (*recordWriter, error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	return &recordWriter{f: f, w: bufio.NewWriterSize(f, 1<<20)}, nil
}

func (w *recordWriter) Write(r record) error {
	binary.LittleEndian.PutUint64(w.buf[:8], r.key)
	binary.LittleEndian.PutUint64(w.buf[8:], r.val)
	w.n++
	_, err := w.w.Write(w.buf[:])
	return err
}

func (w *recordWriter) Close() error {
	err := w.w.Flush()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	return err
}

// recordReader streams records from a file.
type recordReader struct {
	f    *os.File
	r    *bufio.Reader
	buf  [recordSize]byte
	name string
}

func openRecords(path string) (*recordReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return &recordReader{f: f, r: bufio.NewReaderSize(f, 1<<18), name: path}, nil
}

// Next returns the next record, or io.EOF.
func (r *recordReader) Next() (record, error) {
	if _, err := io.ReadFull(r.r, r.buf[:]); err != nil {
		if errors.Is(err, io.ErrUnexpectedEOF) {
			return record{}, fmt.Errorf("%s: truncated record (the file is damaged; "+
				"rerun the step that wrote it)", r.name)
		}
		return record{}, err
	}
	return record{binary.LittleEndian.Uint64(r.buf[:8]), binary.LittleEndian.Uint64(r.buf[8:])},
		nil
}

func (r *recordReader) Close() error { return r.f.Close() }

// sortRecords sorts the records of in into out with at most memory bytes
// of records in memory: sorted runs are written next to out and merged.
func sortRecords(in, out string, memory int64) (runs int, err error) {
	// Runs hold per records; growing the buffer by copying peaks at 1.5 times
	// its size, so per is two thirds of what memory holds.
	per := max(int(memory/recordSize*2/3), 1024)
	src, err := openRecords(in)
	if err != nil {
		return 0, err
	}
	defer src.Close()
	var paths []string
	defer func() {
		for _, p := range paths {
			os.Remove(p)
		}
	}()
	buf := make([]record, 0, min(per, 1<<16))
	flush := func() error {
		slices.SortFunc(buf, cmpRecord)
		p := filepath.Join(filepath.Dir(out), fmt.Sprintf(".run-%04d", len(paths)))
		paths = append(paths, p)
		w, err := createRecords(p)
		if err != nil {
			return err
		}
		for _, r := range buf {
			if err := w.Write(r); err != nil {
				w.Close()
				return err
			}
		}
		buf = buf[:0]
		return w.Close()
	}
	for {
		r, err := src.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			return 0, err
		}
		if len(buf) == cap(buf) {
			grown := make([]record, len(buf), min(2*cap(buf), per))
			copy(grown, buf)
			buf = grown
		}
		buf = append(buf, r)
		if len(buf) >= per {
			if err := flush(); err != nil {
				return 0, err
			}
		}
	}
	if len(buf) > 0 || len(paths) == 0 {
		if err := flush(); err != nil {
			return 0, err
		}
	}
	buf = nil
	return len(paths), mergeRuns(paths, out)
}

// mergeRuns merges sorted run files into out with a heap.
func mergeRuns(paths []string, out string) error {
	h := &runHeap{}
	for _, p := range paths {
		r, err := openRecords(p)
		if err != nil {
			return err
		}
		defer r.Close()
		if rec, err := r.Next(); err == nil {
			h.items = append(h.items, runItem{rec, r})
		} else if err != io.EOF {
			return err
		}
	}
	heap.Init(h)
	tmp := out + ".tmp"
	w, err := createRecords(tmp)
	if err != nil {
		return err
	}
	for h.Len() > 0 {
		top := &h.items[0]
		if err := w.Write(top.rec); err != nil {
			w.Close()
			return err
		}
		rec, err := top.src.Next()
		switch {
		case err == io.EOF:
			heap.Pop(h)
		case err != nil:
			w.Close()
			return err
		default:
			top.rec = rec
			heap.Fix(h, 0)
		}
	}
	if err := w.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, out)
}

type runItem struct {
	rec record
	src *recordReader
}

type runHeap struct{ items []runItem }

func (h *runHeap) Len() int           { return len(h.items) }
func (h *runHeap) Less(i, j int) bool { return cmpRecord(h.items[i].rec, h.items[j].rec) < 0 }
func (h *runHeap) Swap(i, j int)      { h.items[i], h.items[j] = h.items[j], h.items[i] }
func (h *runHeap) Push(x any)         { h.items = append(h.items, x.(runItem)) }
func (h *runHeap) Pop() any {
	x := h.items[len(h.items)-1]
	h.items = h.items[:len(h.items)-1]
	return x
}
