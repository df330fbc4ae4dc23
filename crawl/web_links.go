package crawl

import (
	"bytes"
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// pageLinks is what the crawler takes from an HTML page besides its text.
type pageLinks struct {
	// URLs are the page's outgoing links, normalized, each once, in
	// document order.
	URLs []string
	// NoIndex and NoFollow come from <meta name="robots"> (or a meta tag
	// naming the crawler's robot token).
	NoIndex, NoFollow bool
}

// extractLinks tokenizes page (UTF-8 HTML) and collects the targets of
// <a>, <area>, <frame> and <iframe>, resolved against the page URL or its
// <base href>. It uses the streaming tokenizer rather than a DOM: on link-rich
// pages URL handling, not parsing, is what costs, so each distinct raw href
// is resolved once. At most max links are returned (0: no limit).
func extractLinks(page []byte, pageURL *url.URL, robotToken string, max int) pageLinks {
	var out pageLinks
	base := pageURL
	z := html.NewTokenizer(bytes.NewReader(page))
	seenRaw := map[string]bool{}
	seen := map[string]bool{}
	baseSet := false
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			return out
		}
		if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
			continue
		}
		name, hasAttr := z.TagName()
		if !hasAttr {
			continue
		}
		var want string
		switch atom.Lookup(name) {
		case atom.A, atom.Area, atom.Base:
			want = "href"
		case atom.Frame, atom.Iframe:
			want = "src"
		case atom.Meta:
			readMetaRobots(z, robotToken, &out)
			continue
		default:
			continue
		}
		isBase := len(name) == 4 && string(name) == "base"
		for {
			k, v, more := z.TagAttr()
			if string(k) == want {
				raw := strings.TrimSpace(string(v))
				if isBase {
					if !baseSet {
						baseSet = true
						if b, err := pageURL.Parse(raw); err == nil {
							base = b
						}
					}
				} else if raw != "" && !seenRaw[raw] {
					seenRaw[raw] = true
					addLink(&out, raw, base, seen)
				}
				break
			}
			if !more {
				break
			}
		}
		if max > 0 && len(out.URLs) >= max {
			return out
		}
	}
}

func addLink(out *pageLinks, raw string, base *url.URL, seen map[string]bool) {
	if raw[0] == '#' || hasNonHTTPScheme(raw) {
		return
	}
	u, err := NormalizeURL(raw, base)
	if err != nil {
		return
	}
	s := u.String()
	if !seen[s] {
		seen[s] = true
		out.URLs = append(out.URLs, s)
	}
}

// hasNonHTTPScheme spots mailto:, javascript:, tel:, data: and similar
// links before they are parsed.
func hasNonHTTPScheme(raw string) bool {
	i := strings.IndexByte(raw, ':')
	if i <= 0 || strings.ContainsAny(raw[:i], "/?#") {
		return false
	}
	s := strings.ToLower(raw[:i])
	return s != "http" && s != "https"
}

func readMetaRobots(z *html.Tokenizer, robotToken string, out *pageLinks) {
	var name, content string
	for {
		k, v, more := z.TagAttr()
		switch string(k) {
		case "name":
			name = strings.ToLower(string(v))
		case "content":
			content = strings.ToLower(string(v))
		}
		if !more {
			break
		}
	}
	if name != "robots" && (robotToken == "" || name != strings.ToLower(robotToken)) {
		return
	}
	for _, d := range strings.Split(content, ",") {
		switch strings.TrimSpace(d) {
		case "noindex":
			out.NoIndex = true
		case "nofollow":
			out.NoFollow = true
		case "none":
			out.NoIndex, out.NoFollow = true, true
		}
	}
}
