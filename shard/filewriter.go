package shard

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"io"
	"os"
	"path/filepath"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"
	"github.com/apache/arrow-go/v18/arrow/memory"
)

// ipcOptions returns the writer options of a compression name.
func ipcOptions(compression string, zstdLevel int) ([]ipc.Option, error) {
	switch compression {
	case "zstd":
		if zstdLevel > 0 {
			return []ipc.Option{ipc.WithZstdLevel(zstdLevel)}, nil
		}
		return []ipc.Option{ipc.WithZstd()}, nil
	case "lz4":
		return []ipc.Option{ipc.WithLZ4()}, nil
	case "none":
		return nil, nil
	}
	return nil, fmt.Errorf("compression %q is not zstd, lz4 or none", compression)
}

// countingWriter counts and hashes what passes to the file.
type countingWriter struct {
	w io.Writer
	h hash.Hash
	n int64
}

func (c *countingWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.h.Write(p[:n])
	c.n += int64(n)
	return n, err
}

// fileWriter writes one shard: an Arrow IPC stream under a temporary name,
// record batch by record batch, then syncs it and renames it into place.
type fileWriter struct {
	tmp, final string
	f          *os.File
	cw         *countingWriter
	w          *ipc.Writer
	entry      Entry
	// estimate of the uncompressed bytes written so far, for rotation
	size int64
}

func createFileWriter(final string, schema *arrow.Schema, opts []ipc.Option) (*fileWriter, error) {
	tmp := filepath.Join(filepath.Dir(final), "."+filepath.Base(final)+".tmp")
	f, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return nil, fmt.Errorf("creating shard: %w", err)
	}
	cw := &countingWriter{w: f, h: sha256.New()}
	all := append([]ipc.Option{ipc.WithSchema(schema), ipc.WithAllocator(memory.DefaultAllocator)},
		opts...)
	return &fileWriter{tmp: tmp, final: final, f: f, cw: cw, w: ipc.NewWriter(cw, all...)}, nil
}

// write appends one record batch.
func (fw *fileWriter) write(rec arrow.RecordBatch) error {
	if err := fw.w.Write(rec); err != nil {
		return fmt.Errorf("writing record batch to %s: %w", fw.tmp, err)
	}
	return nil
}

// commit ends the stream, syncs the file and renames it to its final name.
// It returns the shard's entry with size and checksum filled in.
func (fw *fileWriter) commit() (Entry, error) {
	if err := fw.w.Close(); err != nil {
		fw.f.Close()
		return Entry{}, fmt.Errorf("ending stream %s: %w", fw.tmp, err)
	}
	if err := fw.f.Sync(); err != nil {
		fw.f.Close()
		return Entry{}, fmt.Errorf("syncing %s: %w", fw.tmp, err)
	}
	if err := fw.f.Close(); err != nil {
		return Entry{}, err
	}
	if err := os.Rename(fw.tmp, fw.final); err != nil {
		return Entry{}, err
	}
	if err := syncDir(filepath.Dir(fw.final)); err != nil {
		return Entry{}, err
	}
	e := fw.entry
	e.Bytes = fw.cw.n
	e.SHA256 = hex.EncodeToString(fw.cw.h.Sum(nil))
	return e, nil
}

// abort closes and removes the temporary file.
func (fw *fileWriter) abort() {
	fw.w.Close()
	fw.f.Close()
	os.Remove(fw.tmp)
}

// release frees a record batch built by a batch builder.
func release(rec arrow.RecordBatch) {
	if rec != nil {
		rec.Release()
	}
}
