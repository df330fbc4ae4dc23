package crawl

import (
	"bytes"
	"errors"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/saintfish/chardet"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"

	"github.com/tokenmill/tokenmill/crawl/extract"
	"github.com/tokenmill/tokenmill/mill"
)

// extractTimeout bounds main-text extraction of one page.
const extractTimeout = 30 * time.Second

// page is a fetched (or archived) HTTP response body to turn into a
// document.
type page struct {
	URL         string
	ContentType string // the Content-Type header as received
	Body        []byte // decoded from any Content-Encoding
}

// pageResult is a page's outcome: a document, or a drop reason and its
// cause; links are extracted either way (unless the page forbids it).
type pageResult struct {
	Doc    *mill.Document
	Reason string
	Err    error
	Links  pageLinks
}

// pageOptions are the knobs page processing shares between sources.
type pageOptions struct {
	ContentTypes []string
	Label        string
	RobotToken   string
	MaxLinks     int
	// Links asks for the page's links to be extracted.
	Links bool
	// RespectMeta drops pages with <meta name=robots content=noindex> and
	// ignores the links of nofollow pages.
	RespectMeta bool
}

// processPage classifies, decodes and extracts a page.
func processPage(p page, o *pageOptions) pageResult {
	mediaType, params, _ := mime.ParseMediaType(p.ContentType)
	mediaType = strings.ToLower(mediaType)
	if mediaType == "" {
		mediaType, _, _ = mime.ParseMediaType(http.DetectContentType(p.Body))
	}
	if !typeAllowed(mediaType, o.ContentTypes) {
		return pageResult{Reason: "content_type",
			Err: fmt.Errorf("%s: content type %q is not in content_types", p.URL, mediaType)}
	}
	if looksBinary(p.Body) {
		return pageResult{Reason: "binary",
			Err: fmt.Errorf("%s: served as %s but the body is binary", p.URL, mediaType)}
	}
	declared := ""
	if cs := params["charset"]; cs != "" {
		declared = "text/html; charset=" + cs
	}
	isHTML := mediaType == "text/html" || mediaType == "application/xhtml+xml"
	text := decodeUTF8(p.Body, declared, isHTML)

	doc := &mill.Document{ID: mill.StableID(p.URL), Source: o.Label, URL: p.URL}
	doc.SetMeta("content_type", mediaType)
	var res pageResult
	if !isHTML {
		doc.Text = strings.TrimSpace(string(text))
	} else {
		u, _ := url.Parse(p.URL)
		if o.Links && u != nil {
			res.Links = extractLinks(text, u, o.RobotToken, o.MaxLinks)
			if o.RespectMeta && res.Links.NoFollow {
				res.Links.URLs = nil
			}
		}
		if o.RespectMeta && res.Links.NoIndex {
			res.Reason = "noindex"
			res.Err = fmt.Errorf("%s: page asks not to be indexed (meta robots)", p.URL)
			return res
		}
		// The extractor's default 2 s deadline makes output depend on machine
		// load (a long table of contents came out empty on a busy machine);
		// its 4 MiB input cap already bounds the work, so the deadline here
		// is only a guard against pathological pages.
		ex, err := extract.HTML(text, p.URL,
			extract.Options{ContentType: "text/html; charset=utf-8", Timeout: extractTimeout})
		if errors.Is(err, extract.ErrNotHTML) {
			res.Reason, res.Err = "empty", fmt.Errorf("%s: no text", p.URL)
			return res
		}
		if err != nil {
			res.Reason, res.Err = "bad_html", fmt.Errorf("%s: extracting text: %w", p.URL, err)
			return res
		}
		doc.Text = ex.Text
		setIf(doc, "title", ex.Title)
		setIf(doc, "language", ex.Lang)
		if ex.Canonical != "" && ex.Canonical != p.URL {
			setIf(doc, "canonical_url", ex.Canonical)
		}
		if ex.Truncated {
			doc.SetMeta("extract_truncated", true)
		}
	}
	doc.Text = strings.ToValidUTF8(doc.Text, "\uFFFD")
	if strings.TrimSpace(doc.Text) == "" {
		res.Reason, res.Err = "empty", fmt.Errorf("%s: no text", p.URL)
		return res
	}
	res.Doc = doc
	return res
}

