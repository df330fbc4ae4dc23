package shard

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/apache/arrow-go/v18/arrow"
	"github.com/apache/arrow-go/v18/arrow/ipc"

	"github.com/tokenmill/tokenmill/mill"
)

// Options are the sink's settings; see Specs for their meaning and
// defaults.
type Options struct {
	Dir           string
	Layout        string
	Compression   string
	ZstdLevel     int
	MaxShardSize  int64
	MaxShardRows  int64
	BatchSize     int64
	TokenType     string
	SeqLen        int
	EOT           int32 // -1: from the tokenize stage
	Pad           int32 // -1: the end-of-text id
	Encoding      string
	ShuffleWindow int
	Seed          int64
	Validation    float64
}

// optionsFrom reads Options from a validated Config.
func optionsFrom(cfg mill.Config) Options {
	o := Options{
		Dir: cfg.String("dir"), Layout: cfg.String("layout"),
		Compression: cfg.String("compression"), ZstdLevel: cfg.Int("zstd_level"),
		MaxShardSize: cfg.Size("max_shard_size"), MaxShardRows: int64(cfg.Int("max_shard_rows")),
		BatchSize: cfg.Size("batch_size"), TokenType: cfg.String("token_type"),
		SeqLen: cfg.Int("seq_len"), EOT: -1, Pad: -1, Encoding: cfg.String("encoding"),
		ShuffleWindow: cfg.Int("shuffle_window"), Seed: int64(cfg.Int("seed")),
		Validation: cfg.Float("validation"),
	}
	if cfg.Has("eot") {
		o.EOT = int32(cfg.Int("eot"))
	}
	if cfg.Has("pad") {
		o.Pad = int32(cfg.Int("pad"))
	}
	return o
}

// fingerprint identifies the options that shape the output, so that a
// resumed run can refuse a changed configuration.
func (o Options) fingerprint() string {
	s := fmt.Sprintf("layout=%s compression=%s zstd=%d size=%d rows=%d batch=%d tokens=%s "+
		"seq=%d eot=%d pad=%d shuffle=%d seed=%d validation=%g", o.Layout, o.Compression,
		o.ZstdLevel, o.MaxShardSize, o.MaxShardRows, o.BatchSize, o.TokenType, o.SeqLen, o.EOT,
		o.Pad, o.ShuffleWindow, o.Seed, o.Validation)
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:8])
}

// Sink writes documents into shards. It implements mill.Sink, mill.Resumer
// and mill.Summarizer. It is not safe for concurrent use: the engine calls
// Write from one goroutine, in input order.
type Sink struct {
	opt   Options
	dir   string
	log   *slog.Logger
	props *mill.Props
	m     *Manifest

	splits  []*splitWriter
	started bool
	schema  *arrow.Schema
	ipcOpts []ipc.Option
	tokType string
	eot     int32
	pad     int32

	received   uint64          // one past the highest Seq received in this run
	prevRecv   uint64          // Received of the manifest resumed from
	prevPend   map[uint64]bool // Pending of the manifest resumed from
	prevPendSl []uint64
	inflight   *mill.Document // the document Write is placing
	current    uint64         // Seq of the document Write is handling
	// commitDepth counts nested commits; the outermost saves the manifest
	commitDepth int
	written     int64
	fixedUTF8   int64
	tooLarge    int64
	skipped     int64
	closed      bool
}

// NewSink builds the shard sink from a validated configuration. The output
// directory must be absent or empty, unless env.Resume is set and the
// directory holds a manifest written with the same options.
func NewSink(cfg mill.Config, env mill.Env) (*Sink, error) {
	return newSink(optionsFrom(cfg), env)
}

func newSink(opt Options, env mill.Env) (*Sink, error) {
	ipcOpts, err := ipcOptions(opt.Compression, opt.ZstdLevel)
	if err != nil {
		return nil, err
	}
	if opt.Layout != LayoutDocuments && opt.Layout != LayoutPacked {
		return nil, fmt.Errorf("layout %q is not documents or packed", opt.Layout)
	}
	dir := opt.Dir
	if dir == "" {
		dir = "out"
	}
	if !filepath.IsAbs(dir) && env.BaseDir != "" {
		dir = filepath.Join(env.BaseDir, dir)
	}
	log := env.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	props := env.Props
	if props == nil {
		props = &mill.Props{}
	}
	s := &Sink{opt: opt, dir: dir, log: log, props: props, ipcOpts: ipcOpts}
	names := []string{""}
	if opt.Validation > 0 {
		names = []string{"train", "validation"}
	}
	if err := s.open(env.Resume, names); err != nil {
		return nil, err
	}
	for _, n := range names {
		s.splits = append(s.splits, newSplitWriter(s, n))
	}
	return s, nil
}

