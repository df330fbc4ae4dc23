package tokenize

import (
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Definition describes an encoding: where its ranks come from, how text is
// split before merging, and its special tokens. Start from Preset for a
// variant of a built-in encoding.
type Definition struct {
	// Name identifies the encoding in logs, errors and shard manifests.
	Name string
	// RankFile is a tiktoken-format rank file (base64 token, space, rank,
	// per line). Empty means the preset's embedded file.
	RankFile string
	// Pattern is the split pattern (a regular expression in tiktoken's
	// dialect). The patterns of the built-in encodings run on hand-written
	// scanners; any other pattern runs on a backtracking regex engine.
	Pattern string
	// Specials maps special token strings to their ids, which must not be
	// ranks of the rank file.
	Specials map[string]int32
	// EOT names the special token appended after each document; BOS the
	// one prepended. Either may be empty when the encoding has none.
	EOT, BOS string

	asset string // file name inside the embedded assets
}

// Encoder encodes text to token ids and back for one encoding. It is
// immutable and safe for concurrent use.
type Encoder struct {
	def      Definition
	eot, bos int32 // -1 when absent
	specials []special
	// specialFirst marks the bytes that start a special token.
	specialFirst [256]bool
	core         *core
}

// special is one special token string and its id.
type special struct {
	text string
	id   int32
}

var cache struct {
	sync.Mutex
	m map[string]*entry
}

type entry struct {
	once sync.Once
	enc  *Encoder
	err  error
}

// Get returns the built-in encoding name (cl100k_base, o200k_base,
// r50k_base, p50k_base, or the alias gpt2), loading it on first use. The
// Llama 3 preset needs a rank file and is built with New instead.
func Get(name string) (*Encoder, error) {
	if a, ok := aliases[name]; ok {
		name = a
	}
	cache.Lock()
	if cache.m == nil {
		cache.m = map[string]*entry{}
	}
	e := cache.m[name]
	if e == nil {
		e = &entry{}
		cache.m[name] = e
	}
	cache.Unlock()
	e.once.Do(func() {
		d, err := Preset(name)
		if err != nil {
			e.err = err
			return
		}
		e.enc, e.err = New(d)
	})
	return e.enc, e.err
}

// New builds an encoder from d, reading its rank file.
func New(d Definition) (*Encoder, error) {
	if d.Name == "" {
		d.Name = "custom"
	}
	if d.Pattern == "" {
		return nil, fmt.Errorf("encoding %s: no split pattern", d.Name)
	}
	rc, src, err := openRanks(&d)
	if err != nil {
		return nil, err
	}
	voc, err := readRanks(rc, src)
	rc.Close()
	if err != nil {
		return nil, err
	}
	e := &Encoder{def: d, eot: -1, bos: -1}
	for s, id := range d.Specials {
		if s == "" {
			return nil, fmt.Errorf("encoding %s: empty special token", d.Name)
		}
		if id < 0 {
			return nil, fmt.Errorf("encoding %s: special token %s has negative id %d",
				d.Name, s, id)
		}
		if int(id) < len(voc.bytesOf) && voc.bytesOf[id] != nil {
			return nil, fmt.Errorf("encoding %s: special token %s has id %d, which the rank "+
				"file %s already uses for %q", d.Name, s, id, src, voc.bytesOf[id])
		}
		e.specials = append(e.specials, special{s, id})
		e.specialFirst[s[0]] = true
	}
	// Longest first, so that a special token that is a prefix of another
	// never wins over it.
	sort.Slice(e.specials, func(i, j int) bool {
		a, b := e.specials[i], e.specials[j]
		if len(a.text) != len(b.text) {
			return len(a.text) > len(b.text)
		}
		return a.text < b.text
	})
	if e.eot, err = e.specialID(d.EOT, "end-of-text"); err != nil {
		return nil, err
	}
	if e.bos, err = e.specialID(d.BOS, "begin-of-text"); err != nil {
		return nil, err
	}
	if e.core, err = newCore(&e.def, voc); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *Encoder) specialID(s, what string) (int32, error) {
	if s == "" {
		return -1, nil
	}
	id, ok := e.def.Specials[s]
	if !ok {
		return -1, fmt.Errorf("encoding %s: %s token %q is not one of its special tokens",
			e.def.Name, what, s)
	}
	return id, nil
}

// Name returns the encoding's name.
func (e *Encoder) Name() string { return e.def.Name }

// Pattern returns the encoding's split pattern.
func (e *Encoder) Pattern() string { return e.def.Pattern }

// EndOfText returns the id of the end-of-text token and true, or -1 and
// false when the encoding has none.
func (e *Encoder) EndOfText() (int32, bool) { return e.eot, e.eot >= 0 }

// BeginOfText returns the id of the begin-of-text token and true, or -1 and
// false when the encoding has none (only Llama 3 has one among the presets).
func (e *Encoder) BeginOfText() (int32, bool) { return e.bos, e.bos >= 0 }

// VocabSize returns one more than the largest id the encoder can produce,
// special tokens included.
func (e *Encoder) VocabSize() int {
	n := e.core.ranks.tokens.numIDs()
	for _, s := range e.specials {
		n = max(n, int(s.id)+1)
	}
	return n
}

// Specials returns the special token strings and their ids.
func (e *Encoder) Specials() map[string]int32 {
	m := make(map[string]int32, len(e.specials))
	for _, s := range e.specials {
		m[s.text] = s.id
	}
	return m
}

// Encode returns the ids of text encoded as ordinary text: special token
// strings in it are split and merged like any other characters. Text that
// is not valid UTF-8 is encoded byte for byte, so that Decode returns it
// unchanged.
func (e *Encoder) Encode(text string) []int32 {
	return e.core.appendOrdinary(make([]int32, 0, len(text)/4+1), text)
}

// AppendEncode appends the ordinary-text ids of text to dst.
func (e *Encoder) AppendEncode(dst []int32, text string) []int32 {
	return e.core.appendOrdinary(dst, text)
}

// EncodeSpecial is Encode, except that occurrences of the special token
// strings in allowed become their control ids. A nil allowed means every
// special token of the encoding.
func (e *Encoder) EncodeSpecial(text string, allowed []string) []int32 {
	return e.AppendEncodeSpecial(nil, text, allowed)
}

// AppendEncodeSpecial appends EncodeSpecial's ids to dst.
func (e *Encoder) AppendEncodeSpecial(dst []int32, text string, allowed []string) []int32 {
	for len(text) > 0 {
		at, sp := e.nextSpecial(text, allowed)
		if at < 0 {
			break
		}
		dst = e.core.appendOrdinary(dst, text[:at])
		dst = append(dst, sp.id)
		text = text[at+len(sp.text):]
	}
	return e.core.appendOrdinary(dst, text)
}

// nextSpecial finds the leftmost allowed special token in text; among those
// starting at the same offset the longest wins (tiktoken's regex of
// specials is an alternation, whose leftmost match is the same except when
// one special is a prefix of another, which no shipped encoding has).
func (e *Encoder) nextSpecial(text string, allowed []string) (int, special) {
	for i := 0; i < len(text); i++ {
		if !e.specialFirst[text[i]] {
			continue
		}
		for _, sp := range e.specials {
			if strings.HasPrefix(text[i:], sp.text) &&
				(allowed == nil || contains(allowed, sp.text)) {
				return i, sp
			}
		}
	}
	return -1, special{}
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// ErrUnknownID is wrapped by the error AppendDecode returns for an id that
// is neither a rank nor a special token of the encoding.
var ErrUnknownID = errors.New("tokenize: unknown token id")

// Decode returns the text of ids. Ids unknown to the encoding decode to
// nothing; use AppendDecode to have them reported.
func (e *Encoder) Decode(ids []int32) string {
	b, _ := e.appendDecode(nil, ids, false)
	return string(b)
}

// AppendDecode appends the bytes of ids to dst. An unknown id stops it with
// an error wrapping ErrUnknownID that gives the id and its position.
func (e *Encoder) AppendDecode(dst []byte, ids []int32) ([]byte, error) {
	return e.appendDecode(dst, ids, true)
}

func (e *Encoder) appendDecode(dst []byte, ids []int32, strict bool) ([]byte, error) {
	for i, id := range ids {
		if b := e.TokenBytes(id); b != nil {
			dst = append(dst, b...)
		} else if strict {
			return dst, fmt.Errorf("%w %d at position %d (encoding %s)", ErrUnknownID, id, i,
				e.def.Name)
		}
	}
	return dst, nil
}

// TokenBytes returns the bytes of one token (the string of a special
// token), or nil for an unknown id. The slice must not be modified.
func (e *Encoder) TokenBytes(id int32) []byte {
	if b := e.core.ranks.tokens.bytesOf(id); b != nil {
		return b
	}
	for _, s := range e.specials {
		if s.id == id {
			return []byte(s.text)
		}
	}
	return nil
}
