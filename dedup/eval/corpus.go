package eval

import (
	"bufio"
	"encoding/json"
	"io"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
)

// CorpusStats counts what WriteCorpus wrote.
type CorpusStats struct {
	Docs, Bytes             int64
	ExactCopies, NearCopies int64
}

// WriteCorpus writes a JSONL corpus of about size bytes for throughput and
// memory benchmarks. Original documents are runs of 3 to 60 sentences of
// the books (at most 40 words each) drawn at random (real sentences, new combinations, so distinct
// originals are not near duplicates of each other). About 15% of documents
// are exact copies of a recent earlier document and 15% near copies (1% of
// words replaced, word-5-gram Jaccard about 0.9); their meta says which
// ("copy_of", "copy").
func WriteCorpus(w io.Writer, books map[string]string, size int64, seed uint64) (CorpusStats,
	error) {
	var sentences []string
	for _, name := range slices.Sorted(func(yield func(string) bool) {
		for n := range books {
			if !yield(n) {
				return
			}
		}
	}) {
		sentences = append(sentences, splitSentences(books[name])...)
	}
	r := rand.New(rand.NewPCG(seed, 0xc0))
	bw := bufio.NewWriterSize(w, 1<<20)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	type doc struct {
		ID     string         `json:"id"`
		Text   string         `json:"text"`
		Source string         `json:"source"`
		Meta   map[string]any `json:"meta,omitempty"`
	}
	const recent = 20000
	ring := make([]doc, 0, recent)
	var st CorpusStats
	var b strings.Builder
	for st.Bytes < size {
		d := doc{ID: "c" + strconv.FormatInt(st.Docs, 10), Source: "gutenberg"}
		switch x := r.Float64(); {
		case x < 0.15 && len(ring) > 0:
			src := ring[r.IntN(len(ring))]
			d.Text = src.Text
			d.Meta = map[string]any{"copy_of": src.ID, "copy": "exact"}
			st.ExactCopies++
		case x < 0.30 && len(ring) > 0:
			src := ring[r.IntN(len(ring))]
			words := strings.Fields(src.Text)
			for i := range words {
				if r.Float64() < 0.01 {
					words[i] = strings.Fields(sentences[r.IntN(len(sentences))])[0]
				}
			}
			d.Text = strings.Join(words, " ")
			d.Meta = map[string]any{"copy_of": src.ID, "copy": "near"}
			st.NearCopies++
		default:
			b.Reset()
			for n := logUniform(r, 3, 60); n > 0; n-- {
				if b.Len() > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(sentences[r.IntN(len(sentences))])
			}
			d.Text = b.String()
			if len(ring) < recent {
				ring = append(ring, d)
			} else {
				ring[r.IntN(recent)] = d
			}
		}
		if err := enc.Encode(&d); err != nil {
			return st, err
		}
		st.Docs++
		st.Bytes += int64(len(d.Text))
	}
	return st, bw.Flush()
}

// splitSentences splits text after words that end a sentence (., ! or ?,
// closing quotes and brackets allowed after it) and keeps sentences of 4 to
// 40 words, white space collapsed; longer runs (dialogue without a full
// stop) are cut into pieces of 40 words, so that no piece is common enough
// to make two random documents near duplicates.
func splitSentences(text string) []string {
	const maxWords = 40
	var out []string
	words := strings.Fields(text)
	start := 0
	for i, w := range words {
		w = strings.TrimRight(w, "\"'”’)]»_*")
		end := w != "" && strings.ContainsRune(".!?", rune(w[len(w)-1]))
		if !end && i+1-start < maxWords {
			continue
		}
		if i+1-start >= 4 {
			out = append(out, strings.Join(words[start:i+1], " "))
		}
		start = i + 1
	}
	return out
}
