package crawl

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// worker fetches and processes tasks, one at a time.
type worker struct {
	s      *WebSource
	ctx    context.Context
	f      *fetcher
	robots *robotsCache
	warc   *WARCWriter
	// robotsMode lets robots.txt redirects leave the scope (RFC 9309).
	robotsMode bool
}

// fetchRobots fetches a robots.txt for the robots cache.
func (w *worker) fetchRobots(u string) (int, []byte, error) {
	w.robotsMode = true
	ex, err := w.f.get(u, "text/plain,*/*;q=0.5")
	w.robotsMode = false
	w.warc.record(ex, w.s.log)
	w.s.robotsFiles.Add(1)
	for _, e := range ex {
		w.s.statsAdd(int64(len(e.Raw)))
	}
	if len(ex) == 0 {
		return 0, nil, err
	}
	last := ex[len(ex)-1]
	return last.Status, last.Body, err
}

// redirectOK lets the HTTP client follow redirects of robots.txt only
// (RFC 9309); a page's redirect comes back as its response and the target
// goes through the frontier.
func (w *worker) redirectOK(req *http.Request) error {
	if w.robotsMode {
		return nil
	}
	return http.ErrUseLastResponse
}

func (w *worker) fetch(t *task) *result {
	cfg := w.s.cfg
	r := &result{Seq: t.Seq, URL: t.URL, task: t}
	if cfg.RespectRobots {
		rules, fetched := w.robots.get(t.u, w.fetchRobots)
		r.robotsSeen, r.robotDelay, r.Sitemaps = true, rules.delay, rules.sitemaps
		if t.Kind == kindSitemap {
			r.Sitemaps = nil
		}
		if !rules.allowed(t.u) {
			r.Reason = "robots_disallowed"
			r.Msg = t.URL + ": not fetched because of robots.txt"
			if rules.denyAll {
				// RFC 9309: an unreachable robots.txt means disallow all. The
				// page waits and tries again, like after a 5xx, before it is
				// given up.
				r.Reason = "robots_unavailable"
				if rules.err != nil {
					r.Reason = fetchErrorReason(rules.err)
					r.Msg = fmt.Sprintf("%s: robots.txt: %v", t.URL, rules.err)
				}
				if r.Reason != "blocked_address" {
					if wait, ok := w.backoff(t, &exchange{Header: http.Header{}}); ok {
						r.retryWait = wait
					}
				}
			}
			return r
		}
		if fetched {
			// robots.txt was a request to this host too: keep the pause.
			if d := max(cfg.Delay, min(rules.delay, cfg.MaxCrawlDelay)); d > 0 {
				if !sleepCtx(w.ctx, d) {
					r.abandoned = true
					return r
				}
			}
		}
	}
	accept := "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.1"
	if t.Kind == kindSitemap {
		accept = "application/xml,text/xml;q=0.9,*/*;q=0.5"
	}
	ex, err := w.f.get(t.URL, accept)
	w.warc.record(ex, w.s.log)
	for _, e := range ex {
		w.s.statsAdd(int64(len(e.Raw)))
	}
	if w.ctx.Err() != nil {
		r.abandoned = true
		return r
	}
	if err != nil {
		r.Reason, r.Msg = fetchErrorReason(err), fmt.Sprintf("%s: %v", t.URL, err)
		return r
	}
	if len(ex) == 0 {
		r.Reason, r.Msg = "fetch_error", t.URL+": no response"
		return r
	}
	last := ex[len(ex)-1]
	if last.Status == http.StatusTooManyRequests || last.Status >= 500 {
		if wait, ok := w.backoff(t, last); ok {
			r.retryWait = wait
			return r
		}
	}
	if loc := last.Header.Get("Location"); loc != "" && last.Status >= 300 && last.Status < 400 {
		r.Reason = "redirect"
		r.Msg = fmt.Sprintf("%s: HTTP %s to %s", t.URL, last.StatusLine, loc)
		if u, err := NormalizeURL(loc, t.u); err == nil {
			r.Redirect = u.String()
		} else {
			r.Reason = "bad_redirect"
		}
		return r
	}
	if last.Status < 200 || last.Status > 299 {
		r.Reason = "http_" + strconv.Itoa(last.Status)
		r.Msg = fmt.Sprintf("%s: HTTP %s", t.URL, last.StatusLine)
		return r
	}
	if t.Kind == kindSitemap {
		pages, nested, err := parseSitemap(last.Body)
		if err != nil {
			r.Reason, r.Msg = "bad_sitemap", fmt.Sprintf("%s: %v", t.URL, err)
		}
		r.Links, r.Sitemaps = pages, nested
		return r
	}
	pr := processPage(page{URL: t.URL, ContentType: last.Header.Get("Content-Type"),
		Body: last.Body}, &w.s.pageO)
	r.Links = pr.Links.URLs
	if pr.Doc == nil {
		r.Reason = pr.Reason
		if pr.Err != nil {
			r.Msg = pr.Err.Error()
		}
		return r
	}
	pr.Doc.SetMeta("fetched_at", last.Date.Format(time.RFC3339))
	r.Doc = pr.Doc
	return r
}

// backoff decides whether a 429 or 5xx response is retried and after how
// long: retry_base doubled per attempt, plus up to 50% jitter, or the
// server's Retry-After when longer.
func (w *worker) backoff(t *task, last *exchange) (time.Duration, bool) {
	cfg := w.s.cfg
	if t.Attempt >= cfg.MaxRetries {
		return 0, false
	}
	wait := cfg.RetryBase << t.Attempt
	wait += time.Duration(rand.Int64N(int64(wait)/2 + 1))
	if ra, ok := parseRetryAfter(last.Header.Get("Retry-After"), last.Date); ok && ra > wait {
		wait = ra
	}
	if wait > cfg.MaxRetryWait {
		return 0, false
	}
	return wait, true
}

// parseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func parseRetryAfter(v string, now time.Time) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0, false
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 0 {
		return time.Duration(n) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// fetchErrorReason names the drop reason for a failed fetch.
func fetchErrorReason(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, errTooLarge):
		return "too_large"
	case errors.Is(err, errBlockedAddress):
		return "blocked_address"
	case errors.Is(err, errTooManyRedirect):
		return "too_many_redirects"
	case errors.Is(err, errRedirectScope):
		return "redirect_out_of_scope"
	case errors.Is(err, errRedirectScheme):
		return "bad_redirect"
	case errors.Is(err, errBadEncoding):
		return "bad_encoding"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "fetch_error"
}

func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
