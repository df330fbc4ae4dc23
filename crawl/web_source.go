package crawl

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/tokenmill/tokenmill/mill"
)

// WebSource crawls the web from seed URLs. See WebSpec for its options and
// the package documentation for its ordering guarantee.
type WebSource struct {
	cfg   *WebConfig
	log   *slog.Logger
	scope *scope
	seeds []*url.URL
	pageO pageOptions

	// Counters, filled while Read runs.
	fetches, bytes, retries, robotsFiles atomic.Int64
	linksSkipped                         map[string]int64
}

// WebStats counts what a crawl did besides its documents and drops.
type WebStats struct {
	Fetches      int64 // HTTP requests, redirects, retries and robots.txt included
	BytesFetched int64 // body bytes as transferred
	Retries      int64
	RobotsFiles  int64
	LinksSkipped map[string]int64 // discovered links not followed, by reason
}

// NewWebSource validates cfg and returns a crawler.
func NewWebSource(cfg *WebConfig, log *slog.Logger) (*WebSource, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if len(cfg.Seeds) == 0 {
		return nil, &mill.ValueError{Key: "urls", Msg: "the web source needs seed URLs (urls or seeds)"}
	}
	sc, err := newScope(cfg.Scope, cfg.AllowedDomains, cfg.Include, cfg.Exclude, cfg.SkipExtensions)
	if err != nil {
		return nil, &mill.ValueError{Key: "scope", Msg: err.Error()}
	}
	s := &WebSource{cfg: cfg, log: log, scope: sc, linksSkipped: map[string]int64{}}
	for _, raw := range cfg.Seeds {
		u, err := NormalizeURL(raw, nil)
		if err != nil {
			return nil, fmt.Errorf("seed URL %q: %w", raw, err)
		}
		s.seeds = append(s.seeds, u)
		sc.addSeed(u)
	}
	if cfg.MaxBodySize <= 0 {
		cfg.MaxBodySize = 10 << 20
	}
	if cfg.Concurrency <= 0 {
		cfg.Concurrency = 1
	}
	if cfg.Window <= 0 {
		cfg.Window = 1024
	}
	if cfg.Label == "" {
		cfg.Label = "web"
	}
	s.pageO = pageOptions{ContentTypes: cfg.ContentTypes, Label: cfg.Label,
		RobotToken: cfg.RobotToken, MaxLinks: cfg.MaxLinks, Links: true,
		RespectMeta: cfg.RespectRobots}
	return s, nil
}

// Stats returns the crawl's figures; call it after Read.
func (s *WebSource) Stats() WebStats {
	return WebStats{Fetches: s.fetches.Load(), BytesFetched: s.bytes.Load(),
		Retries: s.retries.Load(), RobotsFiles: s.robotsFiles.Load(),
		LinksSkipped: maps.Clone(s.linksSkipped)}
}

func (s *WebSource) statsAdd(n int64) {
	s.fetches.Add(1)
	s.bytes.Add(n)
}

// fingerprint names the settings that decide which URLs a crawl visits and
// in which order; a journal is only resumed under the same fingerprint.
func (s *WebSource) fingerprint() string {
	c := s.cfg
	parts := []string{strings.Join(c.Seeds, "\n"), c.Scope, strings.Join(c.AllowedDomains, ","),
		strings.Join(c.Include, "\n"), strings.Join(c.Exclude, "\n"),
		strings.Join(c.SkipExtensions, ","), strconv.Itoa(c.MaxDepth), strconv.Itoa(c.MaxPages),
		strconv.Itoa(c.MaxPagesHost), strconv.FormatBool(c.Sitemaps),
		strconv.FormatBool(c.RespectRobots), strconv.Itoa(c.MaxLinks)}
	sum := sha256.Sum256([]byte(strings.Join(parts, "\x00")))
	return hex.EncodeToString(sum[:8])
}

// crawl is the state of one Read: the frontier and the seen set, owned by
// the coordinating goroutine.
type crawl struct {
	s        *WebSource
	out      mill.Emitter
	front    *frontier
	seen     map[string]bool
	nextSeq  uint64
	commit   uint64
	done     map[uint64]*result
	tasks    map[uint64]*task
	sitemaps map[string]bool // hosts whose robots.txt sitemaps were added
	journal  *journal
	emitted  int64
	dropped  int64
	// pagesTotal counts page URLs enqueued, against max_pages.
	pagesTotal int
}

