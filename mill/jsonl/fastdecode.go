package jsonl

import (
	"bytes"
	"encoding/json"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"

	"github.com/tokenmill/tokenmill/mill"
)

// decodeFast parses the common shape of a document line without reflection:
// string fields, a tokens array of integers, meta and unknown keys kept raw
// (and checked with json.Valid). It returns ok=false for anything it does
// not handle exactly as encoding/json would, and the caller then uses
// encoding/json; FuzzFastDecode checks the two agree.
func decodeFast(line []byte) (d *mill.Document, ok bool) {
	p := fastParser{b: line}
	p.ws()
	if !p.eat('{') {
		return nil, false
	}
	d = &mill.Document{}
	var meta []byte
	seen := map[string]bool{}
	p.ws()
	if p.eat('}') {
		return d, p.end()
	}
	for {
		p.ws()
		key, ok := p.str()
		if !ok {
			return nil, false
		}
		if !exactKey(key) || seen[string(key)] {
			// encoding/json merges repeated keys in ways not worth copying
			return nil, false
		}
		seen[string(key)] = true
		p.ws()
		if !p.eat(':') {
			return nil, false
		}
		p.ws()
		switch string(key) {
		case "id", "text", "source", "url":
			s, ok := p.strField()
			if !ok {
				return nil, false
			}
			switch string(key) {
			case "id":
				d.ID = s
			case "text":
				d.Text = s
			case "source":
				d.Source = s
			default:
				d.URL = s
			}
		case "tokens":
			toks, ok := p.ints()
			if !ok {
				return nil, false
			}
			d.Tokens = toks
		default:
			raw, ok := p.skip()
			if !ok || !json.Valid(raw) {
				return nil, false
			}
			if string(key) == "meta" {
				meta = raw
			}
		}
		p.ws()
		if p.eat(',') {
			continue
		}
		if !p.eat('}') {
			return nil, false
		}
		break
	}
	if !p.end() {
		return nil, false
	}
	if meta != nil && !bytes.Equal(meta, []byte("null")) {
		if meta[0] != '{' {
			return nil, false
		}
		dec := json.NewDecoder(bytes.NewReader(meta))
		dec.UseNumber()
		if dec.Decode(&d.Meta) != nil {
			return nil, false
		}
	}
	return d, true
}

var knownKeys = []string{"id", "text", "source", "url", "tokens", "meta"}

// exactKey rejects keys that encoding/json would match to a field without
// being spelled exactly like it: it matches case-insensitively, with Unicode
// folds such as the Kelvin sign for k.
func exactKey(key []byte) bool {
	for _, c := range key {
		if c >= utf8.RuneSelf {
			return false
		}
	}
	for _, k := range knownKeys {
		if bytes.EqualFold(key, []byte(k)) && string(key) != k {
			return false
		}
	}
	return true
}

type fastParser struct {
	b []byte
	i int
}

func (p *fastParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *fastParser) eat(c byte) bool {
	if p.i < len(p.b) && p.b[p.i] == c {
		p.i++
		return true
	}
	return false
}

func (p *fastParser) end() bool {
	p.ws()
	return p.i == len(p.b)
}

// str reads a string without escapes (keys), returning its bytes.
func (p *fastParser) str() ([]byte, bool) {
	if !p.eat('"') {
		return nil, false
	}
	start := p.i
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			s := p.b[start:p.i]
			p.i++
			return s, true
		case c == '\\' || c < 0x20:
			return nil, false
		}
		p.i++
	}
	return nil, false
}

// strField reads a string value (or null, as ""), unescaping it.
func (p *fastParser) strField() (string, bool) {
	if bytes.HasPrefix(p.b[p.i:], []byte("null")) {
		p.i += 4
		return "", true
	}
	if !p.eat('"') {
		return "", false
	}
	start := p.i
	// Fast scan for the common case: no escapes.
	for p.i < len(p.b) {
		c := p.b[p.i]
		if c == '"' {
			s := p.b[start:p.i]
			p.i++
			if !utf8.Valid(s) {
				return "", false
			}
			return string(s), true
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	out := append(make([]byte, 0, len(p.b)-start), p.b[start:p.i]...)
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(out) {
				return "", false
			}
			return string(out), true
		case c < 0x20:
			return "", false
		case c != '\\':
			out = append(out, c)
			p.i++
			continue
		}
		if p.i+1 >= len(p.b) {
			return "", false
		}
		e := p.b[p.i+1]
		p.i += 2
		switch e {
		case '"', '\\', '/':
			out = append(out, e)
		case 'b':
			out = append(out, '\b')
		case 'f':
			out = append(out, '\f')
		case 'n':
			out = append(out, '\n')
		case 'r':
			out = append(out, '\r')
		case 't':
			out = append(out, '\t')
		case 'u':
			r, ok := p.hex4()
			if !ok {
				return "", false
			}
			if utf16.IsSurrogate(r) {
				// Only a proper pair is handled here; encoding/json
				// turns lone surrogates into U+FFFD.
				if !bytes.HasPrefix(p.b[p.i:], []byte(`\u`)) {
					return "", false
				}
				p.i += 2
				r2, ok := p.hex4()
				if !ok {
					return "", false
				}
				r = utf16.DecodeRune(r, r2)
				if r == utf8.RuneError {
					return "", false
				}
			}
			out = utf8.AppendRune(out, r)
		default:
			return "", false
		}
	}
	return "", false
}

func (p *fastParser) hex4() (rune, bool) {
	if p.i+4 > len(p.b) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.b[p.i:p.i+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	p.i += 4
	return rune(v), true
}

// ints reads an array of int32 (or null).
func (p *fastParser) ints() ([]int32, bool) {
	if bytes.HasPrefix(p.b[p.i:], []byte("null")) {
		p.i += 4
		return nil, true
	}
	if !p.eat('[') {
		return nil, false
	}
	out := []int32{}
	p.ws()
	if p.eat(']') {
		return out, true
	}
	for {
		p.ws()
		neg := p.eat('-')
		start := p.i
		var v int64
		for p.i < len(p.b) && p.b[p.i] >= '0' && p.b[p.i] <= '9' {
			v = v*10 + int64(p.b[p.i]-'0')
			if v > 1<<31 {
				return nil, false
			}
			p.i++
		}
		n := p.i - start
		if n == 0 || (n > 1 && p.b[start] == '0') {
			return nil, false
		}
		if neg {
			v = -v
		}
		if v > 1<<31-1 || v < -1<<31 {
			return nil, false
		}
		if p.i < len(p.b) && (p.b[p.i] == '.' || p.b[p.i] == 'e' || p.b[p.i] == 'E') {
			return nil, false
		}
		out = append(out, int32(v))
		p.ws()
		if p.eat(',') {
			continue
		}
		if p.eat(']') {
			return out, true
		}
		return nil, false
	}
}

// skip moves past one JSON value and returns its bytes; json.Valid checks
// them afterwards.
func (p *fastParser) skip() ([]byte, bool) {
	start := p.i
	depth := 0
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch c {
		case '"':
			p.i++
			for p.i < len(p.b) && p.b[p.i] != '"' {
				if p.b[p.i] == '\\' {
					p.i++
				}
				p.i++
			}
			if p.i >= len(p.b) {
				return nil, false
			}
		case '{', '[':
			depth++
		case '}', ']':
			if depth == 0 {
				return p.b[start:p.i], p.i > start
			}
			depth--
		case ',':
			if depth == 0 {
				return p.b[start:p.i], p.i > start
			}
		}
		p.i++
	}
	return nil, false
}
