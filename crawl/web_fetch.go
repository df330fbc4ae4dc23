package crawl

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"mime"
	"net"
	"net/http"
	"net/http/httptrace"
	"net/netip"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/gocolly/colly/v2"
)

// Fetch errors, each the cause of a counted drop (see dropReason).
var (
	errTooLarge        = errors.New("body larger than max_body_size")
	errBlockedAddress  = errors.New("address is loopback, private, link-local or multicast")
	errTooManyRedirect = errors.New("too many redirects")
	errRedirectScope   = errors.New("redirect leaves the crawl scope")
	errRedirectScheme  = errors.New("redirect to a non-http(s) URL")
	errBadEncoding     = errors.New("unsupported or corrupt Content-Encoding")
)

// exchange is one HTTP request and its response as they went over the wire,
// what the WARC writer records and the page processor reads.
type exchange struct {
	Method     string
	URL        string
	ReqHeader  http.Header
	Proto      string
	Status     int
	StatusLine string
	Header     http.Header
	// Raw is the body as transferred (still content-encoded); Body is it
	// decoded. Both are cut at the body limit when Truncated.
	Raw, Body []byte
	Truncated bool
	RemoteIP  string
	Date      time.Time
}

// blockedAddr reports whether the crawler refuses to connect to ip unless
// private networks are allowed.
func blockedAddr(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() ||
		ip.IsLinkLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() ||
		ip.IsInterfaceLocalMulticast() || cgnat.Contains(ip)
}

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// newBaseTransport returns the shared HTTP transport. The address check
// runs in the dialer's Control hook, on the address actually connected to
// after DNS resolution, so a host name that resolves to 127.0.0.1 cannot
// bypass it.
func newBaseTransport(cfg *WebConfig) *http.Transport {
	d := &net.Dialer{Timeout: cfg.ConnectTimeout, KeepAlive: 30 * time.Second}
	if !cfg.AllowPrivateNetworks {
		d.Control = func(network, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("dialing %s: %w", address, err)
			}
			if blockedAddr(ap.Addr()) {
				return fmt.Errorf("dialing %s: %w", address, errBlockedAddress)
			}
			return nil
		}
	}
	dial := d.DialContext
	if cfg.dialHost != nil {
		dial = func(ctx context.Context, network, addr string) (net.Conn, error) {
			host, port, err := net.SplitHostPort(addr)
			if err != nil {
				return nil, err
			}
			return d.DialContext(ctx, network, net.JoinHostPort(cfg.dialHost(host), port))
		}
	}
	return &http.Transport{
		// Limitation: proxies from the environment are not used, because the
		// address check would then only see the proxy.
		Proxy:                 nil,
		DialContext:           dial,
		TLSHandshakeTimeout:   cfg.ConnectTimeout,
		ResponseHeaderTimeout: cfg.Timeout,
		MaxIdleConns:          256,
		MaxIdleConnsPerHost:   32,
		IdleConnTimeout:       30 * time.Second,
		DisableCompression:    true,
		ForceAttemptHTTP2:     true,
	}
}

// captureTransport records every exchange of one fetch (redirect hops
// included), enforces the body limit while reading, and decodes gzip and
// deflate itself so the limit applies to the decoded size (a gzip bomb is
// cut, not inflated). It serves one fetch at a time: each worker owns one.
type captureTransport struct {
	base    http.RoundTripper
	maxBody int64
	ua      string

	mu        sync.Mutex
	exchanges []*exchange
}

func (t *captureTransport) reset() []*exchange {
	t.mu.Lock()
	defer t.mu.Unlock()
	ex := t.exchanges
	t.exchanges = nil
	return ex
}

