package extract

import (
	"bytes"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
)

// Options tune extraction. The zero value is ready to use.
type Options struct {
	// MaxBytes caps the input considered; 0 means 8 MiB.
	MaxBytes int
}

// Result is what HTML extracts from a page.
type Result struct {
	Text      string
	Title     string
	Lang      string
	Canonical string
}

// boilerplate lists elements whose whole subtree is never main text.
var boilerplate = "script, style, noscript, template, nav, header, footer, aside, form, " +
	"iframe, svg, button, select, [role=navigation], [role=banner], [role=contentinfo], " +
	"[aria-hidden=true]"

// block elements end a paragraph in the text output.
var blockTags = map[string]bool{"p": true, "div": true, "section": true, "article": true,
	"main": true, "h1": true, "h2": true, "h3": true, "h4": true, "h5": true, "h6": true,
	"li": true, "ul": true, "ol": true, "table": true, "tr": true, "pre": true,
	"blockquote": true, "dl": true, "dt": true, "dd": true, "figure": true,
	"figcaption": true, "br": true, "hr": true, "body": true}

// HTML extracts the main text of page. pageURL is used only to report the
// canonical URL when the page names none.
func HTML(page []byte, pageURL string, opts Options) (Result, error) {
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = 8 << 20
	}
	if len(page) > limit {
		page = page[:limit]
	}
	doc, err := goquery.NewDocumentFromReader(bytes.NewReader(page))
	if err != nil {
		return Result{}, err
	}
	res := Result{
		Title:     strings.TrimSpace(doc.Find("title").First().Text()),
		Lang:      strings.TrimSpace(doc.Find("html").AttrOr("lang", "")),
		Canonical: doc.Find(`link[rel="canonical"]`).AttrOr("href", pageURL),
	}
	doc.Find(boilerplate).Remove()
	root := doc.Find("article").First()
	if root.Length() == 0 {
		root = doc.Find("main, [role=main]").First()
	}
	if root.Length() == 0 {
		root = doc.Find("body")
	}
	var b textBuilder
	for _, n := range root.Nodes {
		b.walk(n)
	}
	res.Text = b.String()
	return res, nil
}

// textBuilder renders nodes as text, one blank line between blocks.
type textBuilder struct {
	out  strings.Builder
	line strings.Builder
	pre  int
}

func (b *textBuilder) walk(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		if b.pre > 0 {
			b.line.WriteString(n.Data)
			return
		}
		for _, w := range strings.Fields(n.Data) {
			if b.line.Len() > 0 {
				b.line.WriteByte(' ')
			}
			b.line.WriteString(w)
		}
		return
	case html.CommentNode:
		return
	case html.ElementNode:
		block := blockTags[n.Data]
		if block {
			b.flush()
		}
		if n.Data == "pre" {
			b.pre++
			defer func() { b.pre-- }()
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			b.walk(c)
		}
		if block {
			b.flush()
		}
		return
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		b.walk(c)
	}
}

func (b *textBuilder) flush() {
	s := strings.TrimSpace(b.line.String())
	b.line.Reset()
	if s == "" {
		return
	}
	if b.out.Len() > 0 {
		b.out.WriteString("\n\n")
	}
	b.out.WriteString(s)
}

// String returns the text built so far.
func (b *textBuilder) String() string {
	b.flush()
	return b.out.String()
}
