package crawl

import (
	"bytes"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/gzip"
)

// WARCWriter writes WARC 1.1 files, one gzip member per record, so a
// reader can seek to any record. Files are named
// <prefix>-<UTC time>-<serial>.warc.gz and written as <name>.open until
// they are complete (rotated at maxSize bytes, or closed). It is safe for
// concurrent use.
type WARCWriter struct {
	dir, prefix, software string
	maxSize               int64

	mu     sync.Mutex
	f      *os.File
	name   string
	size   int64
	serial int
	files  []string
}

// NewWARCWriter prepares writing WARC files into dir (created if needed).
// Files a killed run left as .open are completed (renamed) first: their
// complete records stay readable.
func NewWARCWriter(dir, prefix string, maxSize int64, software string) (*WARCWriter, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("creating WARC directory: %w", err)
	}
	if prefix == "" {
		prefix = "tokenmill"
	}
	if maxSize <= 0 {
		maxSize = 1e9
	}
	leftovers, _ := filepath.Glob(filepath.Join(dir, prefix+"-*.warc.gz.open"))
	for _, p := range leftovers {
		if err := os.Rename(p, strings.TrimSuffix(p, ".open")); err != nil {
			return nil, fmt.Errorf("completing WARC file left by an earlier run: %w", err)
		}
	}
	return &WARCWriter{dir: dir, prefix: prefix, maxSize: maxSize, software: software}, nil
}

// Files lists the WARC files completed so far.
func (w *WARCWriter) Files() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.files...)
}

// record writes the exchanges of one fetch; a write error is logged, not
// fatal to the crawl. A nil writer does nothing.
func (w *WARCWriter) record(ex []*exchange, log *slog.Logger) {
	if w == nil {
		return
	}
	for _, e := range ex {
		if err := w.writeExchange(e); err != nil {
			log.Warn("writing WARC record", "url", e.URL, "err", err)
		}
	}
}

// writeExchange appends a request record and its response record.
func (w *WARCWriter) writeExchange(e *exchange) error {
	reqID, respID := newRecordID(), newRecordID()
	date := e.Date.UTC().Format(time.RFC3339Nano)

	var req bytes.Buffer
	u := e.URL
	target := u
	if i := strings.Index(u, "://"); i >= 0 {
		rest := u[i+3:]
		host, path, _ := strings.Cut(rest, "/")
		target = "/" + path
		fmt.Fprintf(&req, "%s %s HTTP/1.1\r\nHost: %s\r\n", e.Method, target, host)
	}
	writeHeader(&req, e.ReqHeader)
	req.WriteString("\r\n")

	var head bytes.Buffer
	proto := e.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	fmt.Fprintf(&head, "%s %s\r\n", proto, e.StatusLine)
	h := e.Header.Clone()
	if te := h.Get("Transfer-Encoding"); te != "" {
		// Go's client removes the chunked coding; the record holds the
		// de-chunked body, so the header is kept under another name.
		h.Del("Transfer-Encoding")
		h.Set("X-Crawler-Transfer-Encoding", te)
	}
	writeHeader(&head, h)
	head.WriteString("\r\n")

	payloadDigest := sha1Digest(e.Raw)
	respFields := [][2]string{
		{"WARC-Type", "response"}, {"WARC-Record-ID", respID}, {"WARC-Date", date},
		{"WARC-Target-URI", e.URL}, {"WARC-Concurrent-To", reqID},
		{"WARC-Payload-Digest", payloadDigest},
		{"WARC-Block-Digest", sha1Digest(head.Bytes(), e.Raw)},
		{"Content-Type", "application/http;msgtype=response"},
	}
	if e.RemoteIP != "" {
		respFields = append(respFields, [2]string{"WARC-IP-Address", e.RemoteIP})
	}
	if e.Truncated {
		respFields = append(respFields, [2]string{"WARC-Truncated", "length"})
	}
	reqFields := [][2]string{
		{"WARC-Type", "request"}, {"WARC-Record-ID", reqID}, {"WARC-Date", date},
		{"WARC-Target-URI", e.URL}, {"WARC-Concurrent-To", respID},
		{"WARC-Block-Digest", sha1Digest(req.Bytes())},
		{"Content-Type", "application/http;msgtype=request"},
	}

	// Compress outside the lock: workers write concurrently.
	members := gzipRecord(nil, reqFields, req.Bytes())
	members = gzipRecord(members, respFields, head.Bytes(), e.Raw)

	w.mu.Lock()
	defer w.mu.Unlock()
	if err := w.ensureFile(); err != nil {
		return err
	}
	if err := w.write(members); err != nil {
		return err
	}
	if w.size >= w.maxSize {
		return w.closeFile()
	}
	return nil
}

