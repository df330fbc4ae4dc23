package crawl

import (
	"errors"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robotsRules is what the crawler keeps of one host's robots.txt.
type robotsRules struct {
	group *robotstxt.Group // nil: everything allowed
	// denyAll is set when robots.txt could not be fetched (5xx or a network
	// error): RFC 9309 asks crawlers to assume a complete disallow then.
	denyAll  bool
	err      error         // why robots.txt could not be fetched
	delay    time.Duration // Crawl-delay for our agent
	sitemaps []string
	fetched  time.Time
}

func (r *robotsRules) allowed(u *url.URL) bool {
	if r.denyAll {
		return false
	}
	if r.group == nil {
		return true
	}
	p := u.EscapedPath()
	if u.RawQuery != "" {
		p += "?" + u.RawQuery
	}
	return r.group.Test(p)
}

// robotsCache holds robots.txt rules per scheme and host, each for at most
// ttl (colly keeps them forever). Concurrent lookups of one host wait for a
// single fetch.
type robotsCache struct {
	ttl   time.Duration
	agent string

	mu      sync.Mutex
	entries map[string]*robotsEntry
}

type robotsEntry struct {
	ready chan struct{}
	rules *robotsRules
}

// robotsFetch fetches a robots.txt URL and returns the final status and body.
type robotsFetch func(robotsURL string) (status int, body []byte, err error)

func newRobotsCache(ttl time.Duration, agent string) *robotsCache {
	return &robotsCache{ttl: ttl, agent: agent, entries: map[string]*robotsEntry{}}
}

// get returns the rules for u's host, fetching robots.txt when it is not
// cached or has expired. fetched reports whether this call fetched it.
func (c *robotsCache) get(u *url.URL, fetch robotsFetch) (rules *robotsRules, fetched bool) {
	key := u.Scheme + "://" + u.Host
	c.mu.Lock()
	e := c.entries[key]
	if e != nil {
		select {
		case <-e.ready:
			// An unreachable robots.txt is asked for again at the next
			// request (a retry comes after a backoff).
			if e.rules.denyAll || time.Since(e.rules.fetched) > c.ttl {
				e = nil
			}
		default:
		}
	}
	if e != nil {
		c.mu.Unlock()
		<-e.ready
		return e.rules, false
	}
	e = &robotsEntry{ready: make(chan struct{})}
	c.entries[key] = e
	c.mu.Unlock()

	e.rules = c.load(key+"/robots.txt", fetch)
	close(e.ready)
	return e.rules, true
}

func (c *robotsCache) load(robotsURL string, fetch robotsFetch) *robotsRules {
	r := &robotsRules{fetched: time.Now()}
	status, body, err := fetch(robotsURL)
	switch {
	case err != nil && errors.Is(err, errTooLarge):
		// RFC 9309 lets a crawler parse only the first 500 KiB; the fetch
		// limit is larger, so a huge robots.txt means allow by default.
		return r
	case err != nil || status >= 500 || status == 429:
		r.denyAll, r.err = true, err
		return r
	case status >= 400:
		return r // no robots.txt: everything allowed
	}
	data, perr := robotstxt.FromStatusAndBytes(status, body)
	if perr != nil || data == nil {
		return r
	}
	r.group = data.FindGroup(c.agent)
	if r.group != nil {
		r.delay = r.group.CrawlDelay
	}
	r.sitemaps = data.Sitemaps
	return r
}
