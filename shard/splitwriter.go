package shard

import (
	"fmt"
	"math"
	"math/rand/v2"
	"path/filepath"
	"slices"

	"github.com/tokenmill/tokenmill/mill"
)

// maxDocBytes is the largest document (text, metadata and tokens) the sink
// writes: a record batch holding it stays under the 256 MiB message body
// limit of Arrow readers.
var maxDocBytes int64 = 200 << 20

// splitWriter writes the shards of one split: it shuffles documents within
// a window when asked, packs tokens for the packed layout, builds record
// batches and rotates shard files.
type splitWriter struct {
	s    *Sink
	name string // "" for the single unnamed split

	window   []*mill.Document // shuffle buffer
	windows  uint64           // windows flushed so far
	flushing bool             // inside writeWindow

	// replay holds the documents of a window that a resumed run must
	// finish writing, in replayOrder; nil values have not arrived yet.
	replay      map[uint64]*mill.Document
	replayOrder []uint64
	// flushAt is the Seq of the document whose arrival made the window
	// being written flush (MaxUint64: Close): a resumed run finishes the
	// window when that point comes again.
	flushAt uint64

	fw   *fileWriter
	bb   *batchBuilder
	open []uint64 // Seq of documents in the open shard
	next int      // index of the next shard

	pk packer
	// saved is the state as of the split's last commit: what a restart
	// continues from.
	saved SplitState
}

func newSplitWriter(s *Sink, name string) *splitWriter {
	sw := &splitWriter{s: s, name: name}
	if st := s.m.State[name]; st != nil {
		sw.windows = st.Windows
		sw.next = st.Next
		sw.pk.carry = append(sw.pk.carry, st.Carry...)
		sw.pk.starts = append(sw.pk.starts, st.CarryStarts...)
		if len(st.Flushing) > 0 {
			sw.flushAt = st.FlushAt
			sw.replayOrder = slices.Clone(st.Flushing)
			sw.replay = make(map[uint64]*mill.Document, len(st.Flushing))
			for _, seq := range st.Flushing {
				sw.replay[seq] = nil
			}
		}
	}
	sw.snapshot()
	return sw
}

// rel returns a path relative to the output directory for a file of the
// split.
func (sw *splitWriter) rel(name string) string {
	if sw.name == "" {
		return name
	}
	return sw.name + "/" + name
}

// shardName names the shard being written, for errors.
func (sw *splitWriter) shardName() string {
	return sw.rel(fmt.Sprintf("data-%05d.arrow", sw.next))
}

// add takes one document: into the shuffle window, or straight to a shard.
func (sw *splitWriter) add(d *mill.Document) error {
	if sw.s.opt.ShuffleWindow <= 0 {
		return sw.write(d)
	}
	if sw.replay != nil {
		if _, ok := sw.replay[d.Seq]; ok {
			sw.replay[d.Seq] = d
			sw.s.inflight = nil // held for the replayed window
			return nil          // Sink.Write finishes the replay in time
		}
		if err := sw.finishReplay(); err != nil {
			return err
		}
	}
	sw.window = append(sw.window, d)
	sw.s.inflight = nil // the window holds it now
	if len(sw.window) >= sw.s.opt.ShuffleWindow {
		return sw.flushWindow()
	}
	return nil
}

// flushWindow shuffles the window with a generator seeded by the seed and
// the window's number, then writes its documents. Documents stay in the
// window (and so count as pending) until each is written; a commit in the
// middle of the window records the order of those left, so that a resumed
// run writes them in the same order (see finishReplay).
func (sw *splitWriter) flushWindow() error {
	if len(sw.window) == 0 {
		return nil
	}
	rng := rand.New(rand.NewPCG(uint64(sw.s.opt.Seed), sw.windows^splitSalt(sw.name)))
	rng.Shuffle(len(sw.window), func(i, j int) {
		sw.window[i], sw.window[j] = sw.window[j], sw.window[i]
	})
	sw.windows++
	sw.flushAt = sw.s.current
	return sw.writeWindow()
}

// writeWindow writes the window's documents in their order.
func (sw *splitWriter) writeWindow() error {
	sw.flushing = true
	defer func() { sw.flushing = false }()
	for len(sw.window) > 0 {
		if err := sw.write(sw.window[0]); err != nil {
			return err
		}
		sw.window[0] = nil
		sw.window = sw.window[1:]
	}
	sw.window = nil
	return nil
}