// Read crawls and emits one document per fetched page, or counts the page
// as a drop with a reason.
//
// Ordering: every URL gets a rank when it is discovered (seeds first, then
// the links and redirect targets of each page in the order the page lists
// them), fetches run concurrently, and results are emitted in rank order,
// which is breadth-first order. For the same responses the output is the
// same whatever the concurrency; fetching runs at most cfg.Window ranks
// ahead of the oldest result still missing.
//
// With a state directory Read first replays the journal of an earlier run:
// its documents are emitted again (the engine discards those the sink
// already committed) and only URLs without a result are fetched. When ctx
// ends, no new fetch starts, fetches in flight get a short grace period to
// finish and be journaled, and Read returns ctx.Err().
func (s *WebSource) Read(ctx context.Context, out mill.Emitter) error {
	c := &crawl{s: s, out: out, front: newFrontier(s.cfg.HostParallel, s.cfg.Delay),
		seen: map[string]bool{}, done: map[uint64]*result{}, tasks: map[uint64]*task{},
		sitemaps: map[string]bool{}}
	var replay []*result
	if s.cfg.StateDir != "" {
		j, prev, err := openJournal(s.cfg.StateDir, s.fingerprint())
		if err != nil {
			return err
		}
		c.journal, replay = j, prev
		defer j.close()
	}
	for _, r := range replay {
		c.done[r.Seq] = r
	}
	for _, u := range s.seeds {
		c.add(u, 0, kindPage, true)
	}
	if len(replay) > 0 {
		s.log.Info("resuming crawl", "state_dir", s.cfg.StateDir, "results", len(replay))
	}
	if err := c.commitReady(); err != nil {
		return err
	}
	err := c.run(ctx)
	st := s.Stats()
	args := []any{"documents", c.emitted, "dropped", c.dropped, "fetches", st.Fetches,
		"bytes", st.BytesFetched, "retries", st.Retries, "robots_files", st.RobotsFiles}
	for _, k := range sortedKeys(st.LinksSkipped) {
		args = append(args, "links_"+k, st.LinksSkipped[k])
	}
	s.log.Info("crawl finished", args...)
	return err
}

// add puts a URL in the frontier unless it was seen, is over a page
// limit, or (for discovered links) outside the scope.
func (c *crawl) add(u *url.URL, depth int, kind taskKind, seed bool) *task {
	key := u.String()
	if c.seen[key] {
		return nil
	}
	cfg := c.s.cfg
	if !seed {
		if ok, why := c.s.scope.follow(u); !ok {
			c.s.linksSkipped[why]++
			return nil
		}
	}
	h := c.front.host(u.Host)
	if kind == kindPage {
		if cfg.MaxPages > 0 && c.pagesTotal >= cfg.MaxPages {
			c.s.linksSkipped["max_pages"]++
			return nil
		}
		if cfg.MaxPagesHost > 0 && h.pages >= cfg.MaxPagesHost {
			c.s.linksSkipped["max_pages_per_host"]++
			return nil
		}
		h.pages++
		c.pagesTotal++
	}
	c.seen[key] = true
	t := &task{Seq: c.nextSeq, URL: key, Depth: depth, Kind: kind, Seed: seed, u: u, host: h}
	c.nextSeq++
	c.tasks[t.Seq] = t
	if c.done[t.Seq] == nil { // else a resumed crawl has its result already
		c.front.push(t)
	}
	return t
}

// addRedirect enqueues a redirect target with the depth and kind of the
// task that redirected, one hop further.
func (c *crawl) addRedirect(u *url.URL, from *task, seed bool) {
	if t := c.add(u, from.Depth, from.Kind, seed); t != nil {
		t.Hops = from.Hops + 1
	}
}

// commitReady commits results in Seq order as far as they are complete:
// each is emitted (or counted as a drop) and its links join the frontier.
func (c *crawl) commitReady() error {
	for {
		r := c.done[c.commit]
		if r == nil {
			return nil
		}
		delete(c.done, c.commit)
		t := c.tasks[c.commit]
		delete(c.tasks, c.commit)
		c.commit++
		if t == nil {
			// A journal line for a URL this configuration never reached
			// cannot occur with a matching fingerprint; ignore it.
			continue
		}
		if err := c.apply(t, r); err != nil {
			return err
		}
	}
}

func (c *crawl) apply(t *task, r *result) error {
	cfg := c.s.cfg
	base := t.u
	if r.Redirect != "" {
		// Redirects are followed through the frontier, not inline, so that
		// every URL is fetched once and the order stays deterministic.
		if t.Hops >= cfg.MaxRedirects {
			r.Reason = "too_many_redirects"
			r.Msg = fmt.Sprintf("%s: more than %d redirects", t.URL, cfg.MaxRedirects)
		} else if u, err := url.Parse(r.Redirect); err == nil {
			// A seed that moves within its registered domain (example.org to
			// www.example.org) takes the scope along; other redirects are
			// followed only inside the scope, like links.
			seed := t.Seed && registeredDomain(u.Hostname()) == registeredDomain(t.u.Hostname())
			if seed && !c.s.scope.hostAllowed(u.Hostname()) {
				c.s.scope.addSeed(u)
			}
			c.addRedirect(u, t, seed)
		}
	}
	if cfg.Sitemaps && !c.sitemaps[base.Host] && len(r.Sitemaps) > 0 && t.Kind == kindPage {
		c.sitemaps[base.Host] = true
		for _, sm := range r.Sitemaps {
			if u, err := NormalizeURL(sm, base); err == nil && c.s.scope.hostAllowed(u.Hostname()) {
				c.add(u, 0, kindSitemap, true)
			}
		}
	}
	if t.Kind == kindSitemap {
		for _, sm := range r.Sitemaps {
			if u, err := NormalizeURL(sm, base); err == nil && c.s.scope.hostAllowed(u.Hostname()) {
				c.add(u, 0, kindSitemap, true)
			}
		}
	}
	if t.Depth < cfg.MaxDepth || t.Kind == kindSitemap {
		depth := t.Depth + 1
		if t.Kind == kindSitemap {
			depth = 0
		}
		for _, l := range r.Links {
			u, err := url.Parse(l)
			if err != nil {
				continue
			}
			c.add(u, depth, kindPage, false)
		}
	}
	if t.Kind == kindSitemap && r.Reason == "" {
		return nil
	}
	if r.Doc != nil {
		c.emitted++
		return c.out.Emit(r.Doc)
	}
	// A resumed crawl reports the drops of the journal again, so that its
	// summary, like its output, covers the whole crawl.
	c.dropped++
	var err error
	if r.Msg != "" {
		err = errors.New(r.Msg)
	}
	c.out.Skip(r.Reason, err)
	return nil
}

