package crawl

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// Errors of the WARC reader. A RecordError wraps them with the file and
// offset; after one, Next resynchronizes on the next record.
var (
	ErrNotWARC         = errors.New("not a WARC or ARC file")
	ErrUnsupportedComp = errors.New("compression not supported (gzip, zstd, lz4 and plain are)")
	ErrCorruptRecord   = errors.New("corrupt record")
	ErrTruncatedRecord = errors.New("record cut short")
)

// RecordError reports a record that could not be read: the file, the byte
// offset where the record (for gzip files: its gzip member) starts, and
// the cause, which wraps ErrCorruptRecord or ErrTruncatedRecord.
type RecordError struct {
	File   string
	Offset int64
	Err    error
}

func (e *RecordError) Error() string {
	return fmt.Sprintf("%s: record at byte %d: %v", e.File, e.Offset, e.Err)
}

func (e *RecordError) Unwrap() error { return e.Err }

// WARCRecord is one record of a WARC (or ARC) file.
type WARCRecord struct {
	// Version is "WARC/1.0", "WARC/1.1" or "ARC".
	Version string
	Header  textproto.MIMEHeader
	// Offset is where the record starts in the file; in a gzip file, the
	// offset of the gzip member holding it (what CDX indexes record).
	Offset int64
	// Block is the content block, cut at the reader's limit when Truncated.
	Block     []byte
	Truncated bool
}

// Type returns WARC-Type ("response", "conversion", …).
func (r *WARCRecord) Type() string { return r.Header.Get("WARC-Type") }

// TargetURI returns WARC-Target-URI without the angle brackets some
// writers add.
func (r *WARCRecord) TargetURI() string {
	return strings.Trim(strings.TrimSpace(r.Header.Get("WARC-Target-URI")), "<>")
}

// WARCReader reads the records of one WARC file: plain, gzip (one member
// per record, or the whole file in one member), zstd or lz4, and ARC files. It
// survives corruption: Next returns a *RecordError for a damaged record
// and, called again, continues with the next readable record. LZ4 files
// (lz4 frames, as FastWARC writes them) are read too; their offsets are
// positions in the decompressed stream, and a damaged frame ends the file.
type WARCReader struct {
	name     string
	maxBlock int64
	arc      bool

	src io.ReadSeeker
	gz  *memberStream // nil unless gzip
	br  *bufio.Reader
	pos int64 // decompressed bytes consumed by the record parser

	pending []byte // a version line found while resynchronizing
	dead    bool
}

// NewWARCReader detects the format of r (the file name is only used in
// messages) and returns a reader whose blocks are cut at maxBlock bytes.
func NewWARCReader(r io.ReadSeeker, name string, maxBlock int64) (*WARCReader, error) {
	var magic [4]byte
	n, _ := io.ReadFull(r, magic[:])
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, err
	}
	w := &WARCReader{name: name, maxBlock: maxBlock, src: r}
	var plain io.Reader
	switch {
	case n >= 2 && magic[0] == 0x1f && magic[1] == 0x8b:
		w.gz = newMemberStream(r)
		plain = w.gz
	case n == 4 && bytes.Equal(magic[:], []byte{0x28, 0xb5, 0x2f, 0xfd}):
		d, err := zstd.NewReader(r, zstd.WithDecoderConcurrency(1))
		if err != nil {
			return nil, err
		}
		plain = d.IOReadCloser()
	case n == 4 && bytes.Equal(magic[:], []byte{0x04, 0x22, 0x4d, 0x18}):
		plain = newLZ4Reader(r)
	default:
		plain = r
	}
	w.br = bufio.NewReaderSize(plain, 64<<10)
	head, err := w.br.Peek(11)
	if err != nil && len(head) == 0 {
		if errors.Is(err, io.EOF) {
			return w, nil // empty file: no records
		}
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	switch {
	case bytes.HasPrefix(head, []byte("WARC/")):
	case bytes.HasPrefix(head, []byte("filedesc://")):
		w.arc = true
	default:
		return nil, fmt.Errorf("%s: %w", name, ErrNotWARC)
	}
	return w, nil
}

// offset maps the parser position to the offset reported for a record.
func (w *WARCReader) offset(pos int64) int64 {
	if w.gz != nil {
		return w.gz.memberAt(pos)
	}
	return pos
}

func (w *WARCReader) fail(pos int64, cause error, format string, args ...any) error {
	return &RecordError{File: w.name, Offset: w.offset(pos),
		Err: fmt.Errorf("%w: %s", cause, fmt.Sprintf(format, args...))}
}

// readLine returns the next line without its line ending.
func (w *WARCReader) readLine() ([]byte, error) {
	if w.pending != nil {
		l := w.pending
		w.pending = nil
		return l, nil
	}
	line, err := w.br.ReadSlice('\n')
	w.pos += int64(len(line))
	if errors.Is(err, bufio.ErrBufferFull) {
		// An overlong line: keep reading it, it is not a header anyway.
		long := append([]byte(nil), line...)
		for errors.Is(err, bufio.ErrBufferFull) {
			line, err = w.br.ReadSlice('\n')
			w.pos += int64(len(line))
			if len(long) < 1<<16 {
				long = append(long, line...)
			}
		}
		line = long
	}
	if err != nil && len(line) == 0 {
		return nil, err
	}
	return bytes.TrimRight(line, "\r\n"), nil
}

