package crawl

import (
	"bytes"
	"html"
	"net/url"
	"strings"
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

// extractLinks scans page (UTF-8 HTML) for the targets of <a>, <area>,
// <frame> and <iframe>, resolved against the page URL or its <base href>,
// and for <meta name=robots>. It is a purpose-built scanner rather than an
// HTML tokenizer: it only looks inside tags, skips comments and the raw
// text of <script> and <style>, and resolves each distinct href (fragment
// removed) once, which on link-heavy pages is most of the cost. At most max
// links are returned (0: no limit).
func extractLinks(page []byte, pageURL *url.URL, robotToken string, max int) pageLinks {
	var out pageLinks
	base := pageURL
	baseSet := false
	seenRaw := map[string]bool{}
	seen := map[string]bool{}
	s := tagScanner{b: page}
	for s.next() {
		switch {
		case s.is("a"), s.is("area"), s.is("base"):
			raw, ok := s.attr("href")
			if !ok {
				continue
			}
			if s.is("base") {
				if !baseSet {
					baseSet = true
					if b, err := pageURL.Parse(strings.TrimSpace(raw)); err == nil {
						base = b
					}
				}
				continue
			}
			addRaw(&out, raw, base, seenRaw, seen)
		case s.is("frame"), s.is("iframe"):
			if raw, ok := s.attr("src"); ok {
				addRaw(&out, raw, base, seenRaw, seen)
			}
		case s.is("meta"):
			readMetaRobots(&s, robotToken, &out)
		case s.is("script"), s.is("style"), s.is("textarea"), s.is("title"):
			s.skipRawText()
		}
		if max > 0 && len(out.URLs) >= max {
			break
		}
	}
	return out
}

func addRaw(out *pageLinks, raw string, base *url.URL, seenRaw, seen map[string]bool) {
	raw = strings.TrimSpace(raw)
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	if raw == "" || seenRaw[raw] {
		return
	}
	seenRaw[raw] = true
	if hasNonHTTPScheme(raw) {
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

func readMetaRobots(s *tagScanner, robotToken string, out *pageLinks) {
	name, _ := s.attr("name")
	name = strings.ToLower(strings.TrimSpace(name))
	if name != "robots" && (robotToken == "" || name != strings.ToLower(robotToken)) {
		return
	}
	content, _ := s.attr("content")
	for _, d := range strings.Split(strings.ToLower(content), ",") {
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

// tagScanner walks the start tags of an HTML document.
type tagScanner struct {
	b     []byte
	i     int
	name  []byte // current tag name
	attrs []byte // the current tag's attribute text
}

// next moves to the next start tag and reports whether there is one.
func (s *tagScanner) next() bool {
	for {
		j := bytes.IndexByte(s.b[s.i:], '<')
		if j < 0 || s.i+j+1 >= len(s.b) {
			s.i = len(s.b)
			return false
		}
		s.i += j + 1
		c := s.b[s.i]
		if c == '!' {
			if bytes.HasPrefix(s.b[s.i:], []byte("!--")) {
				end := bytes.Index(s.b[s.i+3:], []byte("-->"))
				if end < 0 {
					s.i = len(s.b)
					return false
				}
				s.i += 3 + end + 3
			}
			continue
		}
		if !isASCIILetter(c) {
			continue
		}
		start := s.i
		for s.i < len(s.b) && !isTagEnd(s.b[s.i]) {
			s.i++
		}
		s.name = s.b[start:s.i]
		// The attributes run to the first '>' outside quotes.
		astart := s.i
		var quote byte
		for s.i < len(s.b) {
			c := s.b[s.i]
			if quote != 0 {
				if c == quote {
					quote = 0
				}
			} else if c == '"' || c == '\'' {
				if s.i > astart && (s.b[s.i-1] == '=' || isSpace(s.b[s.i-1])) {
					quote = c
				}
			} else if c == '>' {
				break
			}
			s.i++
		}
		s.attrs = s.b[astart:s.i]
		return true
	}
}

// is reports whether the current tag is name (lower case).
func (s *tagScanner) is(name string) bool {
	if len(s.name) != len(name) {
		return false
	}
	for i := 0; i < len(name); i++ {
		if s.name[i]|0x20 != name[i] {
			return false
		}
	}
	return true
}

// attr returns the value of the current tag's attribute, entities decoded.
func (s *tagScanner) attr(name string) (string, bool) {
	a := s.attrs
	for len(a) > 0 {
		for len(a) > 0 && (isSpace(a[0]) || a[0] == '/') {
			a = a[1:]
		}
		k := 0
		for k < len(a) && a[k] != '=' && !isSpace(a[k]) && a[k] != '>' && a[k] != '/' {
			k++
		}
		key := a[:k]
		a = a[k:]
		for len(a) > 0 && isSpace(a[0]) {
			a = a[1:]
		}
		var val []byte
		hasVal := len(a) > 0 && a[0] == '='
		if hasVal {
			a = a[1:]
			for len(a) > 0 && isSpace(a[0]) {
				a = a[1:]
			}
			if len(a) > 0 && (a[0] == '"' || a[0] == '\'') {
				q := a[0]
				end := bytes.IndexByte(a[1:], q)
				if end < 0 {
					val, a = a[1:], nil
				} else {
					val, a = a[1:1+end], a[2+end:]
				}
			} else {
				v := 0
				for v < len(a) && !isSpace(a[v]) && a[v] != '>' {
					v++
				}
				val, a = a[:v], a[v:]
			}
		}
		if k == 0 && !hasVal {
			if len(a) > 0 {
				a = a[1:]
			}
			continue
		}
		if equalFoldASCII(key, name) {
			v := string(val)
			if strings.IndexByte(v, '&') >= 0 {
				v = html.UnescapeString(v)
			}
			return v, true
		}
	}
	return "", false
}

// skipRawText moves past the end tag of the current raw-text element.
func (s *tagScanner) skipRawText() {
	name := string(s.name)
	for {
		j := bytes.Index(s.b[s.i:], []byte("</"))
		if j < 0 {
			s.i = len(s.b)
			return
		}
		s.i += j + 2
		end := s.i + len(name)
		if end <= len(s.b) && equalFoldASCII(s.b[s.i:end], strings.ToLower(name)) &&
			(end == len(s.b) || isTagEnd(s.b[end])) {
			return
		}
	}
}

func isASCIILetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isTagEnd(c byte) bool { return isSpace(c) || c == '>' || c == '/' }

func equalFoldASCII(b []byte, lower string) bool {
	if len(b) != len(lower) {
		return false
	}
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}
