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
	default:
		return -0.25 * l
	}
}

// choose returns the span of blocks whose weights add up to the most: the
// element that holds the most main text for the least boilerplate.
// Spans come in post-order, so a child is seen before its parent and a
// parent only wins when it adds something.
func choose(blocks []textBlock, spans []span, prefix []float64) (int32, int32, bool) {
	prefix = prefix[:0]
	prefix = append(prefix, 0)
	for i := range blocks {
		prefix = append(prefix, prefix[i]+weight(&blocks[i]))
	}
	best, found := 0.0, false
	var first, last int32
	for _, sp := range spans {
		w := prefix[sp.last] - prefix[sp.first]
		if sp.hint == content || sp.tag == atom.Article || sp.tag == atom.Main {
			w *= 1.1
		}
		if w > best {
			best, first, last, found = w, sp.first, sp.last, true
		}
	}
	return first, last, found
}

// keep decides whether a block of the chosen element goes to the output.
func keep(b *textBlock) bool {
	ld := float64(b.linkChars) / float64(b.chars)
	if b.kind == kindCode {
		return true
	}
	return ld <= 0.5
}

// render joins the kept blocks: cells of a row with a tab, rows of a table
// and items of a list with a newline, everything else with a blank line.
func render(buf []byte, blocks []textBlock, out *strings.Builder) {
	var prev *textBlock
	for i := range blocks {
		b := &blocks[i]
		if !keep(b) {
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
