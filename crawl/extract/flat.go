package extract

import (
	"bytes"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// flatText is the fallback for pages the HTML parser rejects (nesting
// deeper than it allows, which unclosed inline tags on old pages reach):
// it cuts the token stream into blocks at block tags, drops the content
// of skipped elements, and keeps the blocks the context pass keeps, with
// the whole page as the chosen element.
//
// Limitation: without a tree there is no container to choose, so page
// chrome that is not a link list (a long footer, say) can remain.
func flatText(st *state, page []byte, deadline time.Time, res *Result) (string, bool) {
	s := &st.seg
	s.reset(true, deadline)
	z := html.NewTokenizer(bytes.NewReader(page))
	skipDepth := 0
	var skipTag atom.Atom
	for !s.timedOut {
		tt := z.Next()
		if tt == html.ErrorToken {
			break
		}
		s.nodes++
		if s.nodes&1023 == 0 && !deadline.IsZero() && time.Now().After(deadline) {
			s.timedOut = true
		}
		switch tt {
		case html.TextToken:
			if skipDepth == 0 {
				s.text(string(z.Text()))
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			flatMeta(z, a, hasAttr, res)
			if skipDepth > 0 {
				if a == skipTag && tt == html.StartTagToken {
					skipDepth++
				}
				continue
			}
			switch c := classify(a); {
			case c == skip || c == chrome:
				if tt == html.StartTagToken && !voidElement(a) {
					skipDepth, skipTag = 1, a
				}
			case a == atom.Br:
				s.lineBreak()
			case a == atom.A:
				s.linkDepth++
			case c == block:
				s.flush()
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			if skipDepth > 0 {
				if a == skipTag {
					skipDepth--
				}
				continue
			}
			switch {
			case a == atom.A && s.linkDepth > 0:
				s.linkDepth--
			case classify(a) == block:
				s.flush()
			}
		}
	}
	s.flush()
	st.keep = keepBlocks(s.blocks, st)
	var out strings.Builder
	render(s.buf, s.blocks, st.keep, &out)
	return out.String(), s.timedOut
}

// flatMeta takes the title and the <html lang> from the token stream.
func flatMeta(z *html.Tokenizer, a atom.Atom, hasAttr bool, res *Result) {
	switch a {
	case atom.Title:
		if res.Title == "" && z.Next() == html.TextToken {
			res.Title = strings.Join(strings.Fields(string(z.Text())), " ")
		}
	case atom.Html:
		for hasAttr && res.Lang == "" {
			var key, val []byte
			key, val, hasAttr = z.TagAttr()
			if string(key) == "lang" {
				res.Lang = normLang(string(val))
			}
		}
	}
}

// voidElement reports whether an element never has an end tag.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img,
		atom.Input, atom.Link, atom.Meta, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
