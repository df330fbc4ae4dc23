package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// readMeta fills the title, language and canonical URL of res from the
// <html> element and the <head> of doc.
func readMeta(doc *html.Node, pageURL string, res *Result) {
	var title, ogTitle, lang, httpLang, ogLocale, canonical string
	var h1 *html.Node
	var walk func(n *html.Node, depth int)
	walk = func(n *html.Node, depth int) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Html:
				lang = attr(c, "lang")
				if lang == "" {
					lang = attr(c, "xml:lang")
				}
				walk(c, depth+1)
			case atom.Head:
				walk(c, depth+1)
			case atom.Body:
				h1 = findFirst(c, atom.H1, 0)
				if title == "" {
					// Broken markup can push <title> into the body.
					if t := findFirst(c, atom.Title, 0); t != nil {
						title = textOf(t)
					}
				}
			case atom.Title:
				if title == "" {
					title = textOf(c)
				}
			case atom.Meta:
				switch {
				case strings.EqualFold(attr(c, "http-equiv"), "content-language"):
					httpLang = attr(c, "content")
				case attr(c, "property") == "og:title":
					ogTitle = attr(c, "content")
				case attr(c, "property") == "og:locale":
					ogLocale = attr(c, "content")
				}
			case atom.Link:
				if canonical == "" && hasToken(attr(c, "rel"), "canonical") {
					canonical = strings.TrimSpace(attr(c, "href"))
				}
			}
		}
	}
	walk(doc, 0)

	res.Title = firstNonEmpty(title, ogTitle)
	if res.Title == "" && h1 != nil {
		res.Title = textOf(h1)
	}
	res.Title = strings.ToValidUTF8(res.Title, "\uFFFD")
	res.Lang = normLang(firstNonEmpty(lang, firstLang(httpLang), ogLocale))
	res.Canonical = pageURL
	if canonical != "" {
		res.Canonical = resolve(pageURL, canonical)
	}
}

// findFirst returns the first element with atom a below n, looking no
// deeper than 40 levels.
func findFirst(n *html.Node, a atom.Atom, depth int) *html.Node {
	if depth > 40 {
		return nil
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		if c.DataAtom == a && c.Namespace == "" {
			return c
		}
		if f := findFirst(c, a, depth+1); f != nil {
			return f
		}
	}
	return nil
}

// textOf returns the text below n with white space collapsed.
func textOf(n *html.Node) string {
	var b strings.Builder
	var walk func(n *html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			switch c.Type {
			case html.TextNode:
				b.WriteString(c.Data)
				b.WriteByte(' ')
			case html.ElementNode:
				if classify(c.DataAtom) != skip {
					walk(c)
				}
			}
		}
	}
	walk(n)
	return strings.Join(strings.Fields(b.String()), " ")
}

func attr(n *html.Node, key string) string {
	for _, a := range n.Attr {
		if a.Key == key && a.Namespace == "" {
			return a.Val
		}
	}
	return ""
}

func hasToken(list, tok string) bool {
	for _, f := range strings.Fields(list) {
		if strings.EqualFold(f, tok) {
			return true
		}
	}
	return false
}

func firstNonEmpty(vals ...string) string {
	for _, v := range vals {
		if v = strings.TrimSpace(v); v != "" {
			return v
		}
	}
	return ""
}

// firstLang returns the first tag of a comma-separated language list.
func firstLang(s string) string {
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i]
	}
	return s
}

// normLang trims a language tag and writes it with hyphens.
func normLang(s string) string {
	s = strings.ReplaceAll(strings.TrimSpace(s), "_", "-")
	if len(s) > 35 || strings.ContainsAny(s, " \t\n\"<>") {
		return ""
	}
	return strings.ToValidUTF8(s, "")
}

// resolve makes ref absolute against base; it returns ref unchanged when
// either does not parse.
func resolve(base, ref string) string {
	r, err := url.Parse(ref)
	if err != nil {
		return ref
	}
	if base == "" {
		return r.String()
	}
	b, err := url.Parse(base)
	if err != nil {
		return ref
	}
	return b.ResolveReference(r).String()
}