// Next returns the next record, io.EOF at the end, or a *RecordError for
// a damaged record.
func (w *WARCReader) Next() (*WARCRecord, error) {
	if w.dead {
		return nil, io.EOF
	}
	rec, err := w.next()
	var ge *gzipError
	if errors.As(err, &ge) {
		// The compressed stream is damaged: report it and carry on from
		// the next gzip member.
		w.pending = nil
		more := w.gz.resync()
		w.br.Reset(w.gz)
		w.pos = w.gz.decompressedPos()
		if !more {
			w.dead = true
		}
		cause := ErrCorruptRecord
		if errors.Is(ge.err, io.ErrUnexpectedEOF) {
			cause = ErrTruncatedRecord
		}
		return nil, &RecordError{File: w.name, Offset: ge.offset,
			Err: fmt.Errorf("%w: gzip: %v", cause, ge.err)}
	}
	var re *RecordError
	if err != nil && !errors.Is(err, io.EOF) && !errors.As(err, &re) {
		// The decompressor failed outside a record (lz4, zstd): the rest
		// of the file cannot be read.
		w.dead = true
		cause := ErrCorruptRecord
		if errors.Is(err, io.ErrUnexpectedEOF) {
			cause = ErrTruncatedRecord
		}
		return nil, &RecordError{File: w.name, Offset: w.pos, Err: fmt.Errorf("%w: %v", cause, err)}
	}
	return rec, err
}

func (w *WARCReader) next() (*WARCRecord, error) {
	// Skip the blank lines between records.
	var line []byte
	var err error
	for {
		start := w.pos
		line, err = w.readLine()
		if err != nil {
			if errors.Is(err, io.EOF) {
				return nil, io.EOF
			}
			return nil, err
		}
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if w.arc {
			return w.nextARC(line, start)
		}
		if !bytes.HasPrefix(line, []byte("WARC/")) {
			bad := string(line)
			if len(bad) > 40 {
				bad = bad[:40] + "…"
			}
			rerr := w.fail(start, ErrCorruptRecord, "expected a WARC/1.x line, found %q", bad)
			if err := w.resyncPlain(); err != nil && !errors.Is(err, io.EOF) {
				return nil, err
			}
			return nil, rerr
		}
		rec := &WARCRecord{Version: string(line), Header: textproto.MIMEHeader{},
			Offset: w.offset(start)}
		return w.readRecord(rec, start)
	}
}

// resyncPlain skips to the next line that starts a WARC record.
func (w *WARCReader) resyncPlain() error {
	for {
		line, err := w.readLine()
		if err != nil {
			return err
		}
		if bytes.HasPrefix(line, []byte("WARC/1.")) || bytes.HasPrefix(line, []byte("WARC/0.")) {
			w.pending = append([]byte(nil), line...)
			return nil
		}
	}
}

func (w *WARCReader) readRecord(rec *WARCRecord, start int64) (*WARCRecord, error) {
	var last string
	for {
		line, err := w.readLine()
		var ge *gzipError
		if errors.As(err, &ge) {
			return nil, err
		}
		if err != nil {
			w.dead = true
			return nil, w.fail(start, ErrTruncatedRecord, "header ends early: %v", err)
		}
		if len(line) == 0 {
			break
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			vals := rec.Header[last]
			vals[len(vals)-1] += " " + string(bytes.TrimSpace(line))
			continue
		}
		k, v, ok := bytes.Cut(line, []byte(":"))
		if !ok {
			rerr := w.fail(start, ErrCorruptRecord, "header line without colon: %q", line)
			w.resyncPlain()
			return nil, rerr
		}
		last = textproto.CanonicalMIMEHeaderKey(string(bytes.TrimSpace(k)))
		rec.Header.Add(last, string(bytes.TrimSpace(v)))
	}
	length, err := strconv.ParseInt(rec.Header.Get("Content-Length"), 10, 64)
	if err != nil || length < 0 {
		rerr := w.fail(start, ErrCorruptRecord, "bad Content-Length %q",
			rec.Header.Get("Content-Length"))
		w.resyncPlain()
		return nil, rerr
	}
	if err := w.readBlock(rec, length, start); err != nil {
		return nil, err
	}
	return rec, nil
}

// readBlock reads length bytes of block, keeping at most maxBlock.
func (w *WARCReader) readBlock(rec *WARCRecord, length, start int64) error {
	keep := length
	if w.maxBlock > 0 && keep > w.maxBlock {
		keep, rec.Truncated = w.maxBlock, true
	}
	rec.Block = make([]byte, keep)
	n, err := io.ReadFull(w.br, rec.Block)
	w.pos += int64(n)
	if err == nil && length > keep {
		var m int64
		m, err = io.CopyN(io.Discard, w.br, length-keep)
		w.pos += m
		n += int(m)
	}
	if err != nil {
		var ge *gzipError
		if errors.As(err, &ge) {
			return err
		}
		w.dead = true
		return w.fail(start, ErrTruncatedRecord, "block has %d of %d bytes", n, length)
	}
	return nil
}

