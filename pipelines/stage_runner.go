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

func (r *stageRunner) run(ctx context.Context, in <-chan *mill.Document, out chan<- *mill.Document) {
	if r.st.Workers <= 1 {
		for d := range in {
			if r.process(ctx, d) {
				if !send(ctx, out, d) {
					drain(in)
					return
				}
			}
		}
		return
	}
	r.runParallel(ctx, in, out)
}

// runParallel hands documents to workers and emits results in input order.
// The pending queue bounds how many documents are in flight.
func (r *stageRunner) runParallel(ctx context.Context, in <-chan *mill.Document,
	out chan<- *mill.Document) {
	type job struct {
		d    *mill.Document
		done chan bool
	}
	n := r.st.Workers
	jobs := make(chan job, n)
	pending := make(chan job, 4*n)
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				j.done <- r.process(ctx, j.d)
			}
		}()
	}
	go func() {
		for d := range in {
			j := job{d: d, done: make(chan bool, 1)}
			pending <- j
			jobs <- j
		}
		close(jobs)
		close(pending)
	}()
	ok := true
	for j := range pending {
		keep := <-j.done
		if keep && ok {
			ok = send(ctx, out, j.d)
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
	t0 := time.Now()
	err := r.call(ctx, d)
	r.c.addBusy(time.Since(t0))
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

func send(ctx context.Context, out chan<- *mill.Document, d *mill.Document) bool {
	select {
	case out <- d:
		return true
	case <-ctx.Done():
		return false
	}
}

func drain(in <-chan *mill.Document) {
	for range in {
	}
}
