package shard

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"math"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
)

// Decoder turns token ids back into text. tokenize.Encoder satisfies it;
// shard does not import tokenize, so callers pass one in.
type Decoder interface {
	Decode(ids []int32) string
}

// Stats are the figures `tokenmill stats` reports for a shard directory or
// one shard file.
type Stats struct {
	Path        string `json:"path"`
	Layout      string `json:"layout"`
	Encoding    string `json:"encoding,omitempty"`
	Compression string `json:"compression,omitempty"`
	TokenType   string `json:"token_type,omitempty"`
	Shards      int    `json:"shards"`
	// Docs counts documents (for packed shards, document starts).
	Docs       int64 `json:"documents"`
	Rows       int64 `json:"rows"`
	Tokens     int64 `json:"tokens"`
	TextBytes  int64 `json:"text_bytes"`
	ShardBytes int64 `json:"shard_bytes"`
	// BytesPerToken is text bytes per token (documents layout).
	BytesPerToken float64 `json:"bytes_per_token,omitempty"`
	// CompressionRatio is text plus token bytes over shard bytes.
	CompressionRatio float64       `json:"compression_ratio,omitempty"`
	Splits           []SplitStats  `json:"splits,omitempty"`
	Sources          []SourceStats `json:"sources,omitempty"`
	Length           LengthStats   `json:"length_tokens"`
	Vocab            VocabStats    `json:"vocabulary"`
	EOT              EOTCheck      `json:"end_of_text"`
	// Padding and PaddingShare: packed layout only.
	Padding      int64        `json:"padding_tokens,omitempty"`
	PaddingShare float64      `json:"padding_share,omitempty"`
	Drops        []StageDrops `json:"drops,omitempty"`
}

// SplitStats are the totals of one split.
type SplitStats struct {
	Name   string `json:"name"`
	Docs   int64  `json:"documents"`
	Tokens int64  `json:"tokens"`
	Bytes  int64  `json:"shard_bytes"`
}

// SourceStats are the totals of one source (documents layout).
type SourceStats struct {
	Source    string `json:"source"`
	Docs      int64  `json:"documents"`
	Tokens    int64  `json:"tokens"`
	TextBytes int64  `json:"text_bytes"`
}

// LengthStats describe document lengths in tokens.
type LengthStats struct {
	Min       int64            `json:"min"`
	Max       int64            `json:"max"`
	Mean      float64          `json:"mean"`
	Quantiles map[string]int64 `json:"quantiles"`
	Histogram []Bin            `json:"histogram"`
}

// Bin is one histogram bar: documents whose length is in [Lo, Hi).
type Bin struct {
	Lo    int64 `json:"lo"`
	Hi    int64 `json:"hi"`
	Count int64 `json:"count"`
}

// VocabStats tell how much of the vocabulary the tokens use.
type VocabStats struct {
	// Used counts distinct ids; Size is the vocabulary's size when known,
	// and Share = Used / Size.
	Used  int          `json:"used"`
	Size  int          `json:"size,omitempty"`
	Share float64      `json:"share,omitempty"`
	Top   []TokenCount `json:"top"`
	// Outliers counts ids that are negative or above 2^21, which no
	// vocabulary has: a sign of damaged tokens.
	Outliers int64 `json:"outlier_ids,omitempty"`
}

// TokenCount is one frequent token.
type TokenCount struct {
	ID    int32   `json:"id"`
	Count int64   `json:"count"`
	Share float64 `json:"share"`
	Text  string  `json:"text,omitempty"`
}

// EOTCheck reports where end-of-text tokens sit. In the documents layout
// each document should end with exactly one; in the packed layout each
// document after the first should follow one.
type EOTCheck struct {
	ID        int32  `json:"id"`
	Known     bool   `json:"known"`
	Count     int64  `json:"count"`
	AtEnd     int64  `json:"docs_ending_with_eot"`
	Missing   int64  `json:"docs_missing_eot"`
	Misplaced int64  `json:"eot_inside_documents"`
	OK        bool   `json:"ok"`
	Verdict   string `json:"verdict"`
}

// StageDrops are one stage's figures from the run summary (summary.json).
type StageDrops struct {
	Stage   string           `json:"stage"`
	In      int64            `json:"docs_in"`
	Out     int64            `json:"docs_out"`
	Dropped map[string]int64 `json:"dropped,omitempty"`
}

