package megatron

import (
	"bufio"
	"encoding/binary"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"slices"
	"strconv"

	"github.com/tokenmill/tokenmill/shard"
)

// Magic opens every index file.
const Magic = "MMIDIDX\x00\x00"

// Dtype codes of the index header.
const (
	CodeInt32  = 4
	CodeUint16 = 8
)

// Options tune Export.
type Options struct {
	// Prefix is the output path without extension. With MaxSize set, files
	// are PREFIX-00000.bin/.idx, PREFIX-00001.bin/.idx, …; otherwise
	// PREFIX.bin/.idx.
	Prefix string
	// MaxSize starts a new .bin file when the next sequence would take the
	// current one past this many bytes (0: one file).
	MaxSize int64
	// Dtype is "uint16", "int32" or "auto" (uint16 when the shards store
	// uint16 or the tokenizer's vocabulary has fewer than 65,500 entries,
	// as Megatron's preprocessing chooses).
	Dtype string
	// Split selects one split of a directory with train/validation splits
	// ("" exports each split to its own files).
	Split  string
	Logger *slog.Logger
}

// File describes one written .bin/.idx pair.
type File struct {
	Prefix    string `json:"prefix"`
	Sequences int64  `json:"sequences"`
	Documents int64  `json:"documents"`
	Tokens    int64  `json:"tokens"`
	BinBytes  int64  `json:"bin_bytes"`
}

// Export writes the shards of ds as Megatron indexed-dataset files. A
// directory with train and validation splits is exported split by split,
// to PREFIX-train… and PREFIX-validation…, unless Split names one.
func Export(ds *shard.Dataset, opt Options) ([]File, error) {
	m := ds.Manifest
	if opt.Split != "" && !slices.Contains(m.Splits, opt.Split) {
		return nil, fmt.Errorf("%s has no split %q (splits: %v)", ds.Dir, opt.Split, m.Splits)
	}
	if opt.Split == "" && len(m.Splits) > 1 {
		var all []File
		for _, sp := range m.Splits {
			o := opt
			o.Split, o.Prefix = sp, opt.Prefix+"-"+sp
			files, err := Export(ds, o)
			if err != nil {
				return all, err
			}
			all = append(all, files...)
		}
		return all, nil
	}
	code, err := chooseDtype(m, opt.Dtype)
	if err != nil {
		return nil, err
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var paths []string
	for _, e := range m.Shards {
		if opt.Split == "" || e.Split == opt.Split {
			paths = append(paths, ds.Path(e))
		}
	}
	slices.Sort(paths)
	x := &exporter{opt: opt, code: code, log: log}
	for _, p := range paths {
		err := shard.ReadFile(p, func(r shard.Row) error {
			toks := r.Tokens[:len(r.Tokens)-int(r.Pad)]
			return x.add(toks)
		})
		if err != nil {
			x.abort()
			return nil, err
		}
	}
	if err := x.finish(); err != nil {
		x.abort()
		return nil, err
	}
	if x.empty > 0 {
		log.Info("documents without tokens left out", "count", x.empty)
	}
	return x.files, nil
}

func chooseDtype(m *shard.Manifest, want string) (byte, error) {
	switch want {
	case "uint16":
		return CodeUint16, nil
	case "int32":
		return CodeInt32, nil
	case "", "auto":
		if m.TokenType == "uint16" {
			return CodeUint16, nil
		}
		if v, err := strconv.Atoi(m.Props["tokenizer.vocab_size"]); err == nil && v > 0 &&
			v < 65500 {
			return CodeUint16, nil
		}
		return CodeInt32, nil
	}
	return 0, fmt.Errorf("dtype %q is not uint16, int32 or auto", want)
}

// exporter writes one .bin/.idx pair at a time.
type exporter struct {
	opt   Options
	code  byte
	log   *slog.Logger
	files []File

	bin     *os.File
	bw      *bufio.Writer
	cur     File
	lengths []int32
	buf     []byte
	empty   int64 // documents without tokens, left out
}

func (x *exporter) itemSize() int64 {
	if x.code == CodeUint16 {
		return 2
	}
	return 4
}

func (x *exporter) prefix(n int) string {
	if x.opt.MaxSize <= 0 {
		return x.opt.Prefix
	}
	return fmt.Sprintf("%s-%05d", x.opt.Prefix, n)
}

// add appends one sequence (one document). Documents without tokens are
// left out, as Megatron-LM's preprocessing leaves them out.
func (x *exporter) add(toks []int32) error {
	if len(toks) == 0 {
		x.empty++
		return nil
	}
	size := int64(len(toks)) * x.itemSize()
	if x.bin != nil && x.opt.MaxSize > 0 && x.cur.BinBytes > 0 &&
		x.cur.BinBytes+size > x.opt.MaxSize {
		if err := x.finishFile(); err != nil {
			return err
		}
	}
	if x.bin == nil {
		if err := x.openFile(); err != nil {
			return err
		}
	}
	x.buf = x.buf[:0]
	for _, t := range toks {
		if x.code == CodeUint16 {
			if t < 0 || t > 0xFFFF {
				return fmt.Errorf("token id %d does not fit dtype uint16 (use --dtype int32)", t)
			}
			x.buf = binary.LittleEndian.AppendUint16(x.buf, uint16(t))
		} else {
			x.buf = binary.LittleEndian.AppendUint32(x.buf, uint32(t))
		}
	}
	if _, err := x.bw.Write(x.buf); err != nil {
		return err
	}
	x.lengths = append(x.lengths, int32(len(toks)))
	x.cur.Sequences++
	x.cur.Documents++
	x.cur.Tokens += int64(len(toks))
	x.cur.BinBytes += size
	return nil
}

func (x *exporter) openFile() error {
	p := x.prefix(len(x.files))
	if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
		return err
	}
	f, err := os.Create(p + ".bin.tmp")
	if err != nil {
		return err
	}
	x.bin, x.bw = f, bufio.NewWriterSize(f, 1<<20)
	x.cur = File{Prefix: p}
	x.lengths = x.lengths[:0]
	return nil
}

