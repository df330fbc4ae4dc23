package pipelines

import (
	"context"
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
}

func (r *stageRunner) run(ctx context.Context, in <-chan batch, out chan<- batch) {
	if r.st.Workers <= 1 {
		for b := range in {
			if b = r.processBatch(ctx, b); len(b) > 0 && !send(ctx, out, b) {
				drain(in)
				return
			}
		}
		return
	}
	r.runParallel(ctx, in, out)
}

// processBatch runs the processor over b and returns the documents that go
// on, reusing b's array.
func (r *stageRunner) processBatch(ctx context.Context, b batch) batch {
	t0 := time.Now()
	kept := b[:0]
	for _, d := range b {
		if r.process(ctx, d) {
			kept = append(kept, d)
		}
	}
	r.c.addBusy(time.Since(t0))
	return kept
}

// runParallel hands batches to workers and emits results in input order.
// The pending queue bounds how many batches are in flight.
func (r *stageRunner) runParallel(ctx context.Context, in <-chan batch, out chan<- batch) {
	type job struct {
		b    batch
		done chan batch
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
				j.done <- r.processBatch(ctx, j.b)
			}
		}()
	}
	go func() {
		for b := range in {
			j := job{b: b, done: make(chan batch, 1)}
			pending <- j
			jobs <- j
		}
		close(jobs)
		close(pending)
	}()
	ok := true
	for j := range pending {
		kept := <-j.done
		if ok && len(kept) > 0 {
			ok = send(ctx, out, kept)
		}
	}
	wg.Wait()
}

// process runs the processor on d and reports whether d goes on. A panic
// is recovered into a counted drop so one bad document cannot end a run.
func (r *stageRunner) process(ctx context.Context, d *mill.Document) (keep bool) {
	if d.Replay && r.skipReplay {
		return true
	}
	if !d.Replay {
		r.c.addIn(d.Size())
	}
	err := r.call(ctx, d)
	if d.Replay {
		return err == nil
	}
	if err == nil {
		r.c.addOut(d.Size())
		return true
	}
	reason := mill.DropReason(err)
	if reason != "" {
		r.c.drop(reason)
		return false
	}
	reason = "error"
	if _, isPanic := err.(panicError); isPanic {
		reason = "panic"
	}
	n := r.c.drop(reason)
	logLimited(r.log, n, "skipping document", "doc", d.ID, "url", d.URL, "err", err)
	return false
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