// open checks the output directory and, on a resumed run, loads the
// manifest and removes what the interrupted run left uncommitted.
func (s *Sink) open(resume bool, splits []string) error {
	entries, err := os.ReadDir(s.dir)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("reading output directory: %w", err)
	}
	fresh := &Manifest{Format: ManifestFormat, Layout: s.opt.Layout,
		Compression: s.opt.Compression, Config: s.opt.fingerprint(), Splits: splits,
		Shards: []Entry{}}
	if onlyTemporaries(entries) {
		// Empty, or left by a run killed before its first manifest: start
		// afresh. The manifest exists from the start, so that a run killed before
		// its first shard can resume too.
		s.m = fresh
		for _, e := range entries {
			if err := os.Remove(filepath.Join(s.dir, e.Name())); err != nil {
				return err
			}
		}
		if err := os.MkdirAll(s.dir, 0o755); err != nil {
			return err
		}
		return writeManifest(s.dir, s.m)
	}
	if !resume {
		return fmt.Errorf("output directory %s is not empty: pass --resume to continue the "+
			"run that wrote it, or choose another dir", s.dir)
	}
	m, err := ReadManifest(s.dir)
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("cannot resume into %s: it is not empty and has no %s (was it "+
			"written by tokenmill's shard sink?); choose another dir", s.dir, ManifestName)
	}
	if err != nil {
		return err
	}
	if m.Config != fresh.Config || m.Layout != fresh.Layout || m.Compression != fresh.Compression {
		return fmt.Errorf("cannot resume into %s: it was written with other shard options "+
			"(layout %s, compression %s, fingerprint %s; now %s, %s, %s); use the same "+
			"options or another dir", s.dir, m.Layout, m.Compression, m.Config, fresh.Layout,
			fresh.Compression, fresh.Config)
	}
	if err := finishRenames(s.dir, m); err != nil {
		return fmt.Errorf("resuming in %s: %w", s.dir, err)
	}
	if err := s.removeUnlisted(m); err != nil {
		return err
	}
	s.m = m
	s.prevRecv = m.Received
	s.prevPend = make(map[uint64]bool, len(m.Pending))
	for _, p := range m.Pending {
		s.prevPend[p] = true
	}
	s.prevPendSl = slices.Clone([]uint64(m.Pending))
	s.m.Complete = false
	return nil
}

// onlyTemporaries reports whether a directory listing holds nothing but
// the sink's temporary first manifest (or nothing at all).
func onlyTemporaries(entries []os.DirEntry) bool {
	for _, e := range entries {
		if e.IsDir() || e.Name() != ManifestName+".tmp" {
			return false
		}
	}
	return true
}