// finishFile completes the .bin, writes the .idx and renames both.
func (x *exporter) finishFile() error {
	p := x.cur.Prefix
	if err := x.bw.Flush(); err != nil {
		return err
	}
	if err := x.bin.Sync(); err != nil {
		return err
	}
	if err := x.bin.Close(); err != nil {
		return err
	}
	x.bin = nil
	if err := writeIndex(p+".idx.tmp", x.code, x.lengths, x.itemSize()); err != nil {
		return err
	}
	if err := os.Rename(p+".bin.tmp", p+".bin"); err != nil {
		return err
	}
	if err := os.Rename(p+".idx.tmp", p+".idx"); err != nil {
		return err
	}
	x.log.Info("megatron file written", "prefix", p, "sequences", x.cur.Sequences,
		"tokens", x.cur.Tokens)
	x.files = append(x.files, x.cur)
	return nil
}

func (x *exporter) finish() error {
	if x.bin == nil && len(x.files) == 0 {
		if err := x.openFile(); err != nil { // an empty dataset still gets its pair
			return err
		}
	}
	if x.bin != nil {
		return x.finishFile()
	}
	return nil
}

func (x *exporter) abort() {
	if x.bin != nil {
		x.bin.Close()
		os.Remove(x.bin.Name())
		x.bin = nil
	}
}

// writeIndex writes an index for sequences of the given lengths, one
// document per sequence.
func writeIndex(path string, code byte, lengths []int32, item int64) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriterSize(f, 1<<20)
	n := uint64(len(lengths))
	var hdr []byte
	hdr = append(hdr, Magic...)
	hdr = binary.LittleEndian.AppendUint64(hdr, 1)
	hdr = append(hdr, code)
	hdr = binary.LittleEndian.AppendUint64(hdr, n)
	hdr = binary.LittleEndian.AppendUint64(hdr, n+1)
	w.Write(hdr)
	var b [8]byte
	for _, l := range lengths {
		binary.LittleEndian.PutUint32(b[:4], uint32(l))
		w.Write(b[:4])
	}
	var ptr int64
	for _, l := range lengths {
		binary.LittleEndian.PutUint64(b[:], uint64(ptr))
		w.Write(b[:])
		ptr += int64(l) * item
	}
	for i := uint64(0); i <= n; i++ {
		binary.LittleEndian.PutUint64(b[:], i)
		w.Write(b[:])
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return fmt.Errorf("writing %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}