// stopGrace is how long fetches in flight may finish after the crawl was
// asked to stop.
const stopGrace = 5 * time.Second

// run fetches the frontier with cfg.Concurrency workers until it is empty
// or ctx ends.
func (c *crawl) run(ctx context.Context) error {
	cfg := c.s.cfg
	// Fetches outlive ctx by a grace period, so that an interrupted crawl
	// journals the pages in flight instead of fetching them again later.
	fctx, cancelFetches := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelFetches()
	var grace *time.Timer
	stopFetches := func() {
		if grace == nil {
			grace = time.AfterFunc(stopGrace, cancelFetches)
		}
	}
	defer func() {
		if grace != nil {
			grace.Stop()
		}
	}()
	base := newBaseTransport(cfg)
	defer base.CloseIdleConnections()
	var warc *WARCWriter
	if cfg.WARCDir != "" {
		w, err := NewWARCWriter(cfg.WARCDir, cfg.WARCPrefix, cfg.WARCMaxSize, cfg.UserAgent)
		if err != nil {
			return err
		}
		warc = w
		defer w.Close()
	}
	robots := newRobotsCache(cfg.RobotsTTL, cfg.RobotToken)

	jobs := make(chan *task)
	results := make(chan *result, cfg.Concurrency)
	for range cfg.Concurrency {
		w := &worker{s: c.s, ctx: fctx, robots: robots, warc: warc}
		w.f = newFetcher(fctx, cfg, base, w.redirectOK)
		go func() {
			for t := range jobs {
				results <- w.fetch(t)
			}
		}()
	}
	defer close(jobs)

	inFlight := 0
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	stopping := false
	for {
		if err := c.commitReady(); err != nil {
			stopping = true
			stopFetches()
			c.drain(results, inFlight)
			return err
		}
		if ctx.Err() != nil && !stopping {
			stopping = true
			stopFetches()
		}
		var wake time.Time
		for !stopping && inFlight < cfg.Concurrency {
			t, w := c.front.pop(time.Now(), c.commit+uint64(cfg.Window))
			if t == nil {
				wake = w
				break
			}
			inFlight++
			jobs <- t
		}
		if inFlight == 0 && (stopping || c.front.queued == 0 || wake.IsZero()) {
			if stopping {
				return ctx.Err()
			}
			if c.front.queued > 0 {
				return fmt.Errorf("crawl stalled with %d queued URLs", c.front.queued)
			}
			return nil
		}
		done := ctx.Done()
		if stopping {
			done = nil
		}
		var tc <-chan time.Time
		if !wake.IsZero() && !stopping {
			timer.Reset(time.Until(wake))
			tc = timer.C
		}
		select {
		case r := <-results:
			inFlight--
			if err := c.receive(r); err != nil {
				stopping = true
				cancelFetches()
				c.drain(results, inFlight)
				return err
			}
		case <-tc:
		case <-done:
			stopping = true
			stopFetches()
		}
	}
}

func (c *crawl) drain(results <-chan *result, n int) {
	for ; n > 0; n-- {
		r := <-results
		if !r.abandoned && r.retryWait == 0 && c.journal != nil {
			c.journal.append(r)
		}
	}
}

// receive takes a worker's result: a retry goes back to the frontier, a
// final result is journaled and waits for its turn to commit.
func (c *crawl) receive(r *result) error {
	t := r.task
	now := time.Now()
	if r.robotsSeen && !t.host.robots {
		t.host.robots = true
		if d := min(r.robotDelay, c.s.cfg.MaxCrawlDelay); d > t.host.delay {
			t.host.delay = d
		}
	}
	c.front.finish(t.host, now, r.retryWait)
	if r.abandoned {
		c.front.pushFront(t)
		return nil
	}
	if r.retryWait > 0 {
		c.s.retries.Add(1)
		t.Attempt++
		c.front.pushFront(t)
		return nil
	}
	if c.journal != nil {
		if err := c.journal.append(r); err != nil {
			return err
		}
	}
	c.done[r.Seq] = r
	return nil
}

// sortedKeys lists a count map's keys, for stable log output.
func sortedKeys(m map[string]int64) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}
