package dedup

import (
	"strings"
)

// Paragraph units.
const (
	SplitLine      = "line"       // every line is a unit (web text)
	SplitBlankLine = "blank_line" // runs of non-blank lines are a unit (books)
)

// paragraphs removes from documents the paragraphs that earlier documents
// already had, remembering paragraphs in a Bloom filter.
type paragraphs struct {
	split      string
	minChars   int // shorter paragraphs are never removed nor remembered
	minDocLen  int // a document left shorter than this after removal is dropped
	set        *bloomSet
	hasher     *ExactHasher
	keys       []Key128
	spans      [][2]int
	removed    int64 // paragraphs removed
	removedLen int64 // bytes removed
}

// span returns the byte ranges of text's paragraphs. A range covers whole
// lines with their newlines; with SplitBlankLine it also covers the blank
// lines after the paragraph.
func (p *paragraphs) span(text string) [][2]int {
	spans := p.spans[:0]
	start, inPara := 0, false
	for i := 0; i < len(text); {
		j := strings.IndexByte(text[i:], '\n')
		end := len(text)
		if j >= 0 {
			end = i + j + 1
		}
		blank := strings.TrimSpace(text[i:end]) == ""
		switch {
		case p.split == SplitLine:
			spans = append(spans, [2]int{i, end})
		case !blank && !inPara:
			if i > start {
				spans = append(spans, [2]int{start, i}) // leading blank lines
			}
			start, inPara = i, true
		case blank && inPara:
			// The paragraph ends after this run of blank lines.
			k := end
			for k < len(text) {
				n := strings.IndexByte(text[k:], '\n')
				e := len(text)
				if n >= 0 {
					e = k + n + 1
				}
				if strings.TrimSpace(text[k:e]) != "" {
					break
				}
				k = e
			}
			spans = append(spans, [2]int{start, k})
			start, inPara, end = k, false, k
		}
		i = end
	}
	if p.split != SplitLine && start < len(text) {
		spans = append(spans, [2]int{start, len(text)})
	}
	p.spans = spans
	return spans
}

// apply removes the paragraphs of text seen in earlier documents, then
// remembers text's paragraphs if add allows the memory. It returns the new
// text and whether anything was removed.
func (p *paragraphs) apply(text string, add func(bytes int64) bool) (string, bool) {
	spans := p.span(text)
	p.keys = p.keys[:0]
	var drop []bool
	any := false
	for i, sp := range spans {
		para := text[sp[0]:sp[1]]
		if len(strings.TrimSpace(para)) < p.minChars {
			continue
		}
		k := p.hasher.Key(para)
		if p.set.Has(k) {
			if drop == nil {
				drop = make([]bool, len(spans))
			}
			drop[i], any = true, true
			continue
		}
		p.keys = append(p.keys, k)
	}
	// Paragraphs repeated inside this document are kept: only earlier
	// documents count.
	for _, k := range p.keys {
		if p.set.full() && !add(p.set.nextLayerBytes()) {
			break
		}
		p.set.Add(k)
	}
	if !any {
		return text, false
	}
	var b strings.Builder
	b.Grow(len(text))
	for i, sp := range spans {
		if drop[i] {
			p.removed++
			p.removedLen += int64(sp[1] - sp[0])
			continue
		}
		b.WriteString(text[sp[0]:sp[1]])
	}
	return b.String(), true
}
