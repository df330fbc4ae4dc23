package jsonl

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Compression names a stream compression.
type Compression string

// The supported compressions.
const (
	None Compression = ""
	Gzip Compression = "gzip"
	Zstd Compression = "zstd"
)

var (
	gzipMagic = []byte{0x1f, 0x8b}
	zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}
)

// CompressionOf returns the compression a file name's extension asks for.
func CompressionOf(name string) Compression {
	switch {
	case strings.HasSuffix(name, ".gz"):
		return Gzip
	case strings.HasSuffix(name, ".zst"), strings.HasSuffix(name, ".zstd"):
		return Zstd
	}
	return None
}

// Decompress sniffs r's first bytes and returns a reader of the
// decompressed stream. Close the returned closer when done.
func Decompress(r io.Reader) (io.Reader, io.Closer, error) {
	br := bufio.NewReaderSize(r, 1<<16)
	head, _ := br.Peek(4)
	switch {
	case bytes.HasPrefix(head, gzipMagic):
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, nil, fmt.Errorf("opening gzip stream: %w", err)
		}
		return zr, zr, nil
	case bytes.HasPrefix(head, zstdMagic):
		zr, err := zstd.NewReader(br, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, nil, fmt.Errorf("opening zstd stream: %w", err)
		}
		return zr, closerFunc(func() error { zr.Close(); return nil }), nil
	}
	return br, closerFunc(func() error { return nil }), nil
}

// Compress wraps w in a compressor for c. Closing the returned writer
// flushes the compressor but does not close w.
func Compress(w io.Writer, c Compression) (io.WriteCloser, error) {
	switch c {
	case Gzip:
		return gzip.NewWriterLevel(w, gzip.DefaultCompression)
	case Zstd:
		return zstd.NewWriter(w, zstd.WithEncoderConcurrency(1))
	case None:
		return nopCloser{w}, nil
	}
	return nil, fmt.Errorf("unknown compression %q (valid: gzip, zstd, or none)", c)
}

type closerFunc func() error

func (f closerFunc) Close() error { return f() }

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }
