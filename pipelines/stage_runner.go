package pipelines

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"sync"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// stageRunner drives one processor: sequentially, or on several workers
// with input order restored.
type stageRunner struct {
	st         NamedStage
	c          *Counters
	log        *slog.Logger
	skipReplay bool
	// fail stops the run with a processor's FatalError.
	fail func(error)
}

func (r *stageRunner) run(ctx context.Context, in <-chan batch, out chan<- batch) {
	if r.st.Workers <= 1 {
		for b := range in {
			b, fatal := r.processBatch(ctx, b)
			if len(b) > 0 && !send(ctx, out, b) || fatal {
				drain(in)
				return
			}
		}
		return
	}
	r.runParallel(ctx, in, out)
}

// processBatch runs the processor over b and returns the documents that go
// on, reusing b's array. After a fatal error it returns only the documents
// before the one that failed, and fatal is true: nothing after it may reach
// the sink, so that what is committed stays a prefix of the input and a
// resumed run loses nothing.
func (r *stageRunner) processBatch(ctx context.Context, b batch) (kept batch, fatal bool) {
	t0 := time.Now()
	kept = b[:0]
	for _, d := range b {
		keep, stop := r.process(ctx, d)
		if stop {
			fatal = true
			break
		}
		if keep {
			kept = append(kept, d)
		}
	}
	r.c.addBusy(time.Since(t0))
	return kept, fatal
}

// runParallel hands batches to workers and emits results in input order.
// The pending queue bounds how many batches are in flight.
func (r *stageRunner) runParallel(ctx context.Context, in <-chan batch, out chan<- batch) {
	type result struct {
		kept  batch
		fatal bool
	}
	type job struct {
		b    batch
		done chan result
	}
	n := r.st.Workers
	jobs := make(chan job, n)
	pending := make(chan job, 2*n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				kept, fatal := r.processBatch(ctx, j.b)
				j.done <- result{kept, fatal}
			}
		}()
	}
	go func() {
		for b := range in {
			j := job{b: b, done: make(chan result, 1)}
			pending <- j
			jobs <- j
		}
		close(jobs)
		close(pending)
	}()
	ok := true
	for j := range pending {
		res := <-j.done
		if ok && len(res.kept) > 0 {
			ok = send(ctx, out, res.kept)
		}
		ok = ok && !res.fatal
	}
	wg.Wait()
}

// process runs the processor on d and reports whether d goes on, or
// whether the processor stopped the run. A panic is recovered into a counted
// drop so one bad document cannot end a run.
func (r *stageRunner) process(ctx context.Context, d *mill.Document) (keep, stop bool) {
	if d.Replay && r.skipReplay {
		return true, false
	}
	if !d.Replay {
		r.c.addIn(d.Size())
	}
	err := r.call(ctx, d)
	var fatal *mill.FatalError
	if errors.As(err, &fatal) {
		r.fail(fmt.Errorf("%s: document %s: %w", r.st.Name, d.ID, fatal.Err))
		return false, true
	}
	if d.Replay {
		return err == nil, false
	}
	if err == nil {
		r.c.addOut(d.Size())
		return true, false
	}
	reason := mill.DropReason(err)
	if reason != "" {
		r.c.drop(reason)
		return false, false
	}
	reason = "error"
	if _, isPanic := err.(panicError); isPanic {
		reason = "panic"
	}
	n := r.c.drop(reason)
	logLimited(r.log, n, "skipping document", "doc", d.ID, "url", d.URL, "err", err)
	return false, false
}

type panicError struct{ msg string }

func (p panicError) Error() string { return p.msg }

func (r *stageRunner) call(ctx context.Context, d *mill.Document) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = panicError{fmt.Sprintf("panic: %v\n%s", v, debug.Stack())}
		}
	}()
	return r.st.Proc.Process(ctx, d)
}

func send(ctx context.Context, out chan<- batch, b batch) bool {
	select {
	case out <- b:
		return true
	case <-ctx.Done():
		return false
	}
}

func drain(in <-chan batch) {
	for range in {
	}
}
