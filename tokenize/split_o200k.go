package tokenize

import "github.com/tokenmill/tokenmill/tokenize/internal/uni"

// splitO200K implements o200k_base's pattern:
//
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+(?i:'s|…|'d)? |
//	[^\r\n\p{L}\p{N}]?[\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]*(?i:'s|…|'d)? |
//	\p{N}{1,3} |  ?[^\s\p{L}\p{N}]+[\r\n/]* | \s*[\r\n]+ | \s+(?!\S) | \s+
//
// Call [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}] the head class and
// [\p{Ll}\p{Lm}\p{Lo}\p{M}] the tail class; Lm, Lo and marks are in both.
func splitO200K(t *uni.Table, s string, i int) int {
	c, w := t.ASCII[s[i]&0x7f], 1
	if s[i] >= 0x80 {
		c, w = t.At(s, i)
	}
	// The optional leading character: anything but \r, \n, letters and
	// numbers. A backtracking engine tries the word alternatives with it
	// first, then without it.
	lead := c != uni.Newline && !c.IsLetter() && c != uni.Number
	if lead {
		if e := o200kHeadTail(t, s, i+w); e > 0 {
			return o200kContraction(s, e)
		}
	}
	if e := o200kHeadTail(t, s, i); e > 0 {
		return o200kContraction(s, e)
	}
	if lead {
		if e := o200kHeadsTails(t, s, i+w); e > 0 {
			return o200kContraction(s, e)
		}
	}
	if e := o200kHeadsTails(t, s, i); e > 0 {
		return o200kContraction(s, e)
	}
	if c == uni.Number {
		return numbers3(t, s, i)
	}
	if e := otherRun(t, s, i, c, true); e > 0 {
		return e
	}
	return spaceEnd(t, s, i, true)
}

// o200kHeadTail matches head*tail+ at p, or returns -1. The greedy head*
// takes the whole run of head characters; if a lower-case letter follows,
// tail+ runs on from there. Otherwise the engine gives head characters
// back until tail+ can start on one: the last Lm, Lo or mark of the run,
// and tail+ then ends right after it (the characters that follow it in the
// run are Lu or Lt, which the tail class excludes).
func o200kHeadTail(t *uni.Table, s string, p int) int {
	q, afterBoth := p, -1
	for q < len(s) {
		c, w := t.ASCII[s[q]&0x7f], 1
		if s[q] >= 0x80 {
			c, w = t.At(s, q)
		}
		if !heads.has(c) {
			if c == uni.Lower {
				return runOf(t, s, q, tails)
			}
			break
		}
		q += w
		if c != uni.Upper {
			afterBoth = q
		}
	}
	return afterBoth
}

// o200kHeadsTails matches head+tail* at p, or returns -1.
func o200kHeadsTails(t *uni.Table, s string, p int) int {
	q := runOf(t, s, p, heads)
	if q == p {
		return -1
	}
	return runOf(t, s, q, tails)
}

// o200kContraction extends a word ending at e by an optional contraction.
func o200kContraction(s string, e int) int {
	if c := contraction(s, e, true); c > 0 {
		return c
	}
	return e
}
