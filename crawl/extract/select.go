package extract

import (
	"strings"

	"golang.org/x/net/html/atom"
)

// weight scores one block as evidence for or against the element that
// holds it being the main content: long, punctuated, unlinked text counts
// for it with its length; link lists and short fragments count against.
func weight(b *textBlock) float64 {
	l := float64(b.chars)
	ld := float64(b.linkChars) / l
	switch {
	case ld > 0.5:
		return -l
	case b.kind == kindHeading:
		return 0
	case b.chars >= 80 && b.punct > 0:
		return l * (1 - ld)
	case b.chars >= 25 && b.punct > 0:
		return 0.5 * l * (1 - ld)
	case b.chars >= 80:
		// long but unpunctuated: verse, lyrics, addresses, keyword lists
		return 0.3 * l * (1 - ld)
	case b.kind == kindCell:
		return 0.1 * l
	case b.kind == kindItem:
		return 0
	default:
		return -0.25 * l
	}
}

// declaredBonus is added to the weight of an element that declares itself
// the main content (<article>, <main>, class "entry-content", …), so that
// it wins over a stray paragraph when its own blocks are short.
const declaredBonus = 150

// choose returns the span of blocks whose weights add up to the most: the
// element that holds the most main text for the least boilerplate.
// Spans come in post-order, so a child is seen before its parent and a
// parent only wins when it adds something.
func choose(blocks []textBlock, spans []span, scratch *[]float64) (int32, int32, bool) {
	prefix := append((*scratch)[:0], 0)
	for i := range blocks {
		prefix = append(prefix, prefix[i]+weight(&blocks[i]))
	}
	*scratch = prefix
	best, found := 0.0, false
	var first, last int32
	for _, sp := range spans {
		w := prefix[sp.last] - prefix[sp.first]
		if sp.hint == content || sp.tag == atom.Article || sp.tag == atom.Main {
			if w > 0 {
				w *= 1.1
			}
			w += declaredBonus
		}
		if w > best {
			best, first, last, found = w, sp.first, sp.last, true
		}
	}
	return first, last, found
}

// Block classes for the context pass over the chosen element.
const (
	classBad uint8 = iota
	classShort
	classNear
	classGood
	classHeading
	classCode
)

// classifyBlock puts a block of the chosen element in a class on its own
// merits; keepBlocks then settles the short ones by their neighbours.
func classifyBlock(b *textBlock) uint8 {
	ld := float64(b.linkChars) / float64(b.chars)
	switch {
	case b.kind == kindCode:
		return classCode
	case ld > 0.5:
		return classBad
	case b.kind == kindHeading && (b.chars < 100 || b.punct == 0):
		// A heading of a hundred characters with punctuation is a
		// standfirst set as a heading; judge it as prose.
		return classHeading
	case b.boldChars == b.chars && b.chars < 100 && b.kind == kindText:
		// a bold line standing alone is a heading in all but name
		return classHeading
	case b.chars >= 80 && b.punct > 0 && ld <= 0.3:
		return classGood
	case b.chars >= 25 && (b.punct > 0 || b.chars >= 80):
		return classNear
	}
	return classShort
}

// maxLead is the number of prose blocks extendLead takes in before the
// chosen element.
const maxLead = 2

// extendLead moves the start of the chosen range back over prose blocks
// that directly precede it: a standfirst or lead paragraph often sits in
// a header just outside the element holding the body.
func extendLead(blocks []textBlock, first int32) int32 {
	for n := 0; n < maxLead && first > 0; n++ {
		c := classifyBlock(&blocks[first-1])
		if c != classGood && c != classNear {
			break
		}
		first--
	}
	return first
}

// keepBlocks decides which blocks of the chosen element go to the output.
// Long prose stays and link lists go; a short block or heading stays when
// the prose around it does, so that list items and table cells inside an
// article survive while "Share this" and date lines at its edges do not.
func keepBlocks(blocks []textBlock, st *state) []bool {
	n := len(blocks)
	classes, keep := st.classes[:0], st.keep[:0]
	for i := range blocks {
		classes = append(classes, classifyBlock(&blocks[i]))
	}
	for range blocks {
		keep = append(keep, false)
	}
	// prevNear[i]: the nearest decisive block before i is good or near.
	decisive := func(c uint8) bool { return c == classBad || c == classNear || c == classGood }
	goodish := func(c uint8) bool { return c == classNear || c == classGood }
	prev := uint8(255) // 255: the edge
	prevOf := st.prevOf[:0]
	for _, c := range classes {
		prevOf = append(prevOf, prev)
		if decisive(c) {
			prev = c
		}
	}
	next := uint8(255)
	for i := n - 1; i >= 0; i-- {
		c := classes[i]
		switch c {
		case classGood, classCode:
			keep[i] = true
		case classBad:
			keep[i] = false
		case classNear:
			keep[i] = goodish(prevOf[i]) || goodish(next)
		case classHeading:
			keep[i] = goodish(next)
		case classShort:
			p := prevOf[i]
			keep[i] = goodish(p) && (goodish(next) || next == 255)
		}
		if decisive(c) {
			next = c
		}
	}
	st.classes, st.prevOf = classes, prevOf
	return keep
}

// render joins the kept blocks: cells of a row with a tab, rows of a table
// and items of a list with a newline, everything else with a blank line.
func render(buf []byte, blocks []textBlock, keep []bool, out *strings.Builder) {
	var prev *textBlock
	for i := range blocks {
		b := &blocks[i]
		if !keep[i] {
			continue
		}
		if prev != nil {
			switch {
			case b.kind == kindCell && prev.kind == kindCell && b.group == prev.group:
				out.WriteByte('\t')
			case b.table != 0 && b.table == prev.table:
				out.WriteByte('\n')
			case b.kind == kindItem && prev.kind == kindItem && b.group == prev.group:
				out.WriteByte('\n')
			default:
				out.WriteString("\n\n")
			}
		}
		out.Write(buf[b.start:b.end])
		prev = b
	}
}