func typeAllowed(mediaType string, allowed []string) bool {
	for _, a := range allowed {
		if strings.EqualFold(a, mediaType) {
			return true
		}
	}
	return false
}

// looksBinary reports a body that is not text whatever its Content-Type
// says: NUL bytes or a large share of control bytes near the start, or a
// known binary signature.
func looksBinary(b []byte) bool {
	head := b
	if len(head) > 2048 {
		head = head[:2048]
	}
	if len(head) == 0 {
		return false
	}
	if bytes.HasPrefix(head, []byte("\xff\xfe")) || bytes.HasPrefix(head, []byte("\xfe\xff")) {
		return false // UTF-16 with a byte-order mark
	}
	ctrl := 0
	for _, c := range head {
		if c == 0 {
			return true
		}
		if c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b {
			ctrl++
		}
	}
	if ctrl*20 > len(head) {
		return true
	}
	switch mt := http.DetectContentType(head); {
	case strings.HasPrefix(mt, "image/"), strings.HasPrefix(mt, "audio/"),
		strings.HasPrefix(mt, "video/"), strings.HasPrefix(mt, "font/"),
		mt == "application/pdf", mt == "application/zip", mt == "application/x-gzip",
		mt == "application/wasm", mt == "application/x-rar-compressed":
		return true
	}
	return false
}

// decodeUTF8 returns body as valid UTF-8: the charset comes from the
// Content-Type header, a byte-order mark, a <meta> declaration (HTML) or,
// failing those, valid UTF-8 is taken as is (without a copy) and anything
// else is sniffed (golang.org/x/net/html/charset, chardet for East Asian
// charsets), Windows-1252 being the last resort. Bytes that still do not
// decode become U+FFFD.
func decodeUTF8(body []byte, contentType string, isHTML bool) []byte {
	bom := []byte("\xef\xbb\xbf")
	ct := contentType
	if ct == "" && !isHTML {
		ct = "text/plain"
	}
	e, name, certain := charset.DetermineEncoding(body, ct)
	valid := utf8.Valid(body)
	switch {
	case valid && (!certain || name == "utf-8"):
		return bytes.TrimPrefix(body, bom)
	case name == "utf-8" && certain:
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	case !certain && (name == "utf-8" || name == "windows-1252" || e == nil):
		e = sniffCharset(body)
	}
	out, err := e.NewDecoder().Bytes(body)
	if err != nil {
		return bytes.ToValidUTF8(body, []byte("\uFFFD"))
	}
	return bytes.ToValidUTF8(bytes.TrimPrefix(out, bom), []byte("\uFFFD"))
}

// sniffCharset guesses the charset of text that is not UTF-8 and declares
// none (or only the HTML default, Windows-1252): a confident guess of a
// multi-byte East Asian charset wins, Windows-1252 otherwise.
func sniffCharset(body []byte) encoding.Encoding {
	sample := body
	if len(sample) > 16<<10 {
		sample = sample[:16<<10]
	}
	r, err := chardet.NewTextDetector().DetectBest(sample)
	if err == nil && r.Confidence >= 50 {
		switch strings.ToLower(r.Charset) {
		case "shift_jis", "euc-jp", "iso-2022-jp", "gb18030", "gb-18030", "euc-kr", "big5",
			"koi8-r", "windows-1251", "iso-8859-5", "windows-1256", "iso-8859-7", "utf-16le",
			"utf-16be":
			if e, _ := charset.Lookup(r.Charset); e != nil {
				return e
			}
		}
	}
	return charmap.Windows1252
}
