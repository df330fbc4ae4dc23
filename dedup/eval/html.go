package eval

import (
	"strings"

	"golang.org/x/net/html"
)

// htmlText returns the visible text of an HTML page: text nodes outside
// script, style and head, with block boundaries as newlines. It is enough
// for generated API reference pages; pipelines use the crawl extractor.
func htmlText(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head":
				skip++
			case "p", "div", "tr", "li", "br", "h1", "h2", "h3", "h4", "table", "pre":
				b.WriteByte('\n')
			}
		case html.EndTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "script", "style", "head":
				skip = max(skip-1, 0)
			}
		case html.TextToken:
			if skip == 0 {
				b.Write(z.Text())
				b.WriteByte(' ')
			}
		}
	}
}
