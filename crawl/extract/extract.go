package extract

import (
	"bytes"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
)

// Defaults for Options fields left at zero.
const (
	DefaultMaxBytes = 4 << 20
	DefaultTimeout  = 5 * time.Second
)

// Options tune extraction. The zero value is ready to use.
type Options struct {
	// MaxBytes caps the input considered; the rest of a larger page is cut
	// and Result.Truncated is set. 0 means DefaultMaxBytes (4 MiB), which
	// holds every article page seen in practice.
	MaxBytes int
	// Timeout bounds the time spent walking one page after parsing (parsing
	// itself is bounded by MaxBytes). When it runs out, the text found so
	// far is used and Result.Truncated is set. 0 means DefaultTimeout (5 s,
	// some fifty times what a 4 MiB page takes, so that output does not
	// depend on machine load); a negative value disables the deadline.
	Timeout time.Duration
	// ContentType is the page's HTTP Content-Type header, if known. Its
	// charset parameter decodes pages that are not valid UTF-8; without it
	// the charset comes from <meta> or is sniffed.
	ContentType string
}

// Result is what HTML extracts from a page.
type Result struct {
	// Text is the main text: blocks separated by a blank line, list items
	// and table rows by a newline, table cells by a tab. Always valid UTF-8.
	Text string
	// Title is the page title: <title>, else og:title, else the first <h1>.
	Title string
	// Lang is the declared language: <html lang>, else the
	// Content-Language <meta>, else og:locale ("en_US" becomes "en-US").
	Lang string
	// Canonical is the page's <link rel=canonical> resolved against the
	// page URL, or the page URL when the page names none.
	Canonical string
	// Truncated reports that the page was cut at Options.MaxBytes or that
	// the deadline ran out, so Text may miss the end of the page.
	Truncated bool
}

// ErrNotHTML is returned for input that is empty or only white space.
// Text without markup is not an error: it is read as one paragraph.
var ErrNotHTML = errors.New("extract: input is not an HTML document")

// state is the per-call scratch space, pooled to keep allocations low.
type state struct {
	seg     segmenter
	prefix  []float64
	keep    []bool
	classes []uint8
	prevOf  []uint8
	// stripped is the page without scripts, styles, SVG and comments.
	stripped []byte
}

var pool = sync.Pool{New: func() any { return new(state) }}

// HTML extracts the main text of page, fetched from pageURL (used to
// resolve the canonical URL; it may be empty). HTML is safe for concurrent
// use.
func HTML(page []byte, pageURL string, opts Options) (Result, error) {
	var res Result
	limit := opts.MaxBytes
	if limit <= 0 {
		limit = DefaultMaxBytes
	}
	if len(page) > limit {
		page = cutUTF8(page, limit)
		res.Truncated = true
	}
	if len(bytes.TrimSpace(page)) == 0 {
		return res, ErrNotHTML
	}
	page = toUTF8(page, opts.ContentType)
	st := pool.Get().(*state)
	defer pool.Put(st)

	input, cut := stripRaw(page, st.stripped)
	if cut {
		st.stripped = input // keep the buffer for the next page
	}
	// With scripting off, <noscript> holds markup rather than raw text;
	// some pages keep their only server-rendered copy of the text there.
	doc, err := html.ParseWithOptions(bytes.NewReader(input),
		html.ParseOptionEnableScripting(false))
	deadline := walkDeadline(opts.Timeout)
	if err != nil {
		// The parser refuses absurdly deep nesting; fall back to the
		// token stream rather than lose the page.
		text, timedOut := flatText(st, page, deadline, &res)
		res.Title = strings.ToValidUTF8(res.Title, "\uFFFD")
		res.Text = strings.ToValidUTF8(text, "\uFFFD")
		res.Truncated = res.Truncated || timedOut
		res.Canonical = pageURL
		return res, nil
	}
	readMeta(doc, pageURL, &res)
	res.Text = mainText(st, doc, deadline, &res.Truncated)
	return res, nil
}

