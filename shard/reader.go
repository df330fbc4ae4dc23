package shard

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/array"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// Row is one row of a shard in either layout. Documents rows fill ID,
// Source, URL, Text, Tokens and Meta; packed rows fill Tokens (the window's
// input_ids), Starts and Pad.
type Row struct {
	ID, Source, URL, Text string
	Tokens                []int32
	Meta                  string
	Starts                []int32
	Pad                   int32
}

// Dataset is a shard directory opened for reading.
type Dataset struct {
	Dir      string
	Manifest *Manifest
}

// Open reads the manifest of a shard directory.
func Open(dir string) (*Dataset, error) {
	m, err := ReadManifest(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("%s has no %s: is it a tokenmill shard directory?", dir,
			ManifestName)
	}
	if err != nil {
		return nil, err
	}
	return &Dataset{Dir: dir, Manifest: m}, nil
}

// Path returns where the shard of entry e lies: its final name, or its
// staged one while a final rename step is incomplete.
func (ds *Dataset) Path(e Entry) string {
	p := filepath.Join(ds.Dir, filepath.FromSlash(e.File))
	if e.Staged != "" {
		if _, err := os.Stat(p); err != nil {
			return filepath.Join(ds.Dir, filepath.FromSlash(e.Staged))
		}
	}
	return p
}

// ShardReader reads the rows of one Arrow IPC stream shard, record batch by
// record batch. Rows it returns stay valid after the next batch is read.
type ShardReader struct {
	path   string
	f      io.Closer
	r      *ipc.Reader
	Layout string
	batch  int
}

// OpenShard opens an Arrow IPC stream file written by the shard sink (or
// any stream with one of its schemas).
func OpenShard(path string) (*ShardReader, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	return newShardReader(f, path)
}

// maxBodySize bounds the record batch bodies the reader accepts: the sink
// writes at most batch_size (at most 256 MiB) plus one document (at most
// 200 MiB). A damaged length above it is an error, not an allocation.
var maxBodySize int64 = 512 << 20

// cappedAllocator refuses (by a panic that the reader recovers into an
// error) any single buffer larger than two bodies: a damaged compressed
// buffer claims its uncompressed length, which arrow-go would otherwise
// allocate whatever it says.
type cappedAllocator struct{ memory.Allocator }

func (a cappedAllocator) check(size int) {
	if int64(size) > 2*maxBodySize {
		panic(fmt.Sprintf("a buffer claims %d bytes, more than a shard batch can hold", size))
	}
}

func (a cappedAllocator) Allocate(size int) []byte {
	a.check(size)
	return a.Allocator.Allocate(size)
}

func (a cappedAllocator) Reallocate(size int, b []byte) []byte {
	a.check(size)
	return a.Allocator.Reallocate(size, b)
}

// newShardReader reads an IPC stream from f, which it closes.
//
// Limitation: a damaged schema message can make arrow-go allocate for the
// field count it claims before checking it against the message, which may
// exhaust memory instead of returning an error. `tokenmill verify` checks a
// shard's SHA-256 before it parses it, so damage is reported there first.
func newShardReader(f io.ReadCloser, path string) (sr *ShardReader, err error) {
	defer recoverDamage(path, &err)
	r, err := ipc.NewReader(f, ipc.WithAllocator(cappedAllocator{memory.DefaultAllocator}),
		ipc.WithBodySizeLimit(maxBodySize))
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("reading shard %s: %w", path, err)
	}
	sr = &ShardReader{path: path, f: f, r: r}
	sc := r.Schema()
	switch {
	case len(sc.FieldIndices(ColInputIDs)) > 0:
		sr.Layout = LayoutPacked
	case len(sc.FieldIndices(ColTokens)) > 0 && len(sc.FieldIndices(ColText)) > 0:
		sr.Layout = LayoutDocuments
	default:
		sr.Close()
		return nil, fmt.Errorf("reading shard %s: schema %s is neither the documents nor "+
			"the packed layout", path, sc)
	}
	return sr, nil
}

// Schema returns the shard's schema.
func (sr *ShardReader) Schema() *arrow.Schema { return sr.r.Schema() }

// recoverDamage turns a panic of the Arrow reader on malformed input into
// an error naming the file.
func recoverDamage(path string, err *error) {
	if p := recover(); p != nil {
		*err = fmt.Errorf("reading shard %s: damaged Arrow stream (%v)", path, p)
	}
}

