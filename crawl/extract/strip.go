package extract

import "bytes"

// stripRaw returns page without comments and without the content of
// <script>, <style> and <svg> elements, which make up about 45% of the bytes
// of typical article pages and never hold main text. Cutting them before
// parsing saves the parser from copying script text and building SVG
// nodes. The cut follows the tokenizer's rules closely enough to change no
// extraction: a comment runs to the first "-->", a script or style to the
// first "</script" or "</style", and a truncated element to the end. dst
// is reused when it has room; page is returned as is when there is nothing
// to cut (cut is then false and dst untouched).
func stripRaw(page, dst []byte) (out []byte, cut bool) {
	out = dst[:0]
	copied := 0 // page[:copied] has been handled
	for i := 0; ; {
		j := bytes.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		i += j
		rest := page[i+1:]
		var end int // index in page just after what is cut, or 0
		switch {
		case bytes.HasPrefix(rest, []byte("!--")):
			k := bytes.Index(rest[3:], []byte("-->"))
			if k < 0 {
				end = len(page)
			} else {
				end = i + 1 + 3 + k + 3
			}
		default:
			name, cut := rawName(rest)
			if name == "" {
				i++
				continue
			}
			k := indexClose(rest, name)
			if !cut {
				// Text of a <title> or <textarea> is kept as it is, even
				// when it reads "<script>".
				if k < 0 {
					i = len(page)
					continue
				}
				i += 1 + k + 2
				continue
			}
			if k < 0 {
				end = len(page)
			} else {
				end = i + 1 + k
				if g := bytes.IndexByte(page[end:], '>'); g >= 0 {
					end += g + 1
				} else {
					end = len(page)
				}
			}
		}
		if copied == 0 && len(out) == 0 {
			out = append(out, page[:i]...)
		} else {
			out = append(out, page[copied:i]...)
		}
		copied, i = end, end
	}
	if copied == 0 {
		return page, false
	}
	return append(out, page[copied:]...), true
}

// indexClose returns the index in b of the first "</name" (name in any
// case), or -1.
func indexClose(b []byte, name string) int {
	for off := 0; ; {
		i := bytes.Index(b[off:], []byte("</"))
		if i < 0 {
			return -1
		}
		at := off + i
		if len(b)-at-2 >= len(name) && indexFold(b[at+2:at+2+len(name)], name) == 0 {
			return at
		}
		off = at + 2
	}
}

// rawName reports which element b (the bytes after a '<') opens among
// those stripRaw cuts ("script", "style", "svg": cut is true) or steps
// over ("title", "textarea"), or "" for any other.
func rawName(b []byte) (name string, cut bool) {
	if len(b) == 0 || (b[0]|0x20 != 's' && b[0]|0x20 != 't') {
		return "", false
	}
	for i, name := range rawNames {
		if len(b) <= len(name) || indexFold(b[:len(name)], name) != 0 {
			continue
		}
		switch b[len(name)] {
		case ' ', '>', '/', '\t', '\n', '\r', '\f':
			return name, i < 3
		}
	}
	return "", false
}

var rawNames = [...]string{"script", "style", "svg", "title", "textarea"}
