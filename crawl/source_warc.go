package crawl

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/mill"
)

// WARCSpec declares the warc source.
var WARCSpec = mill.Spec{
	Name: "warc",
	Role: mill.RoleSource,
	Doc: "Reads WARC files (plain, gzip per record or whole-file, multi-member gzip, zstd, lz4), " +
		"WET files and ARC files. HTTP responses become documents through the same " +
		"content-type checks, charset decoding and main-text extraction as the web source; " +
		"WET conversion records are taken as text. Other record types are passed over. " +
		"A damaged or truncated record is counted with its file and byte offset and the " +
		"reader goes on with the next one. Files are read in sorted path order, records in " +
		"file order; extraction runs on the run's workers without changing that order.",
	Options: []mill.Option{
		{Name: "paths", Kind: mill.Strings, Required: true,
			Doc: "WARC files, directories (walked) or globs, relative to the pipeline file"},
		{Name: "content_types", Kind: mill.Strings,
			Default: "text/html,application/xhtml+xml,text/plain",
			Doc:     "payload media types made into documents; others are dropped as content_type"},
		{Name: "max_record_size", Kind: mill.Size, Default: "32MiB",
			Doc: "larger record blocks are dropped as too_large"},
		{Name: "min_status", Kind: mill.Int, Default: "200",
			Doc: "lowest HTTP status kept (responses outside min..max are dropped as http_<code>)"},
		{Name: "max_status", Kind: mill.Int, Default: "299", Doc: "highest HTTP status kept"},
		{Name: "source", Kind: mill.String, Default: "warc", Doc: "the documents' source field"},
	},
	Example: "sources:\n  - kind: warc\n    paths: [\"crawl/*.warc.gz\", \"cc/*.warc.wet.gz\"]\n",
	NewSource: func(cfg mill.Config, env mill.Env) (mill.Source, error) {
		return &WARCSource{Paths: cfg.Strings("paths"), BaseDir: env.BaseDir,
			ContentTypes: cfg.Strings("content_types"), MaxRecord: cfg.Size("max_record_size"),
			MinStatus: cfg.Int("min_status"), MaxStatus: cfg.Int("max_status"),
			Label: cfg.String("source"), Workers: env.Workers, Logger: env.Logger}, nil
	},
}

// WARCSource reads documents from WARC, WET and ARC files. Its fields are
// the warc spec's options; zero values take the spec's defaults.
type WARCSource struct {
	// Paths are files, directories or globs; relative ones resolve
	// against BaseDir.
	Paths   []string
	BaseDir string
	// ContentTypes are the payload media types made into documents.
	ContentTypes []string
	// MaxRecord is the largest record block read (32 MiB when 0).
	MaxRecord int64
	// MinStatus and MaxStatus bound the HTTP statuses kept (200–299).
	MinStatus, MaxStatus int
	// Label is the documents' source field ("warc" when empty).
	Label string
	// Workers turn records into documents concurrently (GOMAXPROCS when
	// 0); documents still come out in file order.
	Workers int
	Logger  *slog.Logger
}

// Read emits the documents of every file, files in sorted order.
func (s *WARCSource) Read(ctx context.Context, out mill.Emitter) error {
	files, err := expandPaths(s.Paths, s.BaseDir)
	if err != nil {
		return fmt.Errorf("warc source: %w", err)
	}
	for _, f := range files {
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := s.readFile(ctx, f, out); err != nil {
			return err
		}
	}
	return nil
}

// expandPaths resolves files, directories and globs into a sorted list of
// files, each once.
func expandPaths(paths []string, base string) ([]string, error) {
	var files []string
	seen := map[string]bool{}
	for _, p := range paths {
		if !filepath.IsAbs(p) && base != "" {
			p = filepath.Join(base, p)
		}
		matches, err := filepath.Glob(p)
		if err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%q matches no file", p)
		}
		slices.Sort(matches)
		for _, m := range matches {
			err := filepath.WalkDir(m, func(q string, d os.DirEntry, err error) error {
				if err != nil {
					return err
				}
				if !d.IsDir() && !seen[q] {
					seen[q] = true
					files = append(files, q)
				}
				return nil
			})
			if err != nil {
				return nil, err
			}
		}
	}
	return files, nil
}