// finishReplay writes the rest of the window that an interrupted run was
// writing when it last committed, in that run's order, once its documents
// have arrived again.
func (sw *splitWriter) finishReplay() error {
	var docs []*mill.Document
	for _, seq := range sw.replayOrder {
		if d := sw.replay[seq]; d != nil {
			docs = append(docs, d)
		}
	}
	sw.replay, sw.replayOrder = nil, nil
	sw.window = append(docs, sw.window...)
	return sw.writeWindow()
}

// splitSalt keeps the two splits' shuffles apart.
func splitSalt(name string) uint64 {
	var h uint64 = 1469598103934665603
	for i := 0; i < len(name); i++ {
		h = (h ^ uint64(name[i])) * 1099511628211
	}
	return h
}

// write appends one document to the open shard, first committing that
// shard if the document would take it past its size or row limit.
func (sw *splitWriter) write(d *mill.Document) error {
	opt := &sw.s.opt
	var meta string
	var size int64
	if opt.Layout == LayoutPacked {
		if len(d.Tokens) == 0 {
			sw.s.skipped++
			sw.s.log.Debug("document has no tokens; the packed layout skips it", "doc", d.ID)
			return nil
		}
		size = int64(len(d.Tokens)+1) * int64(sw.tokenBytes())
	} else {
		sw.s.fixUTF8(d)
		var err error
		if meta, err = metaJSON(d); err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		size = docSize(d, len(meta), sw.tokenBytes())
	}

	if size > maxDocBytes {
		// One row this large would make a record batch that Arrow readers
		// refuse by default (arrow-go and Arrow C++ cap message bodies at
		// 256 MiB), so the document is counted and skipped.
		sw.s.tooLarge++
		sw.s.log.Warn("document too large for one Arrow record batch; skipped", "doc", d.ID,
			"bytes", size)
		return nil
	}
	if sw.fw != nil {
		full := sw.fw.size+size > opt.MaxShardSize
		if opt.MaxShardRows > 0 {
			full = full || sw.fw.entry.Rows+int64(sw.bb.rows) >= opt.MaxShardRows
		}
		if full {
			if err := sw.commit(); err != nil {
				return err
			}
		}
	}
	if sw.fw == nil {
		if err := sw.create(); err != nil {
			return err
		}
	}

	if opt.Layout == LayoutPacked {
		if err := sw.pack(d); err != nil {
			return err
		}
	} else {
		if sw.bb.rows == 0 {
			sw.bb.reserve(min(opt.BatchSize, opt.MaxShardSize-sw.fw.size))
		}
		if err := sw.bb.appendDoc(d, meta, size); err != nil {
			return fmt.Errorf("document %s: %w", d.ID, err)
		}
		sw.fw.entry.Docs++
		sw.fw.entry.Tokens += int64(len(d.Tokens))
		sw.fw.entry.TextBytes += int64(len(d.Text))
	}
	sw.fw.size += size
	sw.open = append(sw.open, d.Seq)
	sw.s.inflight = nil
	if sw.bb.bytes >= opt.BatchSize {
		return sw.flushBatch()
	}
	return nil
}

func (sw *splitWriter) tokenBytes() int {
	if sw.s.tokType == "uint16" {
		return 2
	}
	return 4
}

// pack feeds a document's tokens to the packer and appends the windows it
// completes.
func (sw *splitWriter) pack(d *mill.Document) error {
	toks := d.Tokens
	addEOT := toks[len(toks)-1] != sw.s.eot
	sw.fw.entry.TextBytes += int64(len(d.Text))
	return sw.pk.feed(toks, addEOT, sw.s.eot, sw.s.opt.SeqLen+1, sw.appendWindow)
}

func (sw *splitWriter) appendWindow(ids, starts []int32, pad int32) error {
	if err := sw.bb.appendWindow(ids, starts, pad); err != nil {
		return err
	}
	sw.fw.entry.Tokens += int64(int32(len(ids)) - pad)
	sw.fw.entry.Docs += int64(len(starts))
	sw.fw.entry.Padding += int64(pad)
	return nil
}