// StatsOptions tune Collect.
type StatsOptions struct {
	// Decoder, when set, decodes the most frequent tokens.
	Decoder Decoder
	// TopTokens is how many frequent tokens to list (default 20).
	TopTokens int
	// EOT overrides the end-of-text id; -1 takes it from the manifest.
	EOT int32
	// VocabSize overrides the vocabulary size; 0 takes it from the
	// manifest's properties.
	VocabSize int
}

// Collect reads every row of a shard directory (or of one shard file) and
// gathers its statistics. Memory is bounded: lengths go to a log-scale
// histogram and token counts to one counter per vocabulary entry.
func Collect(path string, opt StatsOptions) (*Stats, error) {
	if opt.TopTokens <= 0 {
		opt.TopTokens = 20
	}
	c := newCollector(opt)
	st := &Stats{Path: path}
	info, err := os.Stat(path)
	if err != nil {
		return nil, err
	}
	var files []string
	if info.IsDir() {
		ds, err := Open(path)
		if err != nil {
			return nil, err
		}
		m := ds.Manifest
		st.Layout, st.Encoding, st.Compression = m.Layout, m.Encoding, m.Compression
		st.TokenType = m.TokenType
		if m.EOT != nil && c.eot < 0 {
			c.eot = *m.EOT
		}
		if c.vocab == 0 {
			c.vocab, _ = strconv.Atoi(m.Props["tokenizer.vocab_size"])
		}
		for _, e := range m.Shards {
			files = append(files, ds.Path(e))
		}
		slices.Sort(files)
		for _, sp := range m.Splits {
			if sp == "" {
				continue
			}
			t := m.Totals(sp)
			st.Splits = append(st.Splits, SplitStats{Name: sp, Docs: t.Docs, Tokens: t.Tokens,
				Bytes: t.Bytes})
		}
		drops, err := readDrops(filepath.Join(path, "summary.json"))
		if err != nil {
			return nil, err
		}
		st.Drops = drops
	} else {
		files = []string{path}
	}
	for _, f := range files {
		fi, err := os.Stat(f)
		if err != nil {
			return nil, err
		}
		st.ShardBytes += fi.Size()
		layout, err := c.readShard(f)
		if err != nil {
			return nil, err
		}
		st.Layout = layout
	}
	st.Shards = len(files)
	c.finish(st)
	return st, nil
}

// maxCountedID bounds the per-id counters (16 MiB of them): every known
// vocabulary is far smaller.
const maxCountedID = 1 << 21

// collector accumulates statistics row by row.
type collector struct {
	opt      StatsOptions
	eot      int32
	vocab    int
	counts   []int64 // by token id
	outliers int64   // ids outside [0, maxCountedID)
	hist     lengthHist
	sources  map[string]*SourceStats

	rows, docs, tokens, text, pad int64
	eotCheck                      EOTCheck
	// packed: position in the token stream of the last document start
	pos, lastStart int64
	started        bool
	prevEOT        bool
}

func newCollector(opt StatsOptions) *collector {
	c := &collector{opt: opt, eot: -1, vocab: opt.VocabSize, sources: map[string]*SourceStats{}}
	if opt.EOT >= 0 {
		c.eot = opt.EOT
	}
	return c
}

func (c *collector) count(ids []int32) {
	for _, id := range ids {
		if id < 0 || id >= maxCountedID {
			c.outliers++ // not a vocabulary id; counting it would need a map
			continue
		}
		if int(id) >= len(c.counts) {
			n := max(int(id)+1, 2*len(c.counts), 1024)
			c.counts = slices.Grow(c.counts, n-len(c.counts))[:n]
		}
		c.counts[id]++
	}
}

func (c *collector) readShard(path string) (string, error) {
	sr, err := OpenShard(path)
	if err != nil {
		return "", err
	}
	defer sr.Close()
	for {
		rows, err := sr.Next()
		if err == io.EOF {
			return sr.Layout, nil
		}
		if err != nil {
			return "", err
		}
		for _, r := range rows {
			c.rows++
			if sr.Layout == LayoutPacked {
				c.packedRow(r)
			} else {
				c.docRow(r)
			}
		}
	}
}

