package jsonl

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/tokenmill/tokenmill/mill"
)

// Writer writes documents as JSON Lines.
type Writer struct {
	bw   *bufio.Writer
	zw   io.WriteCloser
	buf  []byte
	file *os.File
	path string // final path when writing a file atomically
	n    int64
}

// NewWriter writes documents to w with compression c. Close flushes; it does
// not close w.
func NewWriter(w io.Writer, c Compression) (*Writer, error) {
	zw, err := Compress(w, c)
	if err != nil {
		return nil, err
	}
	return &Writer{bw: bufio.NewWriterSize(zw, 1<<16), zw: zw}, nil
}

// Create writes documents to path atomically: to a temporary file beside it
// that Close renames into place. The extension chooses the compression.
// "-" is standard output.
func Create(path string) (*Writer, error) {
	if path == "-" {
		return NewWriter(os.Stdout, None)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-*")
	if err != nil {
		return nil, fmt.Errorf("creating %s: %w", path, err)
	}
	w, err := NewWriter(f, CompressionOf(path))
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	w.file, w.path = f, path
	return w, nil
}

// Write appends d as one line.
func (w *Writer) Write(d *mill.Document) error {
	var err error
	w.buf, err = appendDoc(w.buf[:0], d)
	if err != nil {
		return fmt.Errorf("document %s: %w", d.ID, err)
	}
	w.n++
	_, err = w.bw.Write(w.buf)
	return err
}

// Count returns the number of documents written.
func (w *Writer) Count() int64 { return w.n }

// Flush pushes buffered lines to the underlying writer (not through a
// compressor's frame, which only Close completes).
func (w *Writer) Flush() error { return w.bw.Flush() }

// Close flushes the writer; for a file made by Create it syncs the file and
// renames it into place.
func (w *Writer) Close() error {
	err := w.bw.Flush()
	if cerr := w.zw.Close(); err == nil {
		err = cerr
	}
	if w.file == nil {
		return err
	}
	if err == nil {
		err = w.file.Chmod(0o644)
	}
	if err == nil {
		err = w.file.Sync()
	}
	if cerr := w.file.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(w.file.Name(), w.path)
	}
	if err != nil {
		os.Remove(w.file.Name())
		return fmt.Errorf("writing %s: %w", w.path, err)
	}
	return nil
}
