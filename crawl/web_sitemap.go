package crawl

import (
	"bytes"
	"compress/gzip"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
)

// maxSitemapURLs is the sitemap protocol's limit of URLs per file.
const maxSitemapURLs = 50000

// parseSitemap reads a sitemap (<urlset>) or sitemap index (<sitemapindex>),
// plain or gzip-compressed, and returns the page URLs and the nested sitemap
// URLs it lists, in file order.
func parseSitemap(body []byte) (pages, sitemaps []string, err error) {
	if bytes.HasPrefix(body, []byte{0x1f, 0x8b}) {
		z, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return nil, nil, fmt.Errorf("sitemap: %w", err)
		}
		body, err = io.ReadAll(io.LimitReader(z, 50<<20))
		if err != nil {
			return nil, nil, fmt.Errorf("sitemap: %w", err)
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = false
	var inLoc bool
	var parent string
	var loc strings.Builder
	for {
		tok, err := dec.Token()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return pages, sitemaps, fmt.Errorf("sitemap: %w", err)
		}
		switch t := tok.(type) {
		case xml.StartElement:
			switch t.Name.Local {
			case "url", "sitemap":
				parent = t.Name.Local
			case "loc":
				inLoc = true
				loc.Reset()
			}
		case xml.CharData:
			if inLoc {
				loc.Write(t)
			}
		case xml.EndElement:
			if t.Name.Local != "loc" || !inLoc {
				continue
			}
			inLoc = false
			u := strings.TrimSpace(loc.String())
			if u == "" {
				continue
			}
			if parent == "sitemap" {
				sitemaps = append(sitemaps, u)
			} else {
				pages = append(pages, u)
			}
			if len(pages)+len(sitemaps) >= maxSitemapURLs {
				return pages, sitemaps, nil
			}
		}
	}
	return pages, sitemaps, nil
}
