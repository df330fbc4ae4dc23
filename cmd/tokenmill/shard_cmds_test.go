package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestShardCommands runs the default pipeline, then stats (text, JSON,
// HTML), inspect --decode, export megatron and verify, the last also on a
// damaged shard.
func TestShardCommands(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	mustTM(t, nil, "run", "--quiet", "--output", dir)

	// stats --json: figures agree with the manifest, tokens decoded.
	var st struct {
		Docs    int64 `json:"documents"`
		Tokens  int64 `json:"tokens"`
		Sources []struct {
			Source string `json:"source"`
		} `json:"sources"`
		Vocab struct {
			Used int `json:"used"`
			Size int `json:"size"`
			Top  []struct {
				Text string `json:"text"`
			} `json:"top"`
		} `json:"vocabulary"`
		EOT struct {
			OK bool `json:"ok"`
		} `json:"end_of_text"`
		Drops []struct {
			Stage string `json:"stage"`
		} `json:"drops"`
	}
	report := filepath.Join(t.TempDir(), "report.html")
	out := mustTM(t, nil, "stats", dir, "--json", "--html", report)
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("stats --json: %v\n%.300s", err, out)
	}
	verified := mustTM(t, nil, "verify", dir)
	if !strings.HasPrefix(verified, "ok: ") {
		t.Fatalf("verify: %s", verified)
	}
	if st.Docs == 0 || st.Tokens == 0 || !st.EOT.OK || st.Vocab.Size != 100277 ||
		len(st.Sources) < 2 || len(st.Drops) < 3 {
		t.Fatalf("stats: %+v", st)
	}
	if !strings.Contains(verified, " "+itoa64(st.Tokens)+" tokens") {
		t.Fatalf("verify says %q; stats counted %d tokens", verified, st.Tokens)
	}
	if st.Vocab.Top[0].Text == "" {
		t.Fatal("most frequent token not decoded")
	}
	page, err := os.ReadFile(report)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<svg", `id="length-histogram"`, `id="tokens-per-source"`,
		`id="drops-per-stage"`, "cl100k_base", "every document ends with"} {
		if !strings.Contains(string(page), want) {
			t.Errorf("HTML report lacks %q", want)
		}
	}
	if regexp.MustCompile(`(?i)(src|href)\s*=|https?://`).Match(page) {
		t.Error("HTML report references something outside itself")
	}
	text := mustTM(t, nil, "stats", dir)
	for _, want := range []string{"documents", "quantiles", "histogram", "end-of-text",
		"most frequent tokens"} {
		if !strings.Contains(text, want) {
			t.Errorf("stats text lacks %q", want)
		}
	}

	// inspect --decode prints schema, counts and decoded rows.
	shardFile := filepath.Join(dir, "data-00000-of-00001.arrow")
	ins := mustTM(t, nil, "inspect", shardFile, "--rows", "2", "--decode", "--width", "-1")
	for _, want := range []string{"tokens       list<item: int32", "rows ", "--- row 1",
		"decoded \"", "<|endoftext|>"} {
		if !strings.Contains(ins, want) {
			t.Errorf("inspect lacks %q:\n%.600s", want, ins)
		}
	}

	// export megatron writes a .bin/.idx pair covering every token.
	prefix := filepath.Join(t.TempDir(), "mt", "corpus")
	exp := mustTM(t, nil, "export", "megatron", dir, "--out", prefix)
	if !strings.Contains(exp, itoa64(st.Tokens)+" tokens") {
		t.Fatalf("export: %s", exp)
	}
	bin, err := os.Stat(prefix + ".bin")
	if err != nil || bin.Size() != 4*st.Tokens {
		t.Fatalf(".bin: %v, %d bytes for %d int32 tokens", err, bin.Size(), st.Tokens)
	}

	// verify fails, naming the shard, once a byte changes.
	b, _ := os.ReadFile(shardFile)
	b[len(b)/3] ^= 1
	os.WriteFile(shardFile, b, 0o644)
	code, _, errs := tm(t, nil, "verify", dir)
	if code == 0 || !strings.Contains(errs, "data-00000-of-00001.arrow") {
		t.Fatalf("verify of a damaged shard: exit %d, %s", code, errs)
	}
}

func itoa64(n int64) string {
	b, _ := json.Marshal(n)
	return string(b)
}