func (t *captureTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	req = req.Clone(req.Context())
	req.Header.Set("Accept-Encoding", "gzip, deflate")
	if t.ua != "" {
		req.Header.Set("User-Agent", t.ua)
	}
	var remote string
	trace := &httptrace.ClientTrace{GotConn: func(info httptrace.GotConnInfo) {
		if a, ok := info.Conn.RemoteAddr().(*net.TCPAddr); ok {
			remote = a.IP.String()
		}
	}}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	ex := &exchange{Method: req.Method, URL: req.URL.String(), ReqHeader: req.Header.Clone(),
		Date: time.Now().UTC()}
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	ex.RemoteIP = remote
	ex.Proto, ex.Status, ex.StatusLine = resp.Proto, resp.StatusCode, resp.Status
	ex.Header = resp.Header.Clone()
	ex.Raw, err = io.ReadAll(io.LimitReader(resp.Body, t.maxBody+1))
	if int64(len(ex.Raw)) > t.maxBody {
		ex.Raw, ex.Truncated = ex.Raw[:t.maxBody], true
	}
	t.mu.Lock()
	t.exchanges = append(t.exchanges, ex)
	t.mu.Unlock()
	if err != nil {
		return nil, fmt.Errorf("reading body of %s: %w", ex.URL, err)
	}
	if ex.Truncated {
		return nil, errTooLarge
	}
	ex.Body, err = decodeBody(ex.Raw, resp.Header.Get("Content-Encoding"), t.maxBody)
	if err != nil {
		return nil, err
	}

	// Hand colly a plain response: decoded body, no charset parameter (the
	// page processor decodes from the recorded headers; colly would
	// convert a second time).
	h := resp.Header.Clone()
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	if ct := h.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err == nil {
			h.Set("Content-Type", mt)
		} else {
			h.Del("Content-Type")
		}
	}
	return &http.Response{Status: resp.Status, StatusCode: resp.StatusCode, Proto: resp.Proto,
		ProtoMajor: resp.ProtoMajor, ProtoMinor: resp.ProtoMinor, Header: h,
		Body: io.NopCloser(bytes.NewReader(ex.Body)), ContentLength: int64(len(ex.Body)),
		Uncompressed: true, Request: req}, nil
}

// decodeBody undoes a gzip or deflate Content-Encoding, failing with
// errTooLarge when the decoded body exceeds max.
func decodeBody(raw []byte, encoding string, max int64) ([]byte, error) {
	var r io.Reader
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "", "identity":
		return raw, nil
	case "gzip", "x-gzip":
		z, err := gzip.NewReader(bytes.NewReader(raw))
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errBadEncoding, err)
		}
		r = z
	case "deflate":
		if z, err := zlib.NewReader(bytes.NewReader(raw)); err == nil {
			r = z
		} else {
			r = flate.NewReader(bytes.NewReader(raw))
		}
	default:
		return nil, fmt.Errorf("%w: %q", errBadEncoding, encoding)
	}
	out, err := io.ReadAll(io.LimitReader(r, max+1))
	if int64(len(out)) > max {
		return nil, errTooLarge
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", errBadEncoding, err)
	}
	return out, nil
}

// fetcher is one worker's HTTP client: a colly collector over a capture
// transport. colly provides the request life cycle (headers, redirects,
// timeouts, callbacks); robots.txt, the visited set, depth, limits and
// politeness are the crawler's own, because colly's robots cache never
// expires, its visited storage keeps no frontier, its MaxRequests overshoots
// in async mode and its limit rules are per domain pattern, not per host.
type fetcher struct {
	c  *colly.Collector
	tr *captureTransport
}

func newFetcher(ctx context.Context, cfg *WebConfig, base http.RoundTripper,
	redirectOK func(*http.Request) error) *fetcher {
	tr := &captureTransport{base: base, maxBody: cfg.MaxBodySize, ua: cfg.UserAgent}
	c := colly.NewCollector(colly.UserAgent(cfg.UserAgent), colly.IgnoreRobotsTxt(),
		colly.AllowURLRevisit(), colly.MaxBodySize(0), colly.StdlibContext(ctx))
	// NewCollector applies COLLY_* environment variables after the options;
	// settings the crawler relies on are set again so that none of them
	// (a cache directory, a body limit, colly's own robots handling) can
	// change a crawl behind its back.
	c.IgnoreRobotsTxt, c.AllowURLRevisit, c.Async = true, true, false
	c.MaxBodySize, c.MaxDepth, c.MaxRequests, c.CacheDir = 0, 0, 0, ""
	c.AllowedDomains, c.DisallowedDomains = nil, nil
	c.URLFilters, c.DisallowedURLFilters = nil, nil
	c.DetectCharset, c.UserAgent = false, cfg.UserAgent
	c.ParseHTTPErrorResponse = true
	c.DisableCookies()
	c.WithTransport(tr)
	c.SetRequestTimeout(cfg.Timeout)
	c.SetRedirectHandler(func(req *http.Request, via []*http.Request) error {
		if len(via) > cfg.MaxRedirects {
			return errTooManyRedirect
		}
		if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
			return errRedirectScheme
		}
		if redirectOK != nil {
			return redirectOK(req)
		}
		return nil
	})
	return &fetcher{c: c, tr: tr}
}

// get fetches u and returns every exchange (the last is the final
// response) and the error that ended the fetch, if any.
func (f *fetcher) get(u string, accept string) ([]*exchange, error) {
	f.tr.reset()
	hdr := http.Header{}
	hdr.Set("Accept", accept)
	err := f.c.Request(http.MethodGet, u, nil, nil, hdr)
	return f.tr.reset(), err
}
