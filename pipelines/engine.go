package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// ErrInterrupted is returned by Run when the run was stopped by its context
// (SIGINT or SIGTERM on the command line) after committing what was in
// flight.
var ErrInterrupted = errors.New("interrupted")

// NamedSource is a source with the name shown in logs and the summary.
type NamedSource struct {
	Name   string
	Source mill.Source
}

// NamedStage is a processor with its name and worker count. Workers above 1
// are only allowed for processors whose spec is Parallel.
type NamedStage struct {
	Name    string
	Proc    mill.Processor
	Workers int
	// Stateful stages see replayed documents when a run resumes; stateless
	// ones after the last stateful stage skip them.
	Stateful bool
}

// NamedSink is a sink with its name.
type NamedSink struct {
	Name string
	Sink mill.Sink
}

// Engine runs documents from sources through stages into a sink over
// bounded channels. Build one with its fields set and call Run once.
type Engine struct {
	Sources []NamedSource
	Stages  []NamedStage
	Sink    NamedSink
	// Buffer is the capacity of each channel between stages, in batches of
	// up to 64 documents or 1 MiB of text (default 4). With W workers a
	// parallel stage holds up to 3W more batches in flight.
	Buffer int
	Logger *slog.Logger
	// Progress, when set, is called about every 200ms with the documents and
	// bytes read so far.
	Progress func(docs, bytes int64, elapsed time.Duration)

	counters []*Counters
	replayed atomic.Int64
}

// Run executes the pipeline. Cancelling ctx stops the sources from reading
// new input; everything already read is processed and committed by the sink,
// and Run returns ErrInterrupted. A sink error, or a source error other than
// cancellation, aborts the run and is returned after the sink has committed
// what it holds.
func (e *Engine) Run(ctx context.Context) (*Summary, error) {
	start := time.Now()
	log := e.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	buf := e.Buffer
	if buf <= 0 {
		buf = 4
	}

	// abortCtx ends everything on a fatal error; readCtx also ends on the
	// caller's cancellation, which stages and sink never see.
	abortCtx, abort := context.WithCancelCause(context.WithoutCancel(ctx))
	defer abort(nil)
	readCtx, stopRead := context.WithCancel(ctx)
	defer stopRead()
	defer context.AfterFunc(abortCtx, stopRead)()

	var committed uint64
	if r, ok := e.Sink.Sink.(mill.Resumer); ok {
		n, err := r.Committed()
		if err != nil {
			return nil, fmt.Errorf("%s: reading what a previous run committed: %w", e.Sink.Name, err)
		}
		committed = n
		if n > 0 {
			log.Info("resuming", "stage", e.Sink.Name, "committed_docs", n)
		}
	}

	srcC := newCounters("read", "source")
	e.counters = []*Counters{srcC}
	lastStateful := -1
	for i, st := range e.Stages {
		if st.Stateful {
			lastStateful = i
		}
	}

	// Sources, one after another, in order.
	head := make(chan batch, buf)
	var interrupted atomic.Bool
	var wg sync.WaitGroup
	var srcErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(head)
		em := &emitter{ctx: readCtx, out: head, counters: srcC, log: log, committed: committed,
			replayed: &e.replayed, maxDocs: batchDocs, maxBytes: batchBytes}
		// Whatever is batched when the sources end, or stop, still goes on:
		// those documents were read and their outcome must be committed.
		defer em.flush()
		for _, s := range e.Sources {
			em.name = s.Name
			err := s.Source.Read(readCtx, em)
			if err == nil {
				continue
			}
			if readCtx.Err() != nil && abortCtx.Err() == nil {
				interrupted.Store(true)
				return
			}
			if abortCtx.Err() == nil {
				srcErr = fmt.Errorf("source %s: %w", s.Name, err)
				abort(srcErr)
			}
			return
		}
	}()

	// Stages.
	var stageErr error
	var stageErrOnce sync.Once
	ch := head
	for i, st := range e.Stages {
		c := newCounters(st.Name, "stage")
		e.counters = append(e.counters, c)
		out := make(chan batch, buf)
		r := &stageRunner{st: st, c: c, log: log.With("stage", st.Name),
			skipReplay: i > lastStateful, fail: func(err error) {
				stageErrOnce.Do(func() { stageErr = err; abort(err) })
			}}
		wg.Add(1)
		go func(in <-chan batch) {
			defer wg.Done()
			defer close(out)
			r.run(abortCtx, in, out)
		}(ch)
		ch = out
	}

	// Sink.
	sinkC := newCounters(e.Sink.Name, "sink")
	e.counters = append(e.counters, sinkC)
	var sinkErr error
	done := make(chan struct{})
	go func() {
		defer close(done)
		for b := range ch {
			if sinkErr != nil {
				continue // drain so upstream can finish
			}
			t0 := time.Now()
			for _, d := range b {
				if d.Replay || d.Seq < committed {
					continue
				}
				sinkC.addIn(d.Size())
				if err := e.Sink.Sink.Write(abortCtx, d); err != nil {
					sinkErr = fmt.Errorf("%s: writing document %s: %w", e.Sink.Name, d.ID, err)
					abort(sinkErr)
					stopRead()
					break
				}
				sinkC.addOut(d.Size())
			}
			sinkC.addBusy(time.Since(t0))
		}
	}()

	stopProgress := e.startProgress(srcC, start)
	<-done
	wg.Wait()
	stopProgress()

	t0 := time.Now()
	closeErr := e.Sink.Sink.Close(context.WithoutCancel(ctx))
	sinkC.addBusy(time.Since(t0))

	sum := e.summary(time.Since(start))
	switch {
	case stageErr != nil:
		return sum, errors.Join(stageErr, closeErr)
	case sinkErr != nil:
		return sum, sinkErr
	case srcErr != nil:
		return sum, errors.Join(srcErr, closeErr)
	case closeErr != nil:
		return sum, fmt.Errorf("%s: committing output: %w", e.Sink.Name, closeErr)
	case interrupted.Load():
		sum.Interrupted = true
		return sum, ErrInterrupted
	}
	return sum, nil
}

