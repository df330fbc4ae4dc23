package tokenize

import (
	"context"
	"encoding/base64"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
)

// writeRanks writes a tiktoken rank file: every byte at its own value as
// rank, then extra tokens from 256 on.
func writeRanks(t *testing.T, extra ...string) string {
	t.Helper()
	var b strings.Builder
	for c := 0; c < 256; c++ {
		fmt.Fprintf(&b, "%s %d\n", base64.StdEncoding.EncodeToString([]byte{byte(c)}), c)
	}
	for i, tok := range extra {
		fmt.Fprintf(&b, "%s %d\n", base64.StdEncoding.EncodeToString([]byte(tok)), 256+i)
	}
	path := filepath.Join(t.TempDir(), "custom.tiktoken")
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestCustomEncoding builds an encoding from a user's rank file, split
// pattern and special tokens, on both the hand-written splitter and the
// regex engine.
func TestCustomEncoding(t *testing.T) {
	ranks := writeRanks(t, "ab", "abc", " a")
	for _, pattern := range []string{PatternCL100K, `[a-z]+|[^a-z]+`} {
		enc, err := New(Definition{Name: "tiny", RankFile: ranks, Pattern: pattern,
			Specials: map[string]int32{"<|end|>": 300}, EOT: "<|end|>"})
		if err != nil {
			t.Fatal(err)
		}
		// " abc" merges "ab" (rank 256) before " a" (258), then "abc".
		if got, want := enc.Encode("abc abc"), []int32{257, 32, 257}; !slices.Equal(got, want) {
			t.Errorf("pattern %s: Encode = %v, want %v", pattern, got, want)
		}
		if got, want := enc.EncodeSpecial("ab<|end|>", nil), []int32{256, 300}; !slices.Equal(got, want) {
			t.Errorf("pattern %s: EncodeSpecial = %v, want %v", pattern, got, want)
		}
		if id, ok := enc.EndOfText(); !ok || id != 300 {
			t.Errorf("EndOfText = %d, %v", id, ok)
		}
		if s := enc.Decode([]int32{257, 300, 999}); s != "abc<|end|>" {
			t.Errorf("Decode = %q", s)
		}
		if _, err := enc.AppendDecode(nil, []int32{999}); err == nil {
			t.Error("AppendDecode accepted an unknown id")
		}
	}

	// The same through the stage's options.
	p, props, err := newTestStage(t, map[string]any{"rank_file": ranks,
		"special_tokens": []string{"<|end|>=300"}, "eot_token": "<|end|>"})
	if err != nil {
		t.Fatal(err)
	}
	d := &mill.Document{Text: "abc"}
	if err := p.Process(context.Background(), d); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(d.Tokens, []int32{257, 300}) {
		t.Errorf("stage tokens = %v", d.Tokens)
	}
	if got := props.Get("tokenizer.encoding"); got != "cl100k_base+custom" {
		t.Errorf("tokenizer.encoding = %q", got)
	}
}

// TestRankFileErrors checks that a broken rank file is rejected with its
// name, line and what is wrong.
func TestRankFileErrors(t *testing.T) {
	good := writeRanks(t)
	raw, _ := os.ReadFile(good)
	lines := strings.Split(strings.TrimSpace(string(raw)), "\n")
	for _, tc := range []struct {
		name, content, want string
	}{
		{"not base64", strings.Join(lines, "\n") + "\n!!!! 300\n", ":257: token is not base64"},
		{"no rank", strings.Join(lines, "\n") + "\nYWI=\n", `:257: want "<base64> <rank>"`},
		{"bad rank", strings.Join(lines, "\n") + "\nYWI= -3\n", ":257: rank"},
		{"duplicate rank", strings.Join(lines, "\n") + "\nYWI= 5\n", "rank 5 is used twice"},
		{"duplicate token", strings.Join(lines, "\n") + "\nYQ== 300\n", "already has rank 97"},
		{"missing byte", strings.Join(lines[1:], "\n") + "\n", "no token for the single byte 0x00"},
		{"empty", "", "holds no tokens"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "bad.tiktoken")
			if err := os.WriteFile(path, []byte(tc.content), 0o644); err != nil {
				t.Fatal(err)
			}
			_, err := New(Definition{Name: "bad", RankFile: path, Pattern: PatternCL100K})
			if err == nil || !strings.Contains(err.Error(), tc.want) ||
				!strings.Contains(err.Error(), path) {
				t.Fatalf("error = %v, want one naming %s and %q", err, path, tc.want)
			}
		})
	}
	_, err := New(Definition{Name: "bad", RankFile: good, Pattern: `(`})
	if err == nil || !strings.Contains(err.Error(), "split pattern") {
		t.Errorf("bad pattern: error = %v", err)
	}
	_, err = New(Definition{Name: "bad", RankFile: good, Pattern: PatternGPT2,
		Specials: map[string]int32{"<|x|>": 65}})
	if err == nil || !strings.Contains(err.Error(), "already uses") {
		t.Errorf("special on a rank: error = %v", err)
	}
}