func (c *collector) docRow(r Row) {
	c.docs++
	n := int64(len(r.Tokens))
	c.tokens += n
	c.text += int64(len(r.Text))
	c.hist.add(n)
	c.count(r.Tokens)
	s := c.sources[r.Source]
	if s == nil {
		s = &SourceStats{Source: r.Source}
		c.sources[r.Source] = s
	}
	s.Docs++
	s.Tokens += n
	s.TextBytes += int64(len(r.Text))
	if c.eot < 0 || n == 0 {
		return
	}
	for i, id := range r.Tokens {
		if id != c.eot {
			continue
		}
		c.eotCheck.Count++
		if i == len(r.Tokens)-1 {
			c.eotCheck.AtEnd++
		} else {
			c.eotCheck.Misplaced++
		}
	}
	if r.Tokens[n-1] != c.eot {
		c.eotCheck.Missing++
	}
}

func (c *collector) packedRow(r Row) {
	ids := r.Tokens[:len(r.Tokens)-int(r.Pad)]
	c.pad += int64(r.Pad)
	c.tokens += int64(len(ids))
	c.count(ids)
	si := 0
	for i, id := range ids {
		if si < len(r.Starts) && int(r.Starts[si]) == i {
			si++
			c.docs++
			if c.started {
				c.hist.add(c.pos - c.lastStart)
				if c.eot >= 0 && !c.prevEOT {
					c.eotCheck.Missing++
				}
			}
			c.started, c.lastStart = true, c.pos
		}
		if c.eot >= 0 && id == c.eot {
			c.eotCheck.Count++
			// An EOT must end a document: the next token starts one, or
			// the stream ends.
			next := i + 1
			if next < len(ids) && (si >= len(r.Starts) || int(r.Starts[si]) != next) {
				c.eotCheck.Misplaced++
			}
		}
		c.prevEOT = c.eot >= 0 && id == c.eot
		c.pos++
	}
}

func (c *collector) finish(st *Stats) {
	if c.started {
		c.hist.add(c.pos - c.lastStart) // the last packed document
		if c.eot >= 0 && !c.prevEOT {
			c.eotCheck.Missing++
		}
	}
	st.Rows, st.Docs, st.Tokens, st.TextBytes = c.rows, c.docs, c.tokens, c.text
	if st.Layout == LayoutPacked {
		st.Padding = c.pad
		if t := c.tokens + c.pad; t > 0 {
			st.PaddingShare = float64(c.pad) / float64(t)
		}
		st.TextBytes = 0
	} else if c.tokens > 0 {
		st.BytesPerToken = float64(c.text) / float64(c.tokens)
	}
	tb := int64(4)
	if st.TokenType == "uint16" {
		tb = 2
	}
	if st.ShardBytes > 0 {
		st.CompressionRatio = float64(st.TextBytes+(c.tokens+c.pad)*tb) / float64(st.ShardBytes)
	}
	st.Length = c.hist.stats()
	for _, s := range c.sources {
		st.Sources = append(st.Sources, *s)
	}
	sort.Slice(st.Sources, func(i, j int) bool {
		a, b := st.Sources[i], st.Sources[j]
		if a.Tokens != b.Tokens {
			return a.Tokens > b.Tokens
		}
		return a.Source < b.Source
	})
	if st.Layout == LayoutPacked {
		st.Sources = nil
	}
	st.Vocab = c.vocabStats()
	st.EOT = c.eotVerdict(st.Layout)
}

func (c *collector) vocabStats() VocabStats {
	v := VocabStats{Size: c.vocab, Outliers: c.outliers}
	type pair struct {
		id int32
		n  int64
	}
	var all []pair
	for id, n := range c.counts {
		if n > 0 {
			v.Used++
			all = append(all, pair{int32(id), n})
		}
	}
	if v.Size > 0 {
		v.Share = float64(v.Used) / float64(v.Size)
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].n != all[j].n {
			return all[i].n > all[j].n
		}
		return all[i].id < all[j].id
	})
	for _, p := range all[:min(len(all), c.opt.TopTokens)] {
		tc := TokenCount{ID: p.id, Count: p.n, Share: float64(p.n) / float64(c.tokens)}
		if c.opt.Decoder != nil {
			tc.Text = c.opt.Decoder.Decode([]int32{p.id})
		}
		v.Top = append(v.Top, tc)
	}
	return v
}

