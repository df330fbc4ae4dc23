package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/shard"
)

// TestShardKillResume runs a pipeline, kills it with SIGKILL at random
// moments after it has committed shards, resumes it with --resume each
// time, and checks that the final shards hold every input document exactly
// once, with its text intact, and are the bytes an uninterrupted run writes.
func TestShardKillResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and runs a pipeline several times")
	}
	root := shardRepoRoot(t)
	work := t.TempDir()
	bin := filepath.Join(work, "tokenmill")
	build := exec.Command("go", "build", "-o", bin, "./cmd/tokenmill")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	// A corpus of unique documents cut from the demo books.
	const n = 4000
	texts := shardKillTexts(t, root, n)
	var corpus strings.Builder
	for i, text := range texts {
		line, _ := json.Marshal(map[string]string{"id": fmt.Sprintf("doc-%05d", i),
			"text": text, "source": "books"})
		corpus.Write(line)
		corpus.WriteByte('\n')
	}
	os.WriteFile(filepath.Join(work, "corpus.jsonl"), []byte(corpus.String()), 0o644)
	pipeline := `name: kill-test
sources:
  - kind: files
    paths: [corpus.jsonl]
stages:
  - kind: tokenize
    encoding: cl100k_base
output:
  kind: shard
  dir: out
  max_shard_size: 200KB
  batch_size: 64KB
  validation: 0.1
  shuffle_window: 64
  seed: 7
`
	yaml := filepath.Join(work, "pipeline.yaml")
	os.WriteFile(yaml, []byte(pipeline), 0o644)
	out := filepath.Join(work, "out")

	rng := rand.New(rand.NewPCG(1, 2))
	kills := 0
	for round := 0; round < 8 && kills < 5; round++ {
		args := []string{"run", yaml, "--quiet", "--log-level", "warn"}
		if round > 0 {
			args = append(args, "--resume")
		}
		cmd := exec.Command(bin, args...)
		var stderr strings.Builder
		cmd.Stderr = &stderr
		before := shardProgress(out)
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		// Kill once the run has committed something new, after a random
		// extra moment, so that the kill lands mid-run.
		target := before + 1 + uint64(rng.IntN(6))
		killed := false
		deadline := time.Now().Add(2 * time.Minute)
	wait:
		for time.Now().Before(deadline) {
			select {
			case err := <-done:
				if err != nil {
					t.Fatalf("round %d: %v\n%s", round, err, stderr.String())
				}
				break wait
			case <-time.After(5 * time.Millisecond):
			}
			if shardProgress(out) >= target {
				time.Sleep(time.Duration(rng.IntN(40)) * time.Millisecond)
				cmd.Process.Signal(syscall.SIGKILL)
				<-done
				killed = true
				break
			}
		}
		if !killed {
			t.Logf("round %d finished before a kill", round)
			break
		}
		kills++
		if m, err := shard.ReadManifest(out); err == nil {
			t.Logf("round %d: killed with %d shards and %d documents committed", round,
				len(m.Shards), m.Committed)
		}
	}
	if kills < 3 {
		t.Fatalf("only %d kills landed mid-run; the corpus is too small for this machine", kills)
	}

	final := exec.Command(bin, "run", yaml, "--quiet", "--resume")
	if msg, err := final.CombinedOutput(); err != nil {
		t.Fatalf("final resumed run: %v\n%s", err, msg)
	}
	if msg, err := exec.Command(bin, "verify", out).CombinedOutput(); err != nil {
		t.Fatalf("verify: %v\n%s", err, msg)
	}

	// The same pipeline never interrupted writes the same bytes.
	clean := filepath.Join(work, "clean")
	if msg, err := exec.Command(bin, "run", yaml, "--quiet", "--output", clean).
		CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, msg)
	}
	shardCompareDirs(t, clean, out)

	ds, err := shard.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]int{}
	for _, e := range ds.Manifest.Shards {
		err := shard.ReadFile(ds.Path(e), func(r shard.Row) error {
			seen[r.ID]++
			var i int
			fmt.Sscanf(r.ID, "doc-%05d", &i)
			if r.Text != texts[i] {
				return fmt.Errorf("document %s: text differs from the input", r.ID)
			}
			if (e.Split == "validation") != shard.IsValidation(r.ID, 0.1) {
				return fmt.Errorf("document %s in the wrong split %s", r.ID, e.Split)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	for i := range n {
		id := fmt.Sprintf("doc-%05d", i)
		if seen[id] != 1 {
			t.Fatalf("%s is in the shards %d times after %d kills", id, seen[id], kills)
		}
	}
	if len(seen) != n {
		t.Fatalf("%d distinct documents, want %d", len(seen), n)
	}
}

// shardProgress measures a run's progress: committed documents plus shards
// in the manifest (0 when there is none yet).
func shardProgress(dir string) uint64 {
	m, err := shard.ReadManifest(dir)
	if err != nil {
		return 0
	}
	return m.Committed + uint64(len(m.Shards))
}

// shardKillTexts makes n distinct texts of about 2 KB from the UTF-8 demo
// books.
func shardKillTexts(t *testing.T, root string, n int) []string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(root, "pipelines", "demo", "books", "*.txt"))
	var paras []string
	for _, f := range files {
		if strings.Contains(f, "cp1252") {
			continue
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range strings.Split(string(data), "\n\n") {
			if p = strings.TrimSpace(p); len(p) > 40 {
				paras = append(paras, p)
			}
		}
	}
	texts := make([]string, n)
	for i := range texts {
		var b strings.Builder
		fmt.Fprintf(&b, "Excerpt %d.\n\n", i)
		for k := 0; b.Len() < 2000; k++ {
			b.WriteString(paras[(i*7+k)%len(paras)])
			b.WriteString("\n\n")
		}
		texts[i] = b.String()
	}
	return texts
}

// shardCompareDirs fails unless two shard directories hold the same files
// with the same bytes, the run summary (which holds timings) aside.
func shardCompareDirs(t *testing.T, a, b string) {
	t.Helper()
	files := map[string]bool{}
	for _, root := range []string{a, b} {
		filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && d.Name() != "summary.json" {
				rel, _ := filepath.Rel(root, p)
				files[rel] = true
			}
			return nil
		})
	}
	for f := range files {
		x, errX := os.ReadFile(filepath.Join(a, f))
		y, errY := os.ReadFile(filepath.Join(b, f))
		if errX != nil || errY != nil || !bytes.Equal(x, y) {
			t.Errorf("%s differs between the uninterrupted and the killed run (%v, %v)%s", f,
				errX, errY, firstDiff(x, y))
		}
	}
}

// firstDiff shows the first line where two texts differ.
func firstDiff(x, y []byte) string {
	a, b := strings.Split(string(x), "\n"), strings.Split(string(y), "\n")
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return fmt.Sprintf(": line %d: %.200q vs %.200q", i+1, a[i], b[i])
		}
	}
	return ""
}
