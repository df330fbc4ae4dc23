package extract

import (
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockKind is the role of a text block, which decides how it is joined
// to its neighbours and how it is judged.
type blockKind uint8

const (
	kindText blockKind = iota
	kindHeading
	kindItem
	kindCell
	kindCode
)

// textBlock is a run of text between two block boundaries: a paragraph, a
// heading, a list item, a table cell or a preformatted section.
type textBlock struct {
	start, end int32 // byte range in segmenter.buf
	chars      int32 // non-space characters
	linkChars  int32 // non-space characters inside <a>
	boldChars  int32 // non-space characters inside <b> or <strong>
	punct      int32 // sentence punctuation
	kind       blockKind
	group      int32 // list or table row the block belongs to; 0 for none
	table      int32 // table the row belongs to; 0 for none
}

// span is a block element and the range of blocks it contains.
type span struct {
	first, last int32
	tag         atom.Atom
	hint        hint
}

// frame is the block context of the element being walked.
type frame struct {
	kind  blockKind
	group int32
	table int32
}

// segmenter walks a parsed page once and cuts its visible text into
// blocks, recording for every block element which blocks it holds.
type segmenter struct {
	buf    []byte
	blocks []textBlock
	spans  []span

	// the block being built
	start        int
	chars, links int32
	bolds        int32
	punct        int32
	space, br    bool
	brRun        int

	linkDepth int
	boldDepth int
	preDepth  int
	article   int // open <article>, <main> and declared content elements
	stack     []frame
	nextGroup int32

	// useHints drops elements whose class or id names boilerplate.
	useHints bool
	// names caches the flags of class values (see namesHint).
	names    map[string]uint8
	nodes    int
	deadline time.Time
	timedOut bool
}

func (s *segmenter) reset(useHints bool, deadline time.Time) {
	s.buf = s.buf[:0]
	s.blocks = s.blocks[:0]
	s.spans = s.spans[:0]
	s.stack = append(s.stack[:0], frame{})
	s.start, s.chars, s.links, s.bolds, s.punct = 0, 0, 0, 0, 0
	s.space, s.br, s.brRun = false, false, 0
	s.linkDepth, s.boldDepth, s.preDepth, s.article, s.nextGroup = 0, 0, 0, 0, 0
	s.useHints, s.deadline, s.timedOut, s.nodes = useHints, deadline, false, 0
	if s.names == nil {
		s.names = make(map[string]uint8)
	}
	clear(s.names)
}

func (s *segmenter) walkChildren(n *html.Node) {
	for c := n.FirstChild; c != nil && !s.timedOut; c = c.NextSibling {
		switch c.Type {
		case html.TextNode:
			s.text(c.Data)
		case html.ElementNode:
			s.element(c)
		}
	}
}

func (s *segmenter) element(n *html.Node) {
	s.nodes++
	if s.nodes&1023 == 0 && !s.deadline.IsZero() && time.Now().After(s.deadline) {
		s.timedOut = true
		return
	}
	a := n.DataAtom
	class := classify(a)
	if class == skip {
		return
	}
	h := neutral
	if len(n.Attr) > 0 {
		h = attrHint(n, s.names)
		if h == hidden {
			return
		}
		if h == boilerplate && s.useHints && a != atom.Body && a != atom.Html &&
			a != atom.Article && a != atom.Main {
			return
		}
	}
	if class == chrome {
		class = block
		// An article's own header holds its headline and standfirst.
		if h == neutral && !(a == atom.Header && s.article > 0) {
			h = furniture
		}
	}
	if h == furniture && (a == atom.Body || a == atom.Html || !s.useHints) {
		h = neutral
	}
	if a == atom.Br {
		s.lineBreak()
		return
	}
	if class == inline {
		switch a {
		case atom.A:
			s.linkDepth++
			s.walkChildren(n)
			s.linkDepth--
			return
		case atom.B, atom.Strong:
			s.boldDepth++
			s.walkChildren(n)
			s.boldDepth--
			return
		}
		s.walkChildren(n)
		return
	}

	s.flush()
	top := s.stack[len(s.stack)-1]
	f := frame{kind: top.kind, group: top.group, table: top.table}
	switch a {
	case atom.Ul, atom.Ol, atom.Dl, atom.Menu, atom.Dir:
		s.nextGroup++
		f.kind, f.group = kindText, s.nextGroup
	case atom.Li, atom.Dt, atom.Dd:
		f.kind = kindItem
	case atom.Table:
		s.nextGroup++
		f.kind, f.table, f.group = kindText, s.nextGroup, 0
	case atom.Tr:
		s.nextGroup++
		f.group = s.nextGroup
	case atom.Td, atom.Th:
		f.kind = kindCell
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		f.kind = kindHeading
	case atom.Pre, atom.Listing, atom.Plaintext, atom.Xmp:
		f.kind = kindCode
	case atom.Article, atom.Main:
		f = frame{}
	}
	if f.kind == kindCode {
		s.preDepth++
	}
	if a == atom.Article || a == atom.Main || h == content {
		s.article++
	}
	s.stack = append(s.stack, f)
	first := int32(len(s.blocks))
	firstSpan := len(s.spans)
	s.walkChildren(n)
	s.flush()
	if h == furniture && !prose(s.blocks[first:]) {
		// Drop what the furniture held.
		if int(first) < len(s.blocks) {
			s.buf = s.buf[:s.blocks[first].start]
			s.start = len(s.buf)
		}
		s.blocks = s.blocks[:first]
		s.spans = s.spans[:firstSpan]
	}
	s.stack = s.stack[:len(s.stack)-1]
	if f.kind == kindCode {
		s.preDepth--
	}
	if a == atom.Article || a == atom.Main || h == content {
		s.article--
	}
	if last := int32(len(s.blocks)); last > first {
		s.spans = append(s.spans, span{first: first, last: last, tag: a, hint: h})
	}
}

// prose reports whether blocks hold a body of running text: at least
// 1000 characters in long, punctuated, unlinked blocks, and those making up
// most of the text.
func prose(blocks []textBlock) bool {
	var good, all float64
	for i := range blocks {
		b := &blocks[i]
		all += float64(b.chars)
		if w := weight(b); w > 0 {
			good += w
		}
	}
	return good >= 1000 && good >= 0.6*all
}

// lineBreak handles <br>: one ends the line, two in a row end the block.
func (s *segmenter) lineBreak() {
	s.brRun++
	if s.brRun >= 2 {
		s.flush()
		return
	}
	if s.chars > 0 {
		s.br = true
	}
}

// text appends the text of a text node to the current block, collapsing
// white space outside preformatted elements.
func (s *segmenter) text(t string) {
	if s.preDepth > 0 {
		s.preText(t)
		return
	}
	for i := 0; i < len(t); i++ {
		c := t[i]
		switch {
		case c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f':
			s.space = true
			continue
		case c == 0xc2 && i+1 < len(t) && t[i+1] == 0xa0: // no-break space
			s.space = true
			i++
			continue
		case c == 0:
			continue
		}
		if s.chars > 0 {
			if s.br {
				s.buf = append(s.buf, '\n')
			} else if s.space {
				s.buf = append(s.buf, ' ')
			}
		}
		s.space, s.br, s.brRun = false, false, 0
		s.buf = append(s.buf, c)
		s.count(c, t, i)
	}
}

// preText appends preformatted text verbatim, but for NUL bytes.
func (s *segmenter) preText(t string) {
	for i := 0; i < len(t); i++ {
		c := t[i]
		if c == 0 {
			continue
		}
		if c == '\r' {
			if i+1 < len(t) && t[i+1] == '\n' {
				continue
			}
			c = '\n'
		}
		if s.chars == 0 && (c == '\n' || c == ' ' || c == '\t') && len(s.buf) == s.start {
			continue
		}
		if c == 0xc2 && i+1 < len(t) && t[i+1] == 0xa0 { // no-break space
			s.buf = append(s.buf, c, t[i+1])
			i++
			continue
		}
		s.buf = append(s.buf, c)
		if c != ' ' && c != '\n' && c != '\t' {
			s.count(c, t, i)
			s.brRun = 0
		}
	}
}

// count adds byte c (at t[i]) to the character statistics of the block.
func (s *segmenter) count(c byte, t string, i int) {
	if c&0xc0 == 0x80 {
		return // UTF-8 continuation byte
	}
	s.chars++
	if s.linkDepth > 0 {
		s.links++
	}
	if s.boldDepth > 0 {
		s.bolds++
	}
	switch c {
	case '.', ',', '!', '?', ';', ':':
		s.punct++
	case 0xe3: // CJK "、" and "。" are U+3001 and U+3002
		if i+2 < len(t) && t[i+1] == 0x80 && (t[i+2] == 0x81 || t[i+2] == 0x82) {
			s.punct++
		}
	case 0xef: // full-width "，" is U+FF0C
		if i+2 < len(t) && t[i+1] == 0xbc && t[i+2] == 0x8c {
			s.punct++
		}
	}
}

// flush ends the current block, keeping it when it holds any text.
func (s *segmenter) flush() {
	if s.chars > 0 {
		end := len(s.buf)
		for end > s.start && (s.buf[end-1] == '\n' || s.buf[end-1] == ' ' ||
			s.buf[end-1] == '\t') {
			end--
		}
		top := s.stack[len(s.stack)-1]
		s.blocks = append(s.blocks, textBlock{
			start: int32(s.start), end: int32(end), chars: s.chars, linkChars: s.links,
			boldChars: s.bolds,
			punct:     s.punct, kind: top.kind, group: top.group, table: top.table,
		})
		s.buf = s.buf[:end]
	} else {
		s.buf = s.buf[:s.start]
	}
	s.start = len(s.buf)
	s.chars, s.links, s.bolds, s.punct = 0, 0, 0, 0
	s.space, s.br = false, false
}