// walkDeadline returns the deadline for the walk that starts now, or the
// zero time for none.
func walkDeadline(timeout time.Duration) time.Time {
	switch {
	case timeout > 0:
		return time.Now().Add(timeout)
	case timeout == 0:
		return time.Now().Add(DefaultTimeout)
	}
	return time.Time{}
}

// mainText segments doc, picks the element holding the main text and
// renders it. When class and id names would leave almost nothing (a page
// wrapped in a "sidebar-layout" container, say), it tries again without
// them.
func mainText(st *state, doc *html.Node, deadline time.Time, truncated *bool) string {
	seg := &st.seg
	var out strings.Builder
	for _, useHints := range []bool{true, false} {
		seg.reset(useHints, deadline)
		seg.walkChildren(doc)
		seg.flush()
		if seg.timedOut {
			*truncated = true
		}
		first, last, ok := choose(seg.blocks, seg.spans, &st.prefix)
		if !ok {
			continue
		}
		first = extendLead(seg.blocks, first)
		out.Reset()
		blocks := seg.blocks[first:last]
		st.keep = keepBlocks(blocks, st)
		render(seg.buf, blocks, st.keep, &out)
		if out.Len() >= minChars || seg.timedOut {
			break
		}
	}
	return strings.ToValidUTF8(out.String(), "\uFFFD")
}

// minChars is the shortest main text accepted before retrying without
// class and id hints.
const minChars = 100

// toUTF8 decodes page to UTF-8 when it is not valid UTF-8 already, using
// the Content-Type charset, a <meta> declaration or sniffing.
func toUTF8(page []byte, contentType string) []byte {
	if utf8.Valid(page) {
		return page
	}
	enc, _, certain := charset.DetermineEncoding(page, contentType)
	if !certain {
		// The standard prescan reads 1024 bytes; pages often declare
		// their charset after a long run of scripts and metadata.
		if e := declaredCharset(page); e != nil {
			enc = e
		}
	}
	out, err := enc.NewDecoder().Bytes(page)
	if err != nil {
		return page
	}
	return out
}

// declaredCharset looks for a <meta> tag naming a charset in the first
// 32 KiB of page and returns the encoding it names, or nil.
func declaredCharset(page []byte) encoding.Encoding {
	head := page[:min(len(page), 32<<10)]
	for off := 0; ; {
		i := indexFold(head[off:], "<meta")
		if i < 0 {
			return nil
		}
		tag := head[off+i:]
		if end := bytes.IndexByte(tag, '>'); end >= 0 {
			tag = tag[:end]
		}
		off += i + len("<meta")
		j := indexFold(tag, "charset=")
		if j < 0 {
			continue
		}
		name := tag[j+len("charset="):]
		name = bytes.TrimLeft(name, "\"' ")
		k := 0
		for k < len(name) && k < 40 && (isAlnum(name[k]) || name[k] == '-' ||
			name[k] == '_' || name[k] == '.' || name[k] == ':') {
			k++
		}
		if e, _ := charset.Lookup(string(name[:k])); e != nil {
			return e
		}
	}
}

// indexFold is bytes.Index for an ASCII lower-case needle, ignoring case.
func indexFold(s []byte, needle string) int {
	for i := 0; i+len(needle) <= len(s); i++ {
		j := 0
		for j < len(needle) {
			c := s[i+j]
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != needle[j] {
				break
			}
			j++
		}
		if j == len(needle) {
			return i
		}
	}
	return -1
}

// cutUTF8 shortens b to at most n bytes without splitting a UTF-8 sequence.
func cutUTF8(b []byte, n int) []byte {
	b = b[:n]
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if utf8.RuneStart(b[len(b)-1]) {
			r, size := utf8.DecodeLastRune(b)
			if r == utf8.RuneError && size <= 1 {
				b = b[:len(b)-1]
			}
			break
		}
		b = b[:len(b)-1]
	}
	return b
}
