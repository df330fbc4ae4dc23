package tokenize

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

// newTestStage builds the stage from typed option values.
func newTestStage(t *testing.T, values map[string]any) (mill.Processor, *mill.Props, error) {
	t.Helper()
	specs := Specs()
	if len(specs) != 1 || specs[0].Name != "tokenize" || !specs[0].Parallel {
		t.Fatalf("Specs() = %+v, want one parallel stage named tokenize", specs)
	}
	cfg, err := mill.NewConfig(&specs[0], values)
	if err != nil {
		return nil, nil, err
	}
	props := &mill.Props{}
	p, err := specs[0].NewProcessor(cfg, mill.Env{Props: props, Workers: 2})
	return p, props, err
}

func TestStageDefaults(t *testing.T) {
	p, props, err := newTestStage(t, nil)
	if err != nil {
		t.Fatal(err)
	}
	d := &mill.Document{ID: "a", Text: "hello world <|endoftext|>"}
	if err := p.Process(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	enc, _ := Get("cl100k_base")
	want := append(enc.Encode(d.Text), 100257)
	if !slices.Equal(d.Tokens, want) {
		t.Fatalf("tokens = %v, want %v", d.Tokens, want)
	}
	// The special string in the text is ordinary text, not the control id.
	if slices.Contains(d.Tokens[:len(d.Tokens)-1], 100257) {
		t.Fatalf("text's <|endoftext|> became a control token: %v", d.Tokens)
	}
	if got := p.(mill.Summarizer).Summary()["tokens"]; got != int64(len(want)) {
		t.Errorf("summary tokens = %d, want %d", got, len(want))
	}
	if got := props.Get("tokenizer.encoding"); got != "cl100k_base" {
		t.Errorf("tokenizer.encoding = %q", got)
	}
	if got := props.Get("tokenizer.eot"); got != "100257" {
		t.Errorf("tokenizer.eot = %q", got)
	}
}

func TestStageOptions(t *testing.T) {
	p, props, err := newTestStage(t, map[string]any{
		"encoding": "o200k_base", "eot": false, "allow_special": true,
	})
	if err != nil {
		t.Fatal(err)
	}
	d := &mill.Document{Text: "hi<|endoftext|>"}
	if err := p.Process(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if want := []int32{3686, 199999}; !slices.Equal(d.Tokens, want) {
		t.Fatalf("tokens = %v, want %v", d.Tokens, want)
	}
	if props.Get("tokenizer.eot") != "" || props.Get("tokenizer.encoding") != "o200k_base" {
		t.Fatalf("props = %v", props.All())
	}
}

func TestStageErrors(t *testing.T) {
	for _, tc := range []struct {
		name   string
		values map[string]any
		want   string
	}{
		{"llama3 without ranks", map[string]any{"encoding": "llama3"}, "needs a rank file"},
		{"missing rank file", map[string]any{"rank_file": "/nonexistent/x.tiktoken"},
			"/nonexistent/x.tiktoken"},
		{"bad special", map[string]any{"special_tokens": []string{"<|x|>"}}, "TEXT=ID"},
		{"unknown eot", map[string]any{"eot_token": "<|nope|>"}, "<|nope|>"},
		{"no bos", map[string]any{"bos": true}, "no begin-of-text token"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := newTestStage(t, tc.values)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("error = %v, want one mentioning %q", err, tc.want)
			}
		})
	}
}

// TestStageConcurrent runs one stage from several goroutines, as the
// engine's workers do, and checks every document against a sequential run.
func TestStageConcurrent(t *testing.T) {
	p, _, err := newTestStage(t, map[string]any{"encoding": "o200k_base"})
	if err != nil {
		t.Fatal(err)
	}
	texts := []string{"hello world", strings.Repeat("Straße 日本語 ", 50), "x\xffy",
		strings.Repeat("a", 3000), "It's 2024.\r\n", ""}
	want := make([][]int32, len(texts))
	enc := mustGet(t, "o200k_base")
	for i, s := range texts {
		want[i] = append(enc.Encode(s), 199999)
	}
	var wg sync.WaitGroup
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for round := range 50 {
				i := (w + round) % len(texts)
				d := &mill.Document{Text: texts[i]}
				if err := p.Process(context.Background(), d); err != nil {
					t.Error(err)
					return
				}
				if !slices.Equal(d.Tokens, want[i]) {
					t.Errorf("worker %d: %q: tokens differ", w, texts[i])
					return
				}
			}
		}()
	}
	wg.Wait()
}

// BenchmarkStage measures the stage's Process on ~4 KB English documents,
// end-of-text included.
func BenchmarkStage(b *testing.B) {
	specs := Specs()
	cfg, err := mill.NewConfig(&specs[0], nil)
	if err != nil {
		b.Fatal(err)
	}
	p, err := specs[0].NewProcessor(cfg, mill.Env{Props: &mill.Props{}})
	if err != nil {
		b.Fatal(err)
	}
	docs := chunks(corpus(b, "english"))
	size := 0
	for _, d := range docs {
		size += len(d)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	for b.Loop() {
		for _, text := range docs {
			d := &mill.Document{Text: text}
			if err := p.Process(context.Background(), d); err != nil {
				b.Fatal(err)
			}
		}
	}
}