// create opens the next shard file.
func (sw *splitWriter) create() error {
	path := filepath.Join(sw.s.dir, filepath.FromSlash(sw.shardName()))
	if err := mkdirFor(path); err != nil {
		return err
	}
	fw, err := createFileWriter(path, sw.s.schema, sw.s.ipcOpts)
	if err != nil {
		return err
	}
	fw.entry = Entry{Split: sw.name, File: sw.shardName()}
	sw.fw = fw
	if sw.bb == nil {
		sw.bb = newBatchBuilder(sw.s.schema, sw.s.tokType)
	}
	return nil
}

// flushBatch writes the rows built so far to the open shard.
func (sw *splitWriter) flushBatch() error {
	rows := sw.bb.rows
	rec := sw.bb.take()
	if rec == nil {
		return nil
	}
	defer rec.Release()
	sw.fw.entry.Rows += int64(rows)
	return sw.fw.write(rec)
}

// commit ends the open shard, renames it into place and records it in the
// manifest.
func (sw *splitWriter) commit() error {
	if err := sw.flushBatch(); err != nil {
		return err
	}
	e, err := sw.fw.commit()
	sw.fw = nil
	if err != nil {
		return err
	}
	sw.next++
	oldest := sw.oldestOpen()
	sw.open = sw.open[:0]
	sw.snapshot()
	return sw.s.committedShard(e, func() error { return sw.s.catchUp(sw, oldest) })
}

// oldestOpen returns the smallest Seq in the open shard, or MaxUint64.
func (sw *splitWriter) oldestOpen() uint64 {
	return slices.Min(append(sw.open, math.MaxUint64))
}

// finish writes everything buffered: the shuffle window, the packer's last
// (padded) window and the open shard.
//
// Limitation: the padded window is final. When a run that was stopped
// (and so closed) is resumed with more documents, they start a new
// window, leaving one padded window in the middle of the split. A split that has no shard at all gets
// one empty shard so that readers see its schema.
func (sw *splitWriter) finish() error {
	if sw.replay != nil {
		if err := sw.finishReplay(); err != nil {
			return err
		}
	}
	if err := sw.flushWindow(); err != nil {
		return err
	}
	if len(sw.pk.carry) > 0 {
		if sw.fw == nil {
			if err := sw.create(); err != nil {
				return err
			}
		}
		if err := sw.pk.flush(sw.s.pad, sw.s.opt.SeqLen+1, sw.appendWindow); err != nil {
			return err
		}
	}
	if sw.fw == nil && !sw.hasShards() && sw.s.schema != nil {
		if err := sw.create(); err != nil {
			return err
		}
	}
	if sw.fw != nil {
		return sw.commit()
	}
	return nil
}

func (sw *splitWriter) hasShards() bool {
	for _, e := range sw.s.m.Shards {
		if e.Split == sw.name {
			return true
		}
	}
	return false
}

// pending appends the Seq of every document the split holds uncommitted.
func (sw *splitWriter) pending(dst []uint64) []uint64 {
	dst = append(dst, sw.open...)
	for _, d := range sw.window {
		dst = append(dst, d.Seq)
	}
	for seq, d := range sw.replay {
		if d != nil {
			dst = append(dst, seq)
		}
	}
	return dst
}

// snapshot records the split's state at a commit point.
func (sw *splitWriter) snapshot() {
	sw.saved = SplitState{Windows: sw.windows, Next: sw.next,
		Carry: append([]int32(nil), sw.pk.carry...), CarryStarts: append([]int32(nil),
			sw.pk.starts...)}
	if sw.flushing {
		// Committed in the middle of a window: remember the order of
		// the rest, which is pending, and when the window was flushed.
		for _, d := range sw.window {
			sw.saved.Flushing = append(sw.saved.Flushing, d.Seq)
		}
		sw.saved.FlushAt = sw.flushAt
	} else if sw.replay != nil {
		sw.saved.Flushing = slices.Clone(sw.replayOrder)
		sw.saved.FlushAt = sw.flushAt
	}
}

// state is what a restart needs to continue the split: its state at its
// last commit, since what came after is pending and will be written again.
func (sw *splitWriter) state() *SplitState {
	st := sw.saved
	return &st
}

// release frees the open shard and the batch builder.
func (sw *splitWriter) release() {
	if sw.fw != nil {
		sw.fw.abort()
		sw.fw = nil
	}
	if sw.bb != nil {
		sw.bb.release()
		sw.bb = nil
	}
}
