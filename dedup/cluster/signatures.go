package cluster

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"sync"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/minhash"
	"github.com/tokenmill/tokenmill/mill/jsonl"
)

// Options configure the signatures step.
type Options struct {
	// Dir is the work directory; it is created if needed.
	Dir       string
	Params    minhash.Params
	Threshold float64
	Policy    Policy
	// Workers sign documents in parallel (default 1).
	Workers int
	Logger  *slog.Logger
}

// batch is how many documents are read before the workers sign them.
const batch = 512

type signed struct {
	bad     bool // the line is not a document
	err     error
	length  int64
	score   float64
	key     dedup.Key128
	compact minhash.Compact
	bands   []uint64
	empty   bool
}

// Signatures reads the JSONL inputs (files; compressed ones are detected)
// and writes the signature files of the work directory. Malformed lines are
// skipped and counted, as the engine does, so document numbers match the
// engine's Seq over the same inputs.
func Signatures(ctx context.Context, opt Options, inputs []string) (*Manifest, error) {
	if len(inputs) == 0 {
		return nil, errors.New("cluster mode needs input files (it reads them twice); " +
			"save standard input to a file first")
	}
	if err := opt.Params.Validate(); err != nil {
		return nil, err
	}
	if err := opt.Policy.Validate(); err != nil {
		return nil, err
	}
	log := opt.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
		return nil, err
	}
	in, err := statInputs(inputs)
	if err != nil {
		return nil, err
	}
	m := &Manifest{Version: 1, Params: opt.Params, Threshold: opt.Threshold, Policy: opt.Policy,
		Inputs: in}

	docsW, err := newFileWriter(filepath.Join(opt.Dir, docsFile))
	if err != nil {
		return nil, err
	}
	defer docsW.abort()
	sigsW, err := newFileWriter(filepath.Join(opt.Dir, sigsFile))
	if err != nil {
		return nil, err
	}
	defer sigsW.abort()
	bandsW, err := createRecords(filepath.Join(opt.Dir, bandsFile))
	if err != nil {
		return nil, err
	}
	defer bandsW.f.Close()

	workers := max(opt.Workers, 1)
	signers := make([]*minhash.Signer, workers)
	hashers := make([]*dedup.ExactHasher, workers)
	for i := range signers {
		signers[i] = minhash.NewSigner(opt.Params)
		hashers[i] = dedup.NewExactHasher()
	}
	lines := make([][]byte, 0, batch) // raw JSON lines, decoded by the workers
	lineNos := make([]int, 0, batch)
	out := make([]signed, batch)
	sigBuf := make([][]uint64, workers)
	for i := range sigBuf {
		sigBuf[i] = make([]uint64, opt.Params.K())
	}
	var rec [docRecordSize]byte
	var sigBytes []byte

	var path string // the input being read, for messages
	flush := func() error {
		var wg sync.WaitGroup
		for w := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := w; i < len(lines); i += workers {
					o := &out[i]
					d, err := jsonl.Decode(lines[i])
					if o.bad = err != nil; o.bad {
						o.err = err
						continue
					}
					o.length = int64(len(d.Text))
					o.score = opt.Policy.Score(d)
					o.key = hashers[w].Key(d.Text)
					o.empty = signers[w].Sign(d.Text, sigBuf[w]) == 0
					o.compact = minhash.Compress(o.compact, sigBuf[w])
					if cap(o.bands) < opt.Params.Bands {
						o.bands = make([]uint64, opt.Params.Bands)
					}
					opt.Params.BandKeys(sigBuf[w], o.bands)
				}
			}()
		}
		wg.Wait()
		for i := range lines {
			o := &out[i]
			if o.bad {
				// Skipped as the engine skips it, so numbers stay in step.
				m.Skipped++
				if m.Skipped <= 10 {
					log.Warn("skipping input record", "source", path, "line", lineNos[i],
						"err", o.err)
				}
				continue
			}
			n := m.Docs
			m.Docs++
			m.Bytes += o.length
			binary.LittleEndian.PutUint64(rec[0:], uint64(o.length))
			binary.LittleEndian.PutUint64(rec[8:], math.Float64bits(o.score))
			copy(rec[16:], o.key[:])
			if _, err := docsW.w.Write(rec[:]); err != nil {
				return err
			}
			sigBytes = sigBytes[:0]
			for _, v := range o.compact {
				sigBytes = binary.LittleEndian.AppendUint16(sigBytes, v)
			}
			if _, err := sigsW.w.Write(sigBytes); err != nil {
				return err
			}
			if o.empty {
				continue // no shingles: never a near duplicate
			}
			for _, k := range o.bands {
				if err := bandsW.Write(record{k, n}); err != nil {
					return err
				}
			}
		}
		lines, lineNos = lines[:0], lineNos[:0]
		return nil
	}

	for _, path = range inputs {
		err := eachLine(ctx, path, func(line []byte, n int) error {
			lines, lineNos = append(lines, line), append(lineNos, n)
			if len(lines) < batch {
				return nil
			}
			return flush()
		})
		if err != nil {
			return nil, fmt.Errorf("signing %s into %s: %w", path, opt.Dir, err)
		}
	}
	if err := flush(); err != nil {
		return nil, fmt.Errorf("writing signatures to %s: %w", opt.Dir, err)
	}
	if m.Docs > math.MaxUint32 {
		return nil, fmt.Errorf("%d documents: cluster mode numbers documents with 32 bits; "+
			"split the corpus", m.Docs)
	}
	for _, w := range []*fileWriter{docsW, sigsW} {
		if err := w.commit(); err != nil {
			return nil, err
		}
	}
	if err := bandsW.Close(); err != nil {
		return nil, err
	}
	log.Info("signatures written", "dir", opt.Dir, "docs", m.Docs, "bytes", m.Bytes,
		"skipped_lines", m.Skipped, "minhash", dedup.Describe(opt.Params, opt.Threshold))
	return m, m.write(opt.Dir, "signatures")
}