func writeHeader(b *bytes.Buffer, h http.Header) {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, v := range h[k] {
			v = strings.NewReplacer("\r", " ", "\n", " ").Replace(v)
			fmt.Fprintf(b, "%s: %s\r\n", k, v)
		}
	}
}

// ensureFile opens a new file with its warcinfo record when none is open.
func (w *WARCWriter) ensureFile() error {
	if w.f != nil {
		return nil
	}
	var f *os.File
	for {
		w.serial++
		w.name = fmt.Sprintf("%s-%s-%05d.warc.gz", w.prefix,
			time.Now().UTC().Format("20060102150405"), w.serial)
		if _, err := os.Stat(filepath.Join(w.dir, w.name)); err == nil {
			continue // a file of an earlier run: never overwrite it
		}
		var err error
		f, err = os.OpenFile(filepath.Join(w.dir, w.name+".open"),
			os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return fmt.Errorf("creating WARC file: %w", err)
		}
		break
	}
	w.f, w.size = f, 0
	info := fmt.Sprintf("software: %s\r\nformat: WARC File Format 1.1\r\n"+
		"conformsTo: https://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/\r\n",
		w.software)
	return w.write(gzipRecord(nil, [][2]string{{"WARC-Type", "warcinfo"},
		{"WARC-Record-ID", newRecordID()}, {"WARC-Date", time.Now().UTC().Format(time.RFC3339)},
		{"WARC-Filename", w.name}, {"Content-Type", "application/warc-fields"}}, []byte(info)))
}

// gzipRecord appends one record, as its own gzip member, to dst.
func gzipRecord(dst []byte, fields [][2]string, block ...[]byte) []byte {
	n := 0
	for _, b := range block {
		n += len(b)
	}
	buf := bytes.NewBuffer(dst)
	z, _ := gzip.NewWriterLevel(buf, gzip.DefaultCompression)
	io.WriteString(z, "WARC/1.1\r\n")
	for _, f := range fields {
		io.WriteString(z, f[0]+": "+f[1]+"\r\n")
	}
	io.WriteString(z, "Content-Length: "+strconv.Itoa(n)+"\r\n\r\n")
	for _, b := range block {
		z.Write(b)
	}
	io.WriteString(z, "\r\n\r\n")
	z.Close() // writes to a bytes.Buffer cannot fail
	return buf.Bytes()
}

// write appends complete gzip members to the open file.
func (w *WARCWriter) write(members []byte) error {
	m, err := w.f.Write(members)
	w.size += int64(m)
	if err != nil {
		return fmt.Errorf("writing %s: %w", w.name, err)
	}
	return nil
}

func (w *WARCWriter) closeFile() error {
	if w.f == nil {
		return nil
	}
	err := w.f.Sync()
	if cerr := w.f.Close(); err == nil {
		err = cerr
	}
	open := filepath.Join(w.dir, w.name+".open")
	if rerr := os.Rename(open, filepath.Join(w.dir, w.name)); err == nil {
		err = rerr
	}
	w.f = nil
	if err != nil {
		return fmt.Errorf("completing WARC file %s: %w", w.name, err)
	}
	w.files = append(w.files, filepath.Join(w.dir, w.name))
	return nil
}

// Close completes the current file.
func (w *WARCWriter) Close() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.closeFile()
}

// sha1Digest returns the WARC digest "sha1:<base32>" of the concatenation
// of parts.
func sha1Digest(parts ...[]byte) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return "sha1:" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}

// newRecordID returns a random (version 4) UUID URN.
func newRecordID() string {
	var b [16]byte
	rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", b[0:4], b[4:6], b[6:8], b[8:10], b[10:])
}