// nextARC reads an ARC v1 record: a header line "URL IP date type length"
// and length bytes.
func (w *WARCReader) nextARC(line []byte, start int64) (*WARCRecord, error) {
	f := strings.Fields(string(line))
	if len(f) < 5 {
		rerr := w.fail(start, ErrCorruptRecord, "bad ARC header line %q", line)
		w.dead = true
		return nil, rerr
	}
	length, err := strconv.ParseInt(f[len(f)-1], 10, 64)
	if err != nil || length < 0 {
		w.dead = true
		return nil, w.fail(start, ErrCorruptRecord, "bad ARC length in %q", line)
	}
	// A URL may contain spaces: the last four fields are fixed.
	uri := strings.Join(f[:len(f)-4], "%20")
	typ := "response"
	if strings.HasPrefix(uri, "filedesc://") {
		typ = "warcinfo"
	}
	rec := &WARCRecord{Version: "ARC", Header: textproto.MIMEHeader{}, Offset: w.offset(start)}
	rec.Header.Set("WARC-Type", typ)
	rec.Header.Set("WARC-Target-URI", uri)
	rec.Header.Set("WARC-IP-Address", f[len(f)-4])
	rec.Header.Set("WARC-Date", f[len(f)-3])
	rec.Header.Set("Content-Type", "application/http;msgtype=response")
	rec.Header.Set("Content-Length", strconv.FormatInt(length, 10))
	if err := w.readBlock(rec, length, start); err != nil {
		return nil, err
	}
	return rec, nil
}

// gzipError is a damaged gzip member at offset.
type gzipError struct {
	offset int64
	err    error
}

func (e *gzipError) Error() string { return fmt.Sprintf("gzip member at %d: %v", e.offset, e.err) }

// memberStream decompresses a gzip file member by member, remembering
// where each member starts so records can be located, and can skip a
// damaged member by searching for the next gzip header.
type memberStream struct {
	src    io.ReadSeeker
	cr     *countingReader
	z      *gzip.Reader
	active bool
	out    int64 // decompressed bytes produced
	// starts maps decompressed positions to member offsets (recent ones).
	starts [][2]int64
	cur    int64 // offset of the current member
}

func newMemberStream(src io.ReadSeeker) *memberStream {
	return &memberStream{src: src, cr: &countingReader{r: bufio.NewReaderSize(src, 64<<10)}}
}

func (m *memberStream) decompressedPos() int64 { return m.out }

func (m *memberStream) memberAt(pos int64) int64 {
	off := int64(0)
	for _, s := range m.starts {
		if s[0] <= pos {
			off = s[1]
		}
	}
	return off
}

func (m *memberStream) Read(p []byte) (int, error) {
	for {
		if !m.active {
			if _, err := m.cr.r.Peek(1); err != nil {
				return 0, io.EOF
			}
			m.cur = m.cr.n
			var err error
			if m.z == nil {
				m.z, err = gzip.NewReader(m.cr)
			} else {
				err = m.z.Reset(m.cr)
			}
			if err != nil {
				return 0, &gzipError{offset: m.cur, err: err}
			}
			m.z.Multistream(false)
			m.active = true
			m.starts = append(m.starts, [2]int64{m.out, m.cur})
			if len(m.starts) > 64 {
				m.starts = m.starts[len(m.starts)-64:]
			}
		}
		n, err := m.z.Read(p)
		m.out += int64(n)
		if errors.Is(err, io.EOF) {
			m.active = false
			if n > 0 {
				return n, nil
			}
			continue
		}
		if err != nil {
			return n, &gzipError{offset: m.cur, err: err}
		}
		return n, nil
	}
}

// resync positions the stream at the next gzip header after the current
// member's start and reports whether one was found.
func (m *memberStream) resync() bool {
	m.active = false
	from := m.cur + 1
	if _, err := m.src.Seek(from, io.SeekStart); err != nil {
		return false
	}
	br := bufio.NewReaderSize(m.src, 64<<10)
	off := from
	var prev1, prev2 byte
	for i := int64(0); ; i++ {
		b, err := br.ReadByte()
		if err != nil {
			return false
		}
		if i >= 2 && prev2 == 0x1f && prev1 == 0x8b && b == 0x08 {
			start := off + i - 2
			if _, err := m.src.Seek(start, io.SeekStart); err != nil {
				return false
			}
			m.cr = &countingReader{r: bufio.NewReaderSize(m.src, 64<<10), n: start}
			m.z = nil
			return true
		}
		prev2, prev1 = prev1, b
	}
}

// countingReader counts the bytes read through it; as an io.ByteReader it
// keeps the decompressor from reading past a member's end.
type countingReader struct {
	r *bufio.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.r.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}
