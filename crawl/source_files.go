package crawl

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding/charmap"

	"github.com/tokenmill/tokenmill/crawl/extract"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/mill/jsonl"
)

var filesSpec = mill.Spec{
	Name: "files",
	Role: mill.RoleSource,
	Doc: "Reads local files: .txt and .md as one document each, .html/.htm through the " +
		"main-text extractor, and .jsonl (plain, .gz, .zst) as one document per line. " +
		"Paths may be globs or directories (walked recursively); matches are read in " +
		"sorted order.",
	Options: []mill.Option{
		{Name: "paths", Kind: mill.Strings, Required: true,
			Doc: "files, directories or globs, relative to the pipeline file"},
		{Name: "source", Kind: mill.String, Default: "file",
			Doc: "value of the documents' source field (JSONL documents keep their own)"},
		{Name: "max_file_size", Kind: mill.Size, Default: "64MiB",
			Doc: "larger .txt and .html files are skipped as too_large"},
	},
	Example: "sources:\n  - kind: files\n    paths: [\"books/*.txt\", corpus.jsonl.zst]\n",
	NewSource: func(cfg mill.Config, env mill.Env) (mill.Source, error) {
		s := &FilesSource{Paths: cfg.Strings("paths"), Label: cfg.String("source"),
			MaxFileSize: cfg.Size("max_file_size"), BaseDir: env.BaseDir, FS: env.FS}
		// Resolve the paths now, so that a pattern matching nothing is
		// reported at its place in the pipeline file before any output
		// exists.
		files, err := s.expand()
		if err != nil {
			return nil, &mill.ValueError{Key: "paths", Msg: err.Error()}
		}
		s.files = files
		return s, nil
	},
}

// FilesSource reads local files. See the files spec for the formats.
type FilesSource struct {
	Paths []string
	// Label is the documents' source field; "file" when empty.
	Label       string
	MaxFileSize int64
	// BaseDir resolves relative paths; FS, when set, is read instead of the
	// operating system.
	BaseDir string
	FS      fs.FS

	files []string // expanded by the constructor; nil means expand in Read
}