func (e *Engine) startProgress(src *Counters, start time.Time) func() {
	if e.Progress == nil {
		return func() {}
	}
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-stop:
				e.Progress(src.out.Load(), src.bytesOut.Load(), time.Since(start))
				return
			case <-t.C:
				e.Progress(src.out.Load(), src.bytesOut.Load(), time.Since(start))
			}
		}
	}()
	return func() { close(stop); wg.Wait() }
}

func (e *Engine) summary(elapsed time.Duration) *Summary {
	s := &Summary{Elapsed: elapsed, Replayed: e.replayed.Load()}
	comps := []any{nil}
	for _, st := range e.Stages {
		comps = append(comps, st.Proc)
	}
	comps = append(comps, e.Sink.Sink)
	for i, c := range e.counters {
		st := c.snapshot()
		if i < len(comps) {
			if sm, ok := comps[i].(mill.Summarizer); ok {
				st.Extra = sm.Summary()
			}
		}
		s.Stages = append(s.Stages, st)
	}
	return s
}

// Documents travel between stages in batches, which keeps the cost of
// channel hand-offs per document small. A batch is cut after batchDocs
// documents or batchBytes of text, whichever comes first, and when the source
// has been slow (batchWait), so that a crawl's documents do not wait long.
const (
	batchDocs  = 64
	batchBytes = 1 << 20
	batchWait  = 100 * time.Millisecond
)

// batch is a run of documents in input order.
type batch []*mill.Document

// emitter is the mill.Emitter the engine hands to sources.
type emitter struct {
	ctx       context.Context
	out       chan<- batch
	counters  *Counters
	log       *slog.Logger
	name      string
	seq       uint64
	committed uint64
	replayed  *atomic.Int64

	maxDocs    int
	maxBytes   int64
	cur        batch
	curBytes   int64
	curStarted time.Time
}

func (em *emitter) Emit(d *mill.Document) error {
	if err := em.ctx.Err(); err != nil {
		return err
	}
	d.Seq = em.seq
	d.Replay = d.Seq < em.committed
	em.seq++
	size := d.Size()
	if d.Replay {
		em.replayed.Add(1)
	} else {
		em.counters.addIn(size)
		em.counters.addOut(size)
	}
	if len(em.cur) == 0 {
		em.curStarted = time.Now()
	}
	em.cur = append(em.cur, d)
	em.curBytes += size
	if len(em.cur) >= em.maxDocs || em.curBytes >= em.maxBytes ||
		time.Since(em.curStarted) >= batchWait {
		return em.flush()
	}
	return nil
}

// flush hands the current batch downstream. It blocks until downstream
// takes it, also after an interruption: its documents were counted as read,
// so they must be processed and committed. Downstream always drains, even
// after a fatal error, so the send cannot block forever.
func (em *emitter) flush() error {
	if len(em.cur) > 0 {
		em.out <- em.cur
		em.cur, em.curBytes = nil, 0
	}
	return nil
}

func (em *emitter) Skip(reason string, err error) {
	em.counters.in.Add(1)
	n := em.counters.drop(reason)
	logLimited(em.log, n, "skipping input record", "source", em.name, "reason", reason, "err", err)
}

// logLimited logs the first 10 occurrences of a warning, then every 1000th,
// so that a corrupt file cannot flood the log.
func logLimited(log *slog.Logger, n int64, msg string, args ...any) {
	if n <= 10 || n%1000 == 0 {
		if n == 10 {
			args = append(args, "note", "further occurrences are logged every 1000th")
		}
		log.Warn(msg, args...)
	}
}
