package jsonl

import (
	"encoding/json"
	"strconv"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/mill"
)

// appendDoc appends d as one JSON line, byte for byte what encoding/json
// writes for mill.Document with HTML escaping off (FuzzAppendDoc checks
// it), without reflection for everything but meta.
func appendDoc(b []byte, d *mill.Document) ([]byte, error) {
	b = append(b, `{"id":`...)
	b = appendString(b, d.ID)
	b = append(b, `,"text":`...)
	b = appendString(b, d.Text)
	if d.Source != "" {
		b = append(b, `,"source":`...)
		b = appendString(b, d.Source)
	}
	if d.URL != "" {
		b = append(b, `,"url":`...)
		b = appendString(b, d.URL)
	}
	if len(d.Meta) > 0 {
		meta, err := marshalNoEscape(d.Meta)
		if err != nil {
			return b, err
		}
		b = append(b, `,"meta":`...)
		b = append(b, meta...)
	}
	if len(d.Tokens) > 0 {
		b = append(b, `,"tokens":[`...)
		for i, t := range d.Tokens {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, int64(t), 10)
		}
		b = append(b, ']')
	}
	return append(b, "}\n"...), nil
}

const hexDigits = "0123456789abcdef"

// appendString appends s as a JSON string the way encoding/json does with
// HTML escaping off: control characters escaped, U+2028 and U+2029 escaped,
// invalid UTF-8 replaced by U+FFFD.
func appendString(b []byte, s string) []byte {
	b = append(b, '"')
	start := 0
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			if c >= 0x20 && c != '"' && c != '\\' {
				i++
				continue
			}
			b = append(b, s[start:i]...)
			switch c {
			case '"', '\\':
				b = append(b, '\\', c)
			case '\b':
				b = append(b, '\\', 'b')
			case '\f':
				b = append(b, '\\', 'f')
			case '\n':
				b = append(b, '\\', 'n')
			case '\r':
				b = append(b, '\\', 'r')
			case '\t':
				b = append(b, '\\', 't')
			default:
				b = append(b, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xf])
			}
			i++
			start = i
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, s[start:i]...)
			b = append(b, `\ufffd`...)
			i += size
			start = i
			continue
		}
		if r == '\u2028' || r == '\u2029' {
			b = append(b, s[start:i]...)
			b = append(b, '\\', 'u', '2', '0', '2', hexDigits[r&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	b = append(b, s[start:]...)
	return append(b, '"')
}

func marshalNoEscape(v any) ([]byte, error) {
	var buf sliceWriter
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return buf[:len(buf)-1], nil // drop Encode's newline
}

type sliceWriter []byte

func (w *sliceWriter) Write(p []byte) (int, error) {
	*w = append(*w, p...)
	return len(p), nil
}
