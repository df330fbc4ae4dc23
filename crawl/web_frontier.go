package crawl

import (
	"net/url"
	"time"
)

type taskKind uint8

const (
	kindPage taskKind = iota
	kindSitemap
)

// task is one URL in the frontier. Seq is its discovery rank: the crawl
// emits results in Seq order.
type task struct {
	Seq     uint64
	URL     string
	Depth   int
	Kind    taskKind
	Attempt int
	// Hops counts the redirects that led here; Seed marks seeds and the
	// targets of their redirects.
	Hops int
	Seed bool
	u    *url.URL
	host *hostQueue
}

// hostQueue is the part of the frontier for one host, in Seq order, with
// the host's politeness state.
type hostQueue struct {
	name   string
	queue  []*task
	active int
	next   time.Time     // no request before this time
	delay  time.Duration // between requests: max(delay, Crawl-delay)
	pages  int           // URLs enqueued for this host
	robots bool          // delay already raised by robots.txt
}

// frontier holds the URLs still to fetch, per host, and picks the next one
// whose host may be contacted now.
type frontier struct {
	hosts    map[string]*hostQueue
	order    []*hostQueue // for deterministic scans
	queued   int
	parallel int           // per-host parallelism without delay
	delay    time.Duration // configured per-host delay
}

func newFrontier(parallel int, delay time.Duration) *frontier {
	return &frontier{hosts: map[string]*hostQueue{}, parallel: parallel, delay: delay}
}

func (f *frontier) host(name string) *hostQueue {
	h := f.hosts[name]
	if h == nil {
		h = &hostQueue{name: name, delay: f.delay}
		f.hosts[name] = h
		f.order = append(f.order, h)
	}
	return h
}

func (f *frontier) push(t *task) {
	t.host.queue = append(t.host.queue, t)
	f.queued++
}

// pushFront puts a task back for a retry; its Seq is below every queued
// one of its host, so the queue stays in order.
func (f *frontier) pushFront(t *task) {
	h := t.host
	h.queue = append(h.queue, nil)
	copy(h.queue[1:], h.queue)
	h.queue[0] = t
	f.queued++
}

func (h *hostQueue) limit(parallel int) int {
	if h.delay > 0 {
		return 1
	}
	return parallel
}

// pop returns the queued task with the lowest Seq below maxSeq whose host
// is free now, or nil and the earliest time one may become free (zero when
// only a finishing request can free one).
func (f *frontier) pop(now time.Time, maxSeq uint64) (*task, time.Time) {
	var best *hostQueue
	var wake time.Time
	for _, h := range f.order {
		if len(h.queue) == 0 || h.active >= h.limit(f.parallel) || h.queue[0].Seq >= maxSeq {
			continue
		}
		if now.Before(h.next) {
			if wake.IsZero() || h.next.Before(wake) {
				wake = h.next
			}
			continue
		}
		if best == nil || h.queue[0].Seq < best.queue[0].Seq {
			best = h
		}
	}
	if best == nil {
		return nil, wake
	}
	t := best.queue[0]
	best.queue[0] = nil
	best.queue = best.queue[1:]
	best.active++
	f.queued--
	return t, time.Time{}
}

// finish records the end of a request to h: the next may start after the
// host's delay, or after wait when the server asked for a pause.
func (f *frontier) finish(h *hostQueue, now time.Time, wait time.Duration) {
	h.active--
	next := now.Add(h.delay)
	if w := now.Add(wait); w.After(next) {
		next = w
	}
	if next.After(h.next) {
		h.next = next
	}
}