func (s *WARCSource) maxRecord() int64 {
	if s.MaxRecord <= 0 {
		return 32 << 20
	}
	return s.MaxRecord
}

func (s *WARCSource) readFile(ctx context.Context, path string, out mill.Emitter) error {
	f, err := os.Open(path)
	if err != nil {
		out.Skip("unreadable", err)
		return nil
	}
	defer f.Close()
	r, err := NewWARCReader(f, path, s.maxRecord())
	switch {
	case errors.Is(err, ErrNotWARC):
		out.Skip("not_warc", err)
		return nil
	case errors.Is(err, ErrUnsupportedComp):
		out.Skip("unsupported_compression", err)
		return nil
	case err != nil:
		out.Skip("unreadable", err)
		return nil
	}
	label := s.Label
	if label == "" {
		label = "warc"
	}
	opts := &pageOptions{ContentTypes: s.ContentTypes, Label: label}
	if len(opts.ContentTypes) == 0 {
		opts.ContentTypes = []string{"text/html", "application/xhtml+xml", "text/plain"}
	}
	name := filepath.Base(path)
	var records, docs, other int64
	items := s.process(ctx, r, opts)
	defer func() {
		for it := range items { // let the reader and the workers finish
			<-it.done
		}
	}()
	for it := range items {
		<-it.done
		if it.err != nil {
			reason := "corrupt_record"
			if errors.Is(it.err, ErrTruncatedRecord) {
				reason = "truncated_record"
			}
			var re *RecordError
			if !errors.As(it.err, &re) {
				out.Skip("unreadable", fmt.Errorf("%s: %w", path, it.err))
				continue
			}
			out.Skip(reason, it.err)
			continue
		}
		records++
		rec := it.rec
		if it.d == nil && it.reason == "" {
			other++ // not a page: warcinfo, request, metadata, revisit, dns…
			continue
		}
		if it.d == nil {
			out.Skip(it.reason, fmt.Errorf("%s: record at byte %d: %w", path, rec.Offset, it.derr))
			continue
		}
		d := it.d
		d.SetMeta("warc_file", name)
		d.SetMeta("warc_offset", strconv.FormatInt(rec.Offset, 10))
		if id := rec.Header.Get("WARC-Record-ID"); id != "" {
			d.SetMeta("warc_record_id", id)
		}
		if date := rec.Header.Get("WARC-Date"); date != "" {
			d.SetMeta("warc_date", date)
		}
		docs++
		if err := out.Emit(d); err != nil {
			return err
		}
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	if s.Logger != nil {
		s.Logger.Debug("read WARC file", "source", "warc", "file", path,
			"records", records, "documents", docs, "passed_over", other)
	}
	return nil
}

// warcItem is one record on its way through the workers; done is closed
// when its outcome is known.
type warcItem struct {
	rec    *WARCRecord
	err    error // the reader's
	d      *mill.Document
	reason string
	derr   error
	done   chan struct{}
}

// process reads records on one goroutine and turns them into documents on
// s.Workers goroutines; the returned channel yields them in file order.
// It stops reading when ctx ends, and closes the channel when the reader
// is done; each item's done is closed once its workers are.
func (s *WARCSource) process(ctx context.Context, r *WARCReader,
	opts *pageOptions) <-chan *warcItem {
	n := s.Workers
	if n <= 0 {
		n = runtime.GOMAXPROCS(0)
	}
	items := make(chan *warcItem, 4*n)
	jobs := make(chan *warcItem, n)
	for range n {
		go func() {
			for it := range jobs {
				it.d, it.reason, it.derr = s.document(it.rec, opts)
				close(it.done)
			}
		}()
	}
	go func() {
		defer close(items)
		defer close(jobs)
		for ctx.Err() == nil {
			rec, err := r.Next()
			if errors.Is(err, io.EOF) {
				return
			}
			it := &warcItem{rec: rec, err: err, done: make(chan struct{})}
			if err != nil {
				close(it.done)
			}
			select {
			case items <- it:
			case <-ctx.Done():
				if err == nil {
					close(it.done)
				}
				return
			}
			var re *RecordError
			if err != nil && !errors.As(err, &re) {
				return // the rest of the file cannot be read
			}
			if err == nil {
				jobs <- it
			}
		}
	}()
	return items
}

// document turns a record into a document; a nil document with an empty
// reason means the record is not a page.
func (s *WARCSource) document(rec *WARCRecord, o *pageOptions) (*mill.Document, string, error) {
	uri := rec.TargetURI()
	id := mill.StableID(uri, rec.Header.Get("WARC-Record-ID"), strconv.FormatInt(rec.Offset, 10))
	mt, _, _ := mime.ParseMediaType(rec.Header.Get("Content-Type"))
	switch rec.Type() {
	case "conversion": // WET: extracted plain text
		if rec.Truncated {
			return nil, "too_large", errTooLarge
		}
		text := strings.TrimSpace(string(decodeUTF8(rec.Block, rec.Header.Get("Content-Type"), false)))
		if text == "" {
			return nil, "empty", errors.New("no text")
		}
		d := &mill.Document{ID: id, Text: text, Source: o.Label, URL: uri}
		if lang := rec.Header.Get("WARC-Identified-Content-Language"); lang != "" {
			d.SetMeta("language", lang)
		}
		return d, "", nil
	case "resource":
		if !strings.HasPrefix(uri, "http") {
			return nil, "", nil
		}
		if rec.Truncated {
			return nil, "too_large", errTooLarge
		}
		return s.page(id, page{URL: uri, ContentType: rec.Header.Get("Content-Type"),
			Body: rec.Block}, o)
	case "response":
		if mt != "application/http" || !strings.HasPrefix(uri, "http") {
			return nil, "", nil
		}
		if rec.Truncated {
			return nil, "too_large", errTooLarge
		}
		if why := rec.Header.Get("WARC-Truncated"); why != "" {
			// The crawler stopped reading this response (length, time…):
			// its payload is incomplete.
			return nil, "truncated_payload", fmt.Errorf("%s: WARC-Truncated: %s", uri, why)
		}
		resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(rec.Block)), nil)
		if err != nil {
			return nil, "bad_http", fmt.Errorf("parsing the HTTP response: %w", err)
		}
		body, err := io.ReadAll(io.LimitReader(resp.Body, s.maxRecord()+1))
		if err != nil && len(body) == 0 {
			return nil, "bad_http", fmt.Errorf("reading the HTTP body: %w", err)
		}
		if resp.StatusCode < s.minStatus() || resp.StatusCode > s.maxStatus() {
			return nil, "http_" + strconv.Itoa(resp.StatusCode),
				fmt.Errorf("%s: HTTP %s", uri, resp.Status)
		}
		body, err = decodeBody(body, resp.Header.Get("Content-Encoding"), s.maxRecord())
		if err != nil {
			return nil, fetchErrorReason(err), err
		}
		d, reason, err := s.page(id, page{URL: uri, ContentType: resp.Header.Get("Content-Type"),
			Body: body}, o)
		if d != nil {
			d.SetMeta("http_status", strconv.Itoa(resp.StatusCode))
		}
		return d, reason, err
	}
	return nil, "", nil
}

func (s *WARCSource) page(id string, p page, o *pageOptions) (*mill.Document, string, error) {
	pr := processPage(p, o)
	if pr.Doc == nil {
		return nil, pr.Reason, pr.Err
	}
	pr.Doc.ID = id
	if !utf8.ValidString(pr.Doc.Text) {
		pr.Doc.Text = strings.ToValidUTF8(pr.Doc.Text, "\uFFFD")
	}
	return pr.Doc, "", nil
}

func (s *WARCSource) minStatus() int {
	if s.MinStatus == 0 && s.MaxStatus == 0 {
		return 200
	}
	return s.MinStatus
}

func (s *WARCSource) maxStatus() int {
	if s.MaxStatus == 0 {
		return 299
	}
	return s.MaxStatus
}
