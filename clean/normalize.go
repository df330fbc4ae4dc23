package clean

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"

	"github.com/tokenmill/tokenmill/internal/unorm"
)

// Normalizer rewrites text into tokenmill's canonical form. The zero value
// applies NFC and keeps every line; see the fields for the rest.
type Normalizer struct {
	// Form is the Unicode normalization form: norm.NFC (default) or
	// norm.NFKC; Raw skips normalization.
	Form norm.Form
	Raw  bool
	// CollapseSpaces turns each run of spaces and tabs inside a line into
	// one space.
	CollapseSpaces bool
	// MaxBlankLines is the most consecutive empty lines kept; negative keeps
	// all.
	MaxBlankLines int
}

// Normalize returns s cleaned:
//   - invalid UTF-8 sequences become U+FFFD;
//   - CRLF and CR become LF; U+2028 and U+2029 become LF;
//   - control characters other than tab and newline are removed, as are
//     zero-width spaces and byte-order marks (ZWJ and ZWNJ, which change
//     meaning in several scripts, are kept);
//   - other Unicode space separators (no-break, em, ideographic, …) become
//     an ASCII space;
//   - trailing spaces are removed from every line and the text is trimmed;
//   - the text is put in the configured normalization form.
func (n *Normalizer) Normalize(s string) string {
	b := make([]byte, 0, len(s))
	lineStart := 0 // index in b where the current line begins
	blank := 0     // consecutive blank lines emitted so far
	pendingSpace := false
	newline := func() {
		end := len(b)
		for end > lineStart && (b[end-1] == ' ' || b[end-1] == '\t') {
			end--
		}
		b = b[:end]
		if end == lineStart {
			blank++
		} else {
			blank = 0
		}
		pendingSpace = false
		if n.MaxBlankLines >= 0 && blank > n.MaxBlankLines {
			return
		}
		b = append(b, '\n')
		lineStart = len(b)
	}
	space := func() {
		if pendingSpace {
			if len(b) > lineStart {
				b = append(b, ' ')
			}
			pendingSpace = false
		}
	}
	nfcSafe := true // every rune so far is one NFC cannot change
	for i := 0; i < len(s); {
		c := s[i]
		// Fast path: copy a run of printable, non-space ASCII at once.
		if c > ' ' && c < 0x7f {
			j := i + 1
			for j < len(s) && s[j] > ' ' && s[j] < 0x7f {
				j++
			}
			space()
			b = append(b, s[i:j]...)
			i = j
			continue
		}
		if c < utf8.RuneSelf {
			i++
			switch {
			case c == '\n':
				newline()
			case c == '\r':
				if i < len(s) && s[i] == '\n' {
					i++
				}
				newline()
			case c == ' ' || c == '\t':
				if n.CollapseSpaces {
					pendingSpace = true
				} else {
					b = append(b, c)
				}
			case c < 0x20 || c == 0x7f:
				// control character: removed
			default:
				space()
				b = append(b, c)
			}
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		nfcSafe = nfcSafe && unorm.NFCSafe(r)
		switch {
		case r == utf8.RuneError && size == 1:
			r = unicode.ReplacementChar
		case r == '\u2028' || r == '\u2029' || r == '\u0085':
			newline()
			continue
		case r == '\u200b' || r == '\ufeff' || r == '\u2060' || r == '\u00ad':
			continue
		case unicode.Is(unicode.Zs, r):
			if n.CollapseSpaces {
				pendingSpace = true
			} else {
				b = append(b, ' ')
			}
			continue
		case unicode.IsControl(r):
			continue
		}
		space()
		b = utf8.AppendRune(b, r)
	}
	out := strings.TrimSpace(string(b))
	if n.Raw || (nfcSafe && n.Form != norm.NFKC) {
		return out
	}
	form := n.Form
	if form != norm.NFKC {
		form = norm.NFC
	}
	if form.IsNormalString(out) {
		return out
	}
	return form.String(out)
}