// Read emits the documents of every matched file, in order.
func (s *FilesSource) Read(ctx context.Context, out mill.Emitter) error {
	files := s.files
	if files == nil {
		var err error
		if files, err = s.expand(); err != nil {
			return err
		}
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

// expand resolves globs and directories into a list of files, each once.
func (s *FilesSource) expand() ([]string, error) {
	var files []string
	seen := map[string]bool{}
	add := func(p string) {
		if !seen[p] {
			seen[p] = true
			files = append(files, p)
		}
	}
	for _, p := range s.Paths {
		full := s.resolve(p)
		matches, err := s.glob(full)
		if err != nil {
			return nil, fmt.Errorf("bad pattern %q: %w", p, err)
		}
		if len(matches) == 0 {
			return nil, fmt.Errorf("%q matches no file (paths resolve against %s)", p, s.base())
		}
		slices.Sort(matches)
		for _, m := range matches {
			st, err := s.stat(m)
			if err != nil {
				return nil, err
			}
			if !st.IsDir() {
				add(m)
				continue
			}
			walked, err := s.walk(m)
			if err != nil {
				return nil, fmt.Errorf("walking %s: %w", m, err)
			}
			for _, w := range walked {
				add(w)
			}
		}
	}
	return files, nil
}

func (s *FilesSource) base() string {
	if s.BaseDir == "" {
		return "."
	}
	return s.BaseDir
}

func (s *FilesSource) resolve(p string) string {
	if s.FS != nil {
		return path.Clean(p)
	}
	if filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(s.base(), p)
}

func (s *FilesSource) glob(p string) ([]string, error) {
	if s.FS != nil {
		return fs.Glob(s.FS, p)
	}
	return filepath.Glob(p)
}

func (s *FilesSource) stat(p string) (fs.FileInfo, error) {
	if s.FS != nil {
		return fs.Stat(s.FS, p)
	}
	return os.Stat(p)
}

func (s *FilesSource) open(p string) (io.ReadCloser, error) {
	if s.FS != nil {
		return s.FS.Open(p)
	}
	return os.Open(p)
}

func (s *FilesSource) walk(dir string) ([]string, error) {
	var out []string
	fn := func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && formatOf(p) != "" {
			out = append(out, p)
		}
		return nil
	}
	var err error
	if s.FS != nil {
		err = fs.WalkDir(s.FS, dir, fn)
	} else {
		err = filepath.WalkDir(dir, fn)
	}
	return out, err
}

// formatOf names how a file is read, from its extension: "text", "html",
// "jsonl", or "" for files the source does not read.
func formatOf(name string) string {
	n := strings.ToLower(name)
	for _, suf := range []string{".gz", ".zst", ".zstd"} {
		n = strings.TrimSuffix(n, suf)
	}
	switch filepath.Ext(n) {
	case ".txt", ".md", ".text", ".rst":
		return "text"
	case ".html", ".htm", ".xhtml":
		return "html"
	case ".jsonl", ".ndjson":
		return "jsonl"
	}
	return ""
}

// fileURL returns the file:// URL of p (absolute), or an embed: URL for
// files of an embedded file system.
func (s *FilesSource) fileURL(p string) string {
	if s.FS != nil {
		return "embed:///" + p
	}
	abs, err := filepath.Abs(p)
	if err != nil {
		abs = p
	}
	return "file://" + filepath.ToSlash(abs)
}

func (s *FilesSource) readFile(ctx context.Context, p string, out mill.Emitter) error {
	format := formatOf(p)
	if format == "jsonl" {
		return s.readJSONL(ctx, p, out)
	}
	if format == "" {
		out.Skip("unknown_format", fmt.Errorf("%s: not .txt, .html or .jsonl; skipped", p))
		return nil
	}
	f, err := s.open(p)
	if err != nil {
		out.Skip("unreadable", err)
		return nil
	}
	defer f.Close()
	// .txt.gz, .html.zst and friends: decompress by the magic bytes.
	dr, dc, err := jsonl.Decompress(f)
	if err != nil {
		out.Skip("unreadable", fmt.Errorf("%s: %w", p, err))
		return nil
	}
	defer dc.Close()
	data, err := io.ReadAll(io.LimitReader(dr, s.maxSize()+1))
	if err != nil {
		out.Skip("unreadable", fmt.Errorf("%s: %w", p, err))
		return nil
	}
	if int64(len(data)) > s.maxSize() {
		out.Skip("too_large", fmt.Errorf("%s: larger than max_file_size %d", p, s.maxSize()))
		return nil
	}
	url := s.fileURL(p)
	d := &mill.Document{ID: mill.StableID(url), URL: url, Source: s.label()}
	if format == "html" {
		res, err := extract.HTML(data, url, extract.Options{})
		if err != nil {
			out.Skip("bad_html", fmt.Errorf("%s: %w", p, err))
			return nil
		}
		d.Text = res.Text
		setIf(d, "title", res.Title)
		setIf(d, "language", res.Lang)
		if res.Canonical != url {
			setIf(d, "canonical_url", res.Canonical)
		}
	} else {
		d.Text = DecodeText(data, "")
	}
	return out.Emit(d)
}

func setIf(d *mill.Document, key, v string) {
	if v != "" {
		d.SetMeta(key, v)
	}
}

func (s *FilesSource) maxSize() int64 {
	if s.MaxFileSize <= 0 {
		return 64 << 20
	}
	return s.MaxFileSize
}

func (s *FilesSource) label() string {
	if s.Label == "" {
		return "file"
	}
	return s.Label
}

func (s *FilesSource) readJSONL(ctx context.Context, p string, out mill.Emitter) error {
	f, err := s.open(p)
	if err != nil {
		out.Skip("unreadable", err)
		return nil
	}
	defer f.Close()
	r, err := jsonl.NewReader(f, p)
	if err != nil {
		out.Skip("unreadable", err)
		return nil
	}
	defer r.Close()
	err = jsonl.EmitAll(ctx, r, out, func(d *mill.Document) {
		if d.Source == "" && s.Label != "" {
			d.Source = s.Label
		}
	})
	if errors.Is(err, jsonl.ErrUnreadable) {
		// The rest of the file cannot be read (a corrupt compressed
		// stream): count it and go on with the next file.
		out.Skip("unreadable", err)
		return nil
	}
	return err
}

// DecodeText returns data as valid UTF-8 text: a UTF-8 byte-order mark is
// removed; data that is not valid UTF-8 is decoded with the charset named by
// contentType, or, without one, the charset sniffed from the bytes
// (Windows-1252 as the last resort), so invalid UTF-8 never reaches a
// document.
func DecodeText(data []byte, contentType string) string {
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if utf8.Valid(data) {
		return string(data)
	}
	enc, name, _ := charset.DetermineEncoding(data, contentType)
	if name == "utf-8" || enc == nil {
		enc = charmap.Windows1252
	}
	out, err := enc.NewDecoder().Bytes(data)
	if err != nil || !utf8.Valid(out) {
		return strings.ToValidUTF8(string(data), "\uFFFD")
	}
	return string(out)
}
