package jsonl

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"

	"github.com/tokenmill/tokenmill/mill"
)

// LineError reports a line that is not a valid document. The reader has
// already moved past it.
type LineError struct {
	File string
	Line int
	Err  error
}

func (e *LineError) Error() string {
	return fmt.Sprintf("%s:%d: %v (the line is skipped)", e.File, e.Line, e.Err)
}

func (e *LineError) Unwrap() error { return e.Err }

// Reader reads documents from JSON Lines.
type Reader struct {
	name   string
	br     *bufio.Reader
	closer io.Closer
	file   *os.File
	line   int
	buf    []byte
}

// NewReader reads documents from r, decompressing it if its first bytes are
// a gzip or zstd magic number. name is used in errors and to derive ids of
// documents that have none.
func NewReader(r io.Reader, name string) (*Reader, error) {
	dr, closer, err := Decompress(r)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &Reader{name: name, br: bufio.NewReaderSize(dr, 1<<16), closer: closer}, nil
}

// Open opens the named file for reading; "-" is standard input.
func Open(path string) (*Reader, error) {
	if path == "-" {
		return NewReader(os.Stdin, "<stdin>")
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	r, err := NewReader(f, path)
	if err != nil {
		f.Close()
		return nil, err
	}
	r.file = f
	return r, nil
}

// Line returns the number of the line last read, from 1.
func (r *Reader) Line() int { return r.line }

// Next returns the next document, io.EOF at the end of the input, a
// *LineError for a malformed line (call Next again to go on), or another
// error if the input cannot be read (for example a corrupt compressed
// stream).
func (r *Reader) Next() (*mill.Document, error) {
	for {
		line, err := r.readLine()
		if err != nil {
			if err == io.EOF {
				return nil, io.EOF
			}
			return nil, fmt.Errorf("%s: reading after line %d: %w", r.name, r.line, err)
		}
		r.line++
		line = bytes.TrimSpace(line)
		if len(line) == 0 {
			continue
		}
		d, err := Decode(line)
		if err != nil {
			return nil, &LineError{File: r.name, Line: r.line, Err: err}
		}
		if d.ID == "" {
			d.ID = mill.StableID(r.name, strconv.Itoa(r.line))
		}
		return d, nil
	}
}

// readLine returns the next line without its newline; the slice is valid
// until the next call. Lines of any length are assembled from the buffer.
func (r *Reader) readLine() ([]byte, error) {
	r.buf = r.buf[:0]
	for {
		chunk, err := r.br.ReadSlice('\n')
		r.buf = append(r.buf, chunk...)
		switch {
		case err == nil:
			return r.buf[:len(r.buf)-1], nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(r.buf) > 0:
			return r.buf, nil
		default:
			return nil, err
		}
	}
}

// Close releases the reader and the file it opened.
func (r *Reader) Close() error {
	err := r.closer.Close()
	if r.file != nil {
		if cerr := r.file.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

// wireDoc is a document as it is read: meta stays raw so that only
// documents that have it pay for the number-preserving decoder.
type wireDoc struct {
	ID     string          `json:"id"`
	Text   string          `json:"text"`
	Source string          `json:"source"`
	URL    string          `json:"url"`
	Meta   json.RawMessage `json:"meta"`
	Tokens []int32         `json:"tokens"`
}

// Decode parses one JSON object into a document. The text field must be a
// string; numbers in meta are kept as json.Number.
func Decode(line []byte) (*mill.Document, error) {
	if len(line) == 0 || line[0] != '{' {
		return nil, errors.New("not a JSON object")
	}
	if d, ok := decodeFast(line); ok {
		return d, nil
	}
	var w wireDoc
	if err := json.Unmarshal(line, &w); err != nil {
		return nil, fmt.Errorf("invalid document: %w", err)
	}
	d := &mill.Document{ID: w.ID, Text: w.Text, Source: w.Source, URL: w.URL, Tokens: w.Tokens}
	if len(w.Meta) > 0 && !bytes.Equal(w.Meta, []byte("null")) {
		dec := json.NewDecoder(bytes.NewReader(w.Meta))
		dec.UseNumber()
		if err := dec.Decode(&d.Meta); err != nil {
			return nil, fmt.Errorf("invalid meta: %w", err)
		}
	}
	return d, nil
}
