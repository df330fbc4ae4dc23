package crawl

import (
	"errors"
	"fmt"
	"net/url"
	"path"
	"regexp"
	"strings"

	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// errScheme marks a URL whose scheme the crawler does not fetch.
var errScheme = errors.New("only http and https URLs are crawled")

// trackingParams are query parameters removed by NormalizeURL: they name
// the campaign that led to a page, not the page.
var trackingParams = map[string]bool{
	"gclid": true, "dclid": true, "fbclid": true, "msclkid": true, "yclid": true,
	"mc_cid": true, "mc_eid": true, "_ga": true, "_gl": true, "igshid": true,
	"ref_src": true, "spm": true,
}

// NormalizeURL resolves raw against base (nil for an absolute URL) and
// returns its canonical form, the key under which the crawler fetches a page
// once: scheme and host lower-cased, the host converted to ASCII (IDNA), the
// default port, user info and fragment removed, an empty path made "/", dot
// segments resolved, and tracking parameters (utm_*, gclid, fbclid, …)
// dropped from the query, whose other parameters keep their order. Only http
// and https URLs are accepted.
func NormalizeURL(raw string, base *url.URL) (*url.URL, error) {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil {
		return nil, err
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	if u.Scheme != "http" && u.Scheme != "https" {
		return nil, fmt.Errorf("%q: %w", raw, errScheme)
	}
	host, port := u.Hostname(), u.Port()
	if host == "" {
		return nil, fmt.Errorf("%q: no host", raw)
	}
	host = strings.TrimSuffix(strings.ToLower(host), ".")
	if !isASCII(host) {
		if host, err = idna.Lookup.ToASCII(host); err != nil {
			return nil, fmt.Errorf("%q: bad host name: %w", raw, err)
		}
	}
	if (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		port = ""
	}
	if strings.Contains(host, ":") {
		host = "[" + host + "]"
	}
	if port != "" {
		host += ":" + port
	}
	u.Host = host
	u.User = nil
	u.Fragment, u.RawFragment = "", ""
	if u.Path == "" {
		u.Path, u.RawPath = "/", ""
	} else if strings.Contains(u.Path, "/.") {
		clean := path.Clean(u.Path)
		if strings.HasSuffix(u.Path, "/") && clean != "/" {
			clean += "/"
		}
		u.Path, u.RawPath = clean, ""
	}
	if u.RawQuery != "" {
		u.RawQuery = escapeQuery(stripTracking(u.RawQuery))
	}
	u.ForceQuery = false
	u.Opaque = ""
	return u, nil
}

// stripTracking removes tracking parameters from a raw query, keeping the
// others byte for byte and in order.
func stripTracking(q string) string {
	if !strings.Contains(q, "utm_") && !hasTrackingParam(q) {
		return q
	}
	parts := strings.Split(q, "&")
	kept := parts[:0]
	for _, p := range parts {
		if p == "" {
			continue
		}
		name, _, _ := strings.Cut(p, "=")
		name = strings.ToLower(name)
		if strings.HasPrefix(name, "utm_") || trackingParams[name] {
			continue
		}
		kept = append(kept, p)
	}
	return strings.Join(kept, "&")
}

// escapeQuery percent-encodes the bytes a raw query may not hold as they
// are (spaces, controls, quotes, non-ASCII), so the URL is one canonical,
// valid ASCII string.
func escapeQuery(q string) string {
	const hex = "0123456789ABCDEF"
	var b strings.Builder
	for i := 0; i < len(q); i++ {
		c := q[i]
		if c > 0x20 && c < 0x7f && c != '"' && c != '<' && c != '>' && c != '`' {
			if b.Len() > 0 {
				b.WriteByte(c)
			}
			continue
		}
		if b.Len() == 0 {
			b.WriteString(q[:i])
		}
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	if b.Len() == 0 {
		return q
	}
	return b.String()
}

func hasTrackingParam(q string) bool {
	for _, p := range strings.Split(q, "&") {
		name, _, _ := strings.Cut(p, "=")
		if trackingParams[strings.ToLower(name)] {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// scope decides which discovered URLs the crawl follows.
type scope struct {
	mode    string          // "host", "domain" or "list"
	hosts   map[string]bool // seed hosts (mode host)
	domains map[string]bool // registered domains of the seeds (mode domain)
	allowed []string        // allowed_domains (mode list, and extra in every mode)
	include []*regexp.Regexp
	exclude []*regexp.Regexp
	skipExt map[string]bool
}

func newScope(mode string, allowed, include, exclude, skipExt []string) (*scope, error) {
	s := &scope{mode: mode, hosts: map[string]bool{}, domains: map[string]bool{},
		skipExt: map[string]bool{}}
	for _, d := range allowed {
		s.allowed = append(s.allowed, strings.TrimPrefix(strings.ToLower(d), "."))
	}
	if mode == "list" && len(s.allowed) == 0 {
		return nil, fmt.Errorf("scope list needs allowed_domains")
	}
	for _, p := range include {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("include pattern %q: %w", p, err)
		}
		s.include = append(s.include, re)
	}
	for _, p := range exclude {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("exclude pattern %q: %w", p, err)
		}
		s.exclude = append(s.exclude, re)
	}
	for _, e := range skipExt {
		s.skipExt["."+strings.TrimPrefix(strings.ToLower(e), ".")] = true
	}
	return s, nil
}

// addSeed widens the host and domain scopes with a seed's host.
func (s *scope) addSeed(u *url.URL) {
	h := u.Hostname()
	s.hosts[h] = true
	s.domains[registeredDomain(h)] = true
}

func registeredDomain(host string) string {
	d, err := publicsuffix.EffectiveTLDPlusOne(host)
	if err != nil {
		return host
	}
	return d
}

// hostAllowed reports whether a host is inside the crawl's scope.
func (s *scope) hostAllowed(host string) bool {
	for _, d := range s.allowed {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	switch s.mode {
	case "host":
		return s.hosts[host]
	case "domain":
		return s.domains[registeredDomain(host)]
	}
	return false
}

// follow reports whether a discovered link is crawled, and if not, why:
// "out_of_scope", "excluded" or "skipped_extension".
func (s *scope) follow(u *url.URL) (bool, string) {
	if !s.hostAllowed(u.Hostname()) {
		return false, "out_of_scope"
	}
	if len(s.skipExt) > 0 {
		if ext := strings.ToLower(path.Ext(u.Path)); ext != "" && s.skipExt[ext] {
			return false, "skipped_extension"
		}
	}
	str := u.String()
	for _, re := range s.exclude {
		if re.MatchString(str) {
			return false, "excluded"
		}
	}
	if len(s.include) > 0 {
		for _, re := range s.include {
			if re.MatchString(str) {
				return true, ""
			}
		}
		return false, "excluded"
	}
	return true, ""
}
