package dedup

import (
	"net/url"
	"sort"
	"strings"
)

// trackingParams are query parameters that do not change a page's content.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true,
	"mc_eid": true, "yclid": true, "_ga": true, "ref": true, "ref_src": true,
}

// NormalizeURL returns the form of raw that URL dedup compares: scheme
// dropped (http and https are one page), host lower-cased without "www."
// and without a default port, path without a trailing slash, query
// parameters sorted with utm_* and click-tracking ones removed, fragment
// removed. It returns "" when raw is empty or not an absolute URL.
func NormalizeURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" && u.Scheme != "file" {
		return ""
	}
	host := strings.ToLower(u.Hostname())
	host = strings.TrimPrefix(host, "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	path := u.EscapedPath()
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
	}
	if path == "/" {
		path = ""
	}
	var b strings.Builder
	b.WriteString(host)
	b.WriteString(path)
	if u.RawQuery != "" {
		var kept []string
		for _, kv := range strings.Split(u.RawQuery, "&") {
			k, _, _ := strings.Cut(kv, "=")
			k = strings.ToLower(k)
			if kv == "" || strings.HasPrefix(k, "utm_") || trackingParams[k] {
				continue
			}
			kept = append(kept, kv)
		}
		sort.Strings(kept)
		if len(kept) > 0 {
			b.WriteByte('?')
			b.WriteString(strings.Join(kept, "&"))
		}
	}
	return b.String()
}
