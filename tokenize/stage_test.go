package tokenize

import (
	"context"
	"slices"
	"strings"
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