// fileWriter writes a file under a temporary name and renames it on commit.
type fileWriter struct {
	f    *os.File
	w    *bufio.Writer
	path string
	done bool
}

func newFileWriter(path string) (*fileWriter, error) {
	f, err := os.Create(path + ".tmp")
	if err != nil {
		return nil, err
	}
	return &fileWriter{f: f, w: bufio.NewWriterSize(f, 1<<20), path: path}, nil
}

func (w *fileWriter) commit() error {
	if err := w.w.Flush(); err != nil {
		return err
	}
	if err := w.f.Close(); err != nil {
		return err
	}
	w.done = true
	return os.Rename(w.path+".tmp", w.path)
}

func (w *fileWriter) abort() {
	if !w.done {
		w.f.Close()
		os.Remove(w.path + ".tmp")
	}
}

// eachLine calls f with every non-blank line of the JSONL file at path
// (decompressed, white space trimmed, a fresh slice each time) and its line
// number, as jsonl.Reader reads them: document numbers then match the
// engine's Seq.
func eachLine(ctx context.Context, path string, f func([]byte, int) error) error {
	file, err := os.Open(path)
	if err != nil {
		return err
	}
	defer file.Close()
	r, closer, err := jsonl.Decompress(file)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	defer closer.Close()
	br := bufio.NewReaderSize(r, 1<<20)
	var line []byte
	for n := 1; ; n++ {
		if n%4096 == 0 && ctx.Err() != nil {
			return ctx.Err()
		}
		line = line[:0]
		for {
			chunk, err := br.ReadSlice('\n')
			line = append(line, chunk...)
			if errors.Is(err, bufio.ErrBufferFull) {
				continue
			}
			if err == io.EOF {
				if t := bytes.TrimSpace(line); len(t) > 0 {
					return f(bytes.Clone(t), n)
				}
				return nil
			}
			if err != nil {
				return fmt.Errorf("%s: reading after line %d: %w", path, n-1, err)
			}
			break
		}
		if t := bytes.TrimSpace(line); len(t) > 0 {
			if err := f(bytes.Clone(t), n); err != nil {
				return err
			}
		}
	}
}