func (c *collector) eotVerdict(layout string) EOTCheck {
	e := c.eotCheck
	e.ID, e.Known = c.eot, c.eot >= 0
	switch {
	case !e.Known:
		e.Verdict = "end-of-text id unknown: pass --eot or record it in the manifest"
	case c.tokens == 0:
		e.Verdict = "no tokens"
	case e.Missing == 0 && e.Misplaced == 0:
		e.OK = true
		e.Verdict = "every document ends with one end-of-text token"
	case e.Count == 0:
		e.Verdict = "no end-of-text tokens: documents are not separated"
	default:
		e.Verdict = fmt.Sprintf("%d documents lack a final end-of-text token; %d end-of-text "+
			"tokens sit inside documents", e.Missing, e.Misplaced)
	}
	if layout == LayoutPacked {
		e.AtEnd = c.docs - e.Missing
	}
	return e
}

// readDrops reads the per-stage figures of a run summary, if there is one.
func readDrops(path string) ([]StageDrops, error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var sum struct {
		Stages []struct {
			Name    string           `json:"name"`
			In      int64            `json:"docs_in"`
			Out     int64            `json:"docs_out"`
			Dropped map[string]int64 `json:"dropped"`
		} `json:"stages"`
	}
	if err := json.Unmarshal(b, &sum); err != nil {
		return nil, fmt.Errorf("reading run summary %s: %w", path, err)
	}
	var out []StageDrops
	for _, s := range sum.Stages {
		out = append(out, StageDrops{Stage: s.Name, In: s.In, Out: s.Out, Dropped: s.Dropped})
	}
	return out, nil
}

// lengthHist counts lengths exactly below 1024 and in 128 sub-buckets per
// power of two above, so quantiles stay within 1% with bounded memory.
type lengthHist struct {
	small [1024]int64
	large map[int]int64 // key: exponent<<7 | sub-bucket
	n     int64
	sum   float64
	min   int64
	max   int64
}

func (h *lengthHist) add(v int64) {
	if h.n == 0 || v < h.min {
		h.min = v
	}
	h.max = max(h.max, v)
	h.n++
	h.sum += float64(v)
	if v < 1024 {
		h.small[v]++
		return
	}
	if h.large == nil {
		h.large = map[int]int64{}
	}
	e := 63 - leadingZeros(uint64(v))
	sub := int((v >> (e - 7)) & 127)
	h.large[e<<7|sub]++
}

func leadingZeros(x uint64) int {
	n := 0
	for x&(1<<63) == 0 && n < 64 {
		x <<= 1
		n++
	}
	return n
}

// bucketLow is the smallest length a large bucket holds.
func bucketLow(key int) int64 {
	e, sub := key>>7, int64(key&127)
	return int64(1)<<e | sub<<(e-7)
}

func (h *lengthHist) stats() LengthStats {
	ls := LengthStats{Quantiles: map[string]int64{}}
	if h.n == 0 {
		return ls
	}
	ls.Min, ls.Max, ls.Mean = h.min, h.max, h.sum/float64(h.n)
	// Walk values in order as (value, count) pairs.
	type vc struct {
		v int64
		n int64
	}
	var all []vc
	for v, n := range h.small {
		if n > 0 {
			all = append(all, vc{int64(v), n})
		}
	}
	keys := make([]int, 0, len(h.large))
	for k := range h.large {
		keys = append(keys, k)
	}
	sort.Ints(keys)
	for _, k := range keys {
		all = append(all, vc{bucketLow(k), h.large[k]})
	}
	for _, q := range []float64{0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.99} {
		rank := int64(math.Ceil(q * float64(h.n)))
		var seen int64
		for _, x := range all {
			seen += x.n
			if seen >= rank {
				ls.Quantiles[fmt.Sprintf("p%02.0f", q*100)] = max(x.v, h.min)
				break
			}
		}
	}
	// Display histogram: powers of two.
	var bins []Bin
	for _, x := range all {
		lo := int64(0)
		if x.v > 0 {
			lo = int64(1) << (63 - leadingZeros(uint64(x.v)))
		}
		if len(bins) == 0 || bins[len(bins)-1].Lo != lo {
			hi := lo * 2
			if lo == 0 {
				hi = 1
			}
			bins = append(bins, Bin{Lo: lo, Hi: hi})
		}
		bins[len(bins)-1].Count += x.n
	}
	ls.Histogram = bins
	return ls
}