// Next returns the rows of the next record batch, or io.EOF after the last.
func (sr *ShardReader) Next() (rows []Row, err error) {
	defer recoverDamage(sr.path, &err)
	if !sr.r.Next() {
		if err := sr.r.Err(); err != nil {
			return nil, fmt.Errorf("reading shard %s, record batch %d: %w", sr.path, sr.batch,
				err)
		}
		return nil, io.EOF
	}
	rec := sr.r.RecordBatch()
	sr.batch++
	rows, err = decodeBatch(rec, sr.Layout)
	if err != nil {
		return nil, fmt.Errorf("reading shard %s, record batch %d: %w", sr.path, sr.batch-1, err)
	}
	return rows, nil
}

// Close releases the reader and its file.
func (sr *ShardReader) Close() error {
	sr.r.Release()
	return sr.f.Close()
}

// ReadFile calls fn for each row of the shard at path.
func ReadFile(path string, fn func(Row) error) error {
	sr, err := OpenShard(path)
	if err != nil {
		return err
	}
	defer sr.Close()
	for {
		rows, err := sr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		for _, r := range rows {
			if err := fn(r); err != nil {
				return err
			}
		}
	}
}

// column returns the named column of rec, or an error naming it.
func column(rec arrow.RecordBatch, name string) (arrow.Array, error) {
	idx := rec.Schema().FieldIndices(name)
	if len(idx) == 0 {
		return nil, fmt.Errorf("column %q is missing", name)
	}
	return rec.Column(idx[0]), nil
}

func decodeBatch(rec arrow.RecordBatch, layout string) ([]Row, error) {
	n := int(rec.NumRows())
	rows := make([]Row, n)
	if layout == LayoutPacked {
		ids, err := column(rec, ColInputIDs)
		if err != nil {
			return nil, err
		}
		starts, err := column(rec, ColDocOffsets)
		if err != nil {
			return nil, err
		}
		pad, err := column(rec, ColNPad)
		if err != nil {
			return nil, err
		}
		p, ok := pad.(*array.Int32)
		if !ok {
			return nil, fmt.Errorf("column n_pad is %s, not int32", pad.DataType())
		}
		for i := range rows {
			if rows[i].Tokens, err = listInts(ids, i); err != nil {
				return nil, err
			}
			if rows[i].Starts, err = listInts(starts, i); err != nil {
				return nil, err
			}
			rows[i].Pad = p.Value(i)
		}
		return rows, nil
	}
	strs := map[string]*array.String{}
	for _, c := range []string{ColID, ColSource, ColURL, ColText, ColMeta} {
		col, err := column(rec, c)
		if err != nil {
			return nil, err
		}
		s, ok := col.(*array.String)
		if !ok {
			return nil, fmt.Errorf("column %s is %s, not string", c, col.DataType())
		}
		strs[c] = s
	}
	toks, err := column(rec, ColTokens)
	if err != nil {
		return nil, err
	}
	for i := range rows {
		r := &rows[i]
		// Clone: Value aliases the batch's buffers, which the next batch
		// may reuse.
		r.ID, r.Source = strings.Clone(strs[ColID].Value(i)), strings.Clone(strs[ColSource].Value(i))
		r.URL, r.Text = strings.Clone(strs[ColURL].Value(i)), strings.Clone(strs[ColText].Value(i))
		r.Meta = strings.Clone(strs[ColMeta].Value(i))
		if r.Tokens, err = listInts(toks, i); err != nil {
			return nil, err
		}
	}
	return rows, nil
}

// listInts copies row i of a list<int32> or list<uint16> column.
func listInts(col arrow.Array, i int) ([]int32, error) {
	l, ok := col.(*array.List)
	if !ok {
		return nil, fmt.Errorf("column is %s, not a list", col.DataType())
	}
	start, end := l.ValueOffsets(i)
	out := make([]int32, end-start)
	switch v := l.ListValues().(type) {
	case *array.Int32:
		copy(out, v.Int32Values()[start:end])
	case *array.Uint16:
		for k, x := range v.Uint16Values()[start:end] {
			out[k] = int32(x)
		}
	default:
		return nil, fmt.Errorf("list of %s is not int32 or uint16 tokens", v.DataType())
	}
	return out, nil
}
