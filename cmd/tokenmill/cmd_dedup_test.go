package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dedupInput writes JSONL of passages of a real book: 40 distinct ones, an
// exact copy of passage 3 and an edited copy of passage 5 (one word
// changed), and returns its path.
func dedupInput(t *testing.T) string {
	t.Helper()
	data := os.Getenv("TOKENMILL_DATA")
	if data == "" {
		data = "../../../shared/data"
	}
	b, err := os.ReadFile(filepath.Join(data, "books/gutenberg-txt/modern-utf8/pg84.txt"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal(err)
		}
		t.Skip(err)
	}
	words := strings.Fields(string(b))
	var lines []string
	add := func(id, text string) {
		j, _ := json.Marshal(map[string]string{"id": id, "text": text})
		lines = append(lines, string(j))
	}
	var passages []string
	for i := range 40 {
		passages = append(passages, strings.Join(words[1000+i*300:1000+i*300+250], " "))
		add("p"+string(rune('A'+i)), passages[i])
		if i == 20 {
			lines = append(lines, "{not json") // skipped alike by every mode
		}
	}
	add("exact", passages[3])
	edited := strings.Fields(passages[5])
	edited[100] = "lighthouse"
	add("edited", strings.Join(edited, " "))
	path := filepath.Join(t.TempDir(), "in.jsonl")
	if err := os.WriteFile(path, []byte(strings.Join(lines, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func ids(t *testing.T, jsonl string) []string {
	t.Helper()
	var out []string
	for _, line := range strings.Split(strings.TrimSpace(jsonl), "\n") {
		var d struct{ ID string }
		if err := json.Unmarshal([]byte(line), &d); err != nil {
			t.Fatalf("bad output line %q: %v", line, err)
		}
		out = append(out, d.ID)
	}
	return out
}

func TestDedupFilterModesAndSteps(t *testing.T) {
	in := dedupInput(t)
	check := func(name, out string) {
		t.Helper()
		got := ids(t, out)
		if len(got) != 40 || strings.Contains(out, `"exact"`) || strings.Contains(out, `"edited"`) {
			t.Errorf("%s kept %d documents: %v", name, len(got), got)
		}
	}
	check("streaming", mustTM(t, nil, "dedup", "--quiet", in))
	stdin, _ := os.Open(in)
	defer stdin.Close()
	check("cluster mode from stdin", mustTM(t, stdin, "dedup", "--quiet", "--mode", "cluster"))

	work := filepath.Join(t.TempDir(), "w")
	mustTM(t, nil, "dedup", "signatures", "--quiet", "--work-dir", work, in)
	mustTM(t, nil, "dedup", "buckets", "--quiet", "--work-dir", work)
	_, _, stats := tm(t, nil, "dedup", "clusters", "--work-dir", work)
	if !strings.Contains(stats, "cluster size histogram") {
		t.Errorf("clusters step printed no histogram:\n%s", stats)
	}
	check("steps", mustTM(t, nil, "dedup", "filter", "--quiet", "--work-dir", work, in))

	// With --near=false only the exact copy goes.
	if got := ids(t, mustTM(t, nil, "dedup", "--quiet", "--near=false", in)); len(got) != 41 {
		t.Errorf("--near=false kept %d documents, want 41", len(got))
	}
}

func TestDedupUsageErrors(t *testing.T) {
	in := dedupInput(t)
	for _, args := range [][]string{
		{"dedup", "buckets"},
		{"dedup", "--mode", "sideways", in},
		{"dedup", "--mode", "cluster", "--url", in},
		{"dedup", "--mode", "cluster", "--survivor", "oldest", in},
		{"dedup", "--bands", "10", in},
	} {
		if code, _, errs := tm(t, nil, args...); code != 2 || errs == "" {
			t.Errorf("tokenmill %s: exit %d, want 2 with a message\n%s", strings.Join(args, " "),
				code, errs)
		}
	}
}

// A filter that reaches memory_limit stops with an error that says what to
// do, keeping what it wrote; with on_memory_limit keep it writes everything
// but still exits 1.
func TestDedupMemoryLimitFailsClearly(t *testing.T) {
	in := dedupInput(t)
	out := filepath.Join(t.TempDir(), "out.jsonl")
	code, _, errs := tm(t, nil, "dedup", "--quiet", "--memory-limit", "20KB", in, "-o", out)
	if code != 1 || !strings.Contains(errs, "raise memory_limit") {
		t.Fatalf("exit %d, want 1 with a memory_limit message:\n%s", code, errs)
	}
	b, err := os.ReadFile(out)
	if err != nil || strings.Count(string(b), "\n") >= 40 {
		t.Fatalf("want a committed prefix of the output: %v", err)
	}

	code, _, errs = tm(t, nil, "dedup", "--quiet", "--memory-limit", "20KB",
		"--on-memory-limit", "keep", in, "-o", out)
	if code != 1 || !strings.Contains(errs, "memory_limit reached") {
		t.Fatalf("exit %d, want 1 with a memory_limit message:\n%s", code, errs)
	}
	b, err = os.ReadFile(out)
	if err != nil || len(ids(t, string(b))) < 40 {
		t.Fatalf("output not written in full: %v", err)
	}
}