// removeUnlisted deletes shard files and temporaries that no manifest
// entry names: the work of an interrupted run after its last commit.
func (s *Sink) removeUnlisted(m *Manifest) error {
	listed := map[string]bool{}
	for _, e := range m.Shards {
		listed[filepath.FromSlash(e.File)] = true
	}
	dirs := []string{""}
	for _, sp := range m.Splits {
		if sp != "" {
			dirs = append(dirs, sp)
		}
	}
	for _, d := range dirs {
		ents, err := os.ReadDir(filepath.Join(s.dir, d))
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) {
				continue
			}
			return err
		}
		for _, e := range ents {
			name := e.Name()
			rel := filepath.Join(d, name)
			isShard := strings.HasPrefix(name, "data-") && strings.HasSuffix(name, ".arrow")
			isTemp := strings.HasSuffix(name, ".tmp")
			if (isShard && !listed[rel]) || isTemp {
				s.log.Info("removing uncommitted file of an interrupted run", "shard", rel)
				if err := os.Remove(filepath.Join(s.dir, rel)); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// Committed implements mill.Resumer: every input document with a smaller
// Seq, except those the sink will still take, is already committed.
func (s *Sink) Committed() (uint64, error) { return s.m.Committed, nil }

// start resolves what depends on the other components (the tokenizer's
// end-of-text id and vocabulary) when the first document arrives.
func (s *Sink) start() error {
	s.started = true
	tt := s.opt.TokenType
	if tt == "auto" {
		tt = "int32"
		if v, err := strconv.Atoi(s.props.Get("tokenizer.vocab_size")); err == nil && v > 0 &&
			v <= 1<<16 {
			tt = "uint16"
		}
	}
	if s.m.TokenType != "" {
		tt = s.m.TokenType // a resumed run keeps the type its shards have
	}
	s.tokType = tt
	s.m.TokenType = tt
	schema, err := schemaFor(s.opt.Layout, tt)
	if err != nil {
		return err
	}
	s.schema = schema
	s.eot = s.opt.EOT
	if s.eot < 0 {
		if v, err := strconv.ParseInt(s.props.Get("tokenizer.eot"), 10, 32); err == nil {
			s.eot = int32(v)
		}
	}
	s.pad = s.opt.Pad
	if s.pad < 0 {
		s.pad = s.eot
	}
	if s.opt.Layout == LayoutPacked {
		if s.eot < 0 {
			return errors.New("the packed layout needs the end-of-text id: put a tokenize " +
				"stage before the shard sink or set its eot option")
		}
		s.m.SeqLen = s.opt.SeqLen
		pad := s.pad
		s.m.PadID = &pad
	}
	return nil
}

// Write implements mill.Sink.
func (s *Sink) Write(_ context.Context, d *mill.Document) error {
	if !s.started {
		if err := s.start(); err != nil {
			return err
		}
	}
	s.current = d.Seq
	defer func() { s.current = 0 }()
	if d.Seq < s.prevRecv && !s.prevPend[d.Seq] {
		// Written by the interrupted run after its committed prefix.
		return s.finishReplays(d.Seq)
	}
	sw := s.splits[0]
	if len(s.splits) > 1 && IsValidation(d.ID, s.opt.Validation) {
		sw = s.splits[1]
	}
	// d counts as received, and as pending until a split writer holds it.
	if d.Seq+1 > s.received {
		s.received = d.Seq + 1
	}
	s.inflight = d
	err := sw.add(d)
	s.inflight = nil
	if err != nil {
		return fmt.Errorf("shard %s: %w", sw.shardName(), err)
	}
	return s.finishReplays(d.Seq)
}

// finishReplays writes the rest of each window that the interrupted run
// was writing, once the input reaches the point where that run flushed it,
// so that the resumed output is the uninterrupted one.
func (s *Sink) finishReplays(seq uint64) error {
	for _, sw := range s.splits {
		if sw.replay != nil && seq >= sw.flushAt {
			if err := sw.finishReplay(); err != nil {
				return fmt.Errorf("shard %s: %w", sw.shardName(), err)
			}
		}
	}
	return nil
}

// IsValidation reports whether the document id falls into the validation
// share: the first 8 bytes of SHA-256("tokenmill/split\x00"+id), read as a
// fraction of 2^64, are below share. The choice depends on the id alone.
func IsValidation(id string, share float64) bool {
	if share <= 0 {
		return false
	}
	sum := sha256.Sum256([]byte("tokenmill/split\x00" + id))
	h := binary.BigEndian.Uint64(sum[:8])
	return float64(h) < share*math.Exp2(64)
}

// committedShard is called by a split writer after a shard is renamed into
// place: the entry joins the manifest, then the commits that this one
// causes in other splits (catchUp) run; the manifest is replaced once, after
// all of them, so that a crash keeps all or none of them and a resumed run
// repeats the same commits.
func (s *Sink) committedShard(e Entry, then func() error) error {
	s.m.Shards = append(s.m.Shards, e)
	s.written++
	s.log.Info("shard committed", "shard", e.File, "rows", e.Rows, "tokens", e.Tokens,
		"bytes", e.Bytes)
	s.commitDepth++
	err := then()
	s.commitDepth--
	if err != nil || s.commitDepth > 0 {
		return err
	}
	return s.saveManifest()
}

// catchUp commits the open shard of every other split that still holds a
// document older than the oldest one of the shard just committed by from.
// Without it a small split (validation) would hold the committed prefix
// back for a long time, and a resumed run would redo all the work since.
// Small splits therefore get smaller shards, and their shuffle windows may
// be cut short.
func (s *Sink) catchUp(from *splitWriter, oldest uint64) error {
	for _, sw := range s.splits {
		if sw == from || sw.flushing {
			continue
		}
		if len(sw.window) > 0 && sw.window[0].Seq < oldest {
			// Its shuffle window is older too: write it out early.
			if err := sw.flushWindow(); err != nil {
				return err
			}
		}
		if sw.fw != nil && sw.oldestOpen() < oldest {
			if err := sw.commit(); err != nil {
				return err
			}
		}
	}
	return nil
}

// saveManifest records the commit point: which input documents have their
// outcome committed, and the split writers' state.
func (s *Sink) saveManifest() error {
	var pending []uint64
	for _, sw := range s.splits {
		pending = sw.pending(pending)
	}
	if s.inflight != nil {
		pending = append(pending, s.inflight.Seq)
	}
	recv := max(s.received, s.prevRecv)
	for _, p := range s.prevPendSl {
		if p >= s.received {
			// Pending in the run resumed from and not seen again yet.
			pending = append(pending, p)
		}
	}
	slices.Sort(pending)
	pending = slices.Compact(pending)
	committed := recv
	if len(pending) > 0 {
		committed = min(committed, pending[0])
	}
	s.m.Received, s.m.Committed, s.m.Pending = recv, committed, pending
	s.m.State = map[string]*SplitState{}
	for _, sw := range s.splits {
		s.m.State[sw.name] = sw.state()
	}
	s.recordProps()
	return writeManifest(s.dir, s.m)
}

// recordProps copies the tokenizer's facts into the manifest.
func (s *Sink) recordProps() {
	all := s.props.All()
	if len(all) > 0 {
		s.m.Props = all
	}
	s.m.Encoding = s.props.Get("tokenizer.encoding")
	if s.m.Encoding == "" {
		s.m.Encoding = s.opt.Encoding
	}
	eot := s.eot
	if !s.started || eot < 0 {
		eot = s.opt.EOT
		if v, err := strconv.ParseInt(s.props.Get("tokenizer.eot"), 10, 32); err == nil {
			eot = int32(v)
		}
	}
	s.m.EOT = nil
	if eot >= 0 {
		s.m.EOT = &eot
	}
}

// Close implements mill.Sink: it writes what is buffered, gives every shard
// its final name and writes the Hugging Face metadata. A run that wrote
// nothing new leaves a resumed directory as it was.
func (s *Sink) Close(context.Context) error {
	if s.closed {
		return nil
	}
	s.closed = true
	s.current = math.MaxUint64 // windows flushed from here flush at Close
	if !s.started {
		// Nothing arrived; the packed layout may not know its end-of-text
		// id then, which does not matter for an empty split.
		if err := s.start(); err != nil && s.opt.Layout != LayoutPacked {
			return err
		}
	}
	var errs []error
	for _, sw := range s.splits {
		if err := sw.finish(); err != nil {
			errs = append(errs, fmt.Errorf("split %q: %w", sw.name, err))
		}
	}
	for _, sw := range s.splits {
		sw.release()
	}
	if err := errors.Join(errs...); err != nil {
		return err
	}
	if err := s.saveManifest(); err != nil {
		return err
	}
	return s.finalize()
}

// fixUTF8 replaces invalid UTF-8 in a document's strings with U+FFFD:
// Arrow string columns must hold valid UTF-8, and readers such as polars
// refuse a shard that does not. Each fixed document is counted and logged.
func (s *Sink) fixUTF8(d *mill.Document) {
	if utf8.ValidString(d.Text) && utf8.ValidString(d.ID) && utf8.ValidString(d.Source) &&
		utf8.ValidString(d.URL) {
		return
	}
	d.Text = strings.ToValidUTF8(d.Text, "\uFFFD")
	d.ID = strings.ToValidUTF8(d.ID, "\uFFFD")
	d.Source = strings.ToValidUTF8(d.Source, "\uFFFD")
	d.URL = strings.ToValidUTF8(d.URL, "\uFFFD")
	s.fixedUTF8++
	if s.fixedUTF8 <= 10 {
		s.log.Warn("document has invalid UTF-8; replaced it with U+FFFD", "doc", d.ID)
	}
}

// Summary implements mill.Summarizer.
func (s *Sink) Summary() map[string]int64 {
	t := s.m.Totals("")
	out := map[string]int64{"shards": int64(len(s.m.Shards)), "rows": t.Rows,
		"tokens": t.Tokens, "shard_bytes": t.Bytes}
	if s.skipped > 0 {
		out["skipped_no_tokens"] = s.skipped
	}
	if s.fixedUTF8 > 0 {
		out["invalid_utf8_replaced"] = s.fixedUTF8
	}
	if s.tooLarge > 0 {
		out["skipped_too_large"] = s.tooLarge
	}
	return out
}

// Dir returns the output directory, resolved against the base directory.
func (s *Sink) Dir() string { return s.dir }
