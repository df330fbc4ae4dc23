package extract

import (
	"bytes"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// tagClass says how the segmenter treats an element.
type tagClass uint8

const (
	// inline elements continue the current block.
	inline tagClass = iota
	// block elements end the current block and start a new one.
	block
	// skip elements are dropped with their whole subtree.
	skip
	// chrome elements (nav, aside, footer, header) are page furniture: they
	// are dropped unless they turn out to hold a body of prose, which
	// happens when broken markup leaves one unclosed around the article.
	chrome
)

// classify returns how the element with atom a is segmented.
func classify(a atom.Atom) tagClass {
	switch a {
	// Limitation: figure captions are dropped with the images; on news
	// pages they are mostly photo credits, though some carry a sentence of
	// the story.
	case atom.Script, atom.Style, atom.Template, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Video, atom.Audio,
		atom.Map, atom.Button, atom.Input, atom.Select, atom.Textarea, atom.Option,
		atom.Datalist, atom.Dialog, atom.Head, atom.Figcaption, atom.Rt, atom.Rp,
		atom.Link, atom.Meta, atom.Img, atom.Picture, atom.Source, atom.Track,
		atom.Frameset, atom.Frame, atom.Label, atom.Output, atom.Progress, atom.Meter:
		return skip
	case atom.Nav, atom.Aside, atom.Footer, atom.Header:
		return chrome
	case atom.Address, atom.Article, atom.Blockquote, atom.Body, atom.Center, atom.Dd,
		atom.Details, atom.Div, atom.Dl, atom.Dt, atom.Fieldset,
		atom.Figure, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Hgroup,
		atom.Hr, atom.Li, atom.Main, atom.Ol, atom.P, atom.Pre, atom.Section,
		atom.Summary, atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td,
		atom.Th, atom.Caption, atom.Ul, atom.Form, atom.Html, atom.Legend,
		atom.Menu, atom.Dir, atom.Listing, atom.Plaintext, atom.Xmp, atom.Noscript:
		return block
	}
	return inline
}

// hint is what an element's attributes say about its content.
type hint int8

const (
	neutral hint = iota
	// boilerplate marks navigation, sharing, comments, ads and the like:
	// dropped with its subtree.
	boilerplate
	// furniture marks sidebars, widgets and ads: dropped unless it holds
	// a body of prose (some themes call the article column a "widget").
	furniture
	// hidden marks elements a browser does not show.
	hidden
	// content marks an element that declares itself the main content.
	content
	// keepName marks a class or id that suggests content ("post", "text")
	// without declaring the main text; it overrides boilerplate names.
	keepName
)

// attrHint inspects the attributes of n: hidden elements, ARIA roles,
// microdata and class/id names. The class/id test works on tokens split at
// non-alphanumeric characters, so "post-comments" matches "comments" but
// "shadow" does not match "ad".
//
// Limitation: the name lists are English words; a site that names its
// comment section "kommentare" is recognised by the scoring alone, not by
// its class.
func attrHint(n *html.Node, cache map[string]uint8) hint {
	var cls, id string
	for _, a := range n.Attr {
		switch a.Key {
		case "class":
			cls = a.Val
		case "id":
			id = a.Val
		case "hidden":
			return hidden
		case "aria-hidden":
			if a.Val == "true" {
				return hidden
			}
		case "style":
			if styleHidden(a.Val) {
				return hidden
			}
		case "role":
			switch strings.ToLower(a.Val) {
			case "navigation", "banner", "contentinfo", "complementary", "search",
				"menu", "menubar", "dialog", "alertdialog", "toolbar":
				return furniture
			case "main", "article":
				return content
			}
		case "itemprop":
			switch a.Val {
			case "articleBody", "text", "reviewBody":
				return content
			}
		}
	}
	if cls == "" && id == "" {
		return neutral
	}
	return namesHint(cls, id, cache)
}

// styleHidden reports whether an inline style hides the element.
func styleHidden(s string) bool {
	if len(s) < 12 {
		return false
	}
	s = strings.ToLower(s)
	s = strings.ReplaceAll(s, " ", "")
	return strings.Contains(s, "display:none") || strings.Contains(s, "visibility:hidden")
}

// Flags for what the words of a class or id value say.
const (
	flagBad uint8 = 1 << iota
	flagWeak
	flagGood
	flagDeclared
)

// namesHint classifies class and id values. Each white-space separated
// name is judged on its own: a boilerplate part wins within a name
// ("entry-meta", "comment-content"), and a content name anywhere keeps the
// element ("post hentry has-sidebar"). Class values repeat across a page,
// so their flags are kept in cache (which may be nil).
func namesHint(cls, id string, cache map[string]uint8) hint {
	f := nameFlags(id)
	if cls != "" {
		cf, ok := cache[cls]
		if !ok {
			cf = nameFlags(cls)
			if cache != nil && len(cache) < maxCachedNames {
				cache[cls] = cf
			}
		}
		f |= cf
	}
	switch {
	case f&flagDeclared != 0:
		return content
	case f&flagGood != 0:
		return neutral
	case f&flagBad != 0:
		return boilerplate
	case f&flagWeak != 0:
		return furniture
	}
	return neutral
}

// maxCachedNames bounds the per-page cache of class values.
const maxCachedNames = 4096

// nameFlags returns the flags of the white-space separated words of s.
func nameFlags(s string) uint8 {
	var f uint8
	for len(s) > 0 {
		i := 0
		for i < len(s) && isSpace(s[i]) {
			i++
		}
		j := i
		for j < len(s) && !isSpace(s[j]) {
			j++
		}
		if j > i {
			switch wordHint(s[i:j]) {
			case boilerplate:
				f |= flagBad
			case furniture:
				f |= flagWeak
			case content:
				f |= flagGood | flagDeclared
			case keepName:
				f |= flagGood
			}
		}
		s = s[j:]
	}
	return f
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// badWords are class/id tokens (compared case-insensitively) that mark
// boilerplate when they are the whole token.
var badWords = map[string]hint{
	"nav": boilerplate, "navbar": boilerplate, "navigation": boilerplate,
	"menu": boilerplate, "menus": boilerplate, "footer": furniture, "masthead": furniture,
	"sidebar": furniture, "breadcrumb": boilerplate, "breadcrumbs": boilerplate,
	"share": boilerplate, "sharing": boilerplate, "shares": boilerplate,
	"social": boilerplate, "comments": boilerplate, "comment": boilerplate,
	"related": boilerplate, "recommended": boilerplate, "newsletter": boilerplate,
	"subscribe": boilerplate, "subscription": boilerplate, "cookie": boilerplate,
	"cookies": boilerplate, "consent": boilerplate, "gdpr": boilerplate,
	"ad": furniture, "ads": furniture, "advert": furniture, "advertisement": furniture,
	"sponsored": furniture, "promo": furniture, "widget": furniture, "widgets": furniture,
	"tags": boilerplate, "tagcloud": boilerplate, "pagination": boilerplate,
	"pager": boilerplate, "popup": boilerplate, "modal": boilerplate, "login": boilerplate,
	"signup": boilerplate, "search": boilerplate, "print": boilerplate,
	"toolbar": boilerplate, "skip": boilerplate, "sitemap": boilerplate,
	"meta": boilerplate, "postmeta": boilerplate, "byline": boilerplate,
	"author": boilerplate, "authors": boilerplate, "bio": boilerplate,
	"vcard": boilerplate, "caption": boilerplate, "credit": boilerplate,
	"credits": boilerplate, "paywall": boilerplate,
	"overlay": boilerplate, "popmake": boilerplate, "rating": boilerplate,
	"ratings": boilerplate, "toc": boilerplate, "respond": boilerplate, "reply": boilerplate,
	"licence": boilerplate, "license": boilerplate, "copyright": boilerplate,
	"disclaimer": boilerplate, "timestamp": boilerplate,
}

// badParts are substrings that mark boilerplate inside a longer token,
// for names written as one word ("sharebar", "commentlist").
var badParts = byteSlices("comment", "share", "social", "cookie", "breadcrumb",
	"newsletter", "related", "disqus", "outbrain", "taboola", "popup", "consent", "navbar",
	"subnav", "navigation", "screen-reader", "sr-only", "visually-hidden", "visuallyhidden")

// weakParts are substrings that mark furniture inside a longer token.
var weakParts = byteSlices("sidebar", "advert", "sponsor", "footer", "widget")

// goodParts are substrings that keep an element even when a bad token also
// matches ("article-comments-count" is not, but "main-content" is).
var goodParts = byteSlices("article", "content", "main", "body", "post", "entry", "story",
	"text")

func byteSlices(words ...string) [][]byte {
	out := make([][]byte, len(words))
	for i, w := range words {
		out[i] = []byte(w)
	}
	return out
}

// wordHint classifies one class name or id: by its alphanumeric parts
// ("post-comments" has the part "comments"), then by substrings.
func wordHint(word string) hint {
	var buf [48]byte
	if len(word) > len(buf) {
		return neutral
	}
	low := buf[:len(word)]
	for i := 0; i < len(word); i++ {
		c := word[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		low[i] = c
	}
	h := neutral
	for rest := low; len(rest) > 0; {
		i := 0
		for i < len(rest) && !isAlnum(rest[i]) {
			i++
		}
		j := i
		for j < len(rest) && isAlnum(rest[j]) {
			j++
		}
		if w, ok := badWords[string(rest[i:j])]; ok && h != boilerplate {
			h = w
		}
		rest = rest[j:]
	}
	if h != neutral {
		return h
	}
	for _, b := range badParts {
		if bytes.Contains(low, b) {
			return boilerplate
		}
	}
	for _, b := range weakParts {
		if bytes.Contains(low, b) {
			return furniture
		}
	}
	for _, g := range goodParts {
		if bytes.Contains(low, g) {
			if declares(low) {
				return content
			}
			return keepName
		}
	}
	return neutral
}

// declares reports whether a lower-case class name or id names the main
// text container: "entry-content", "article-body", "post_text",
// "storybody", "main-content".
func declares(low []byte) bool {
	var what, whose bool
	for _, p := range declaredWhat {
		if bytes.Contains(low, p) {
			what = true
			break
		}
	}
	for _, p := range declaredWhose {
		if bytes.Contains(low, p) {
			whose = true
			break
		}
	}
	return what && whose
}

var (
	declaredWhat  = byteSlices("content", "body", "text", "article")
	declaredWhose = byteSlices("entry", "post", "article", "story", "main", "news")
)
