package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/tokenmill/tokenmill/shard"
)

// dataDir returns the shared real-data directory ($TOKENMILL_DATA, default
// ../shared/data beside the repository). Without it the test skips, except
// under CI=true, where it fails.
func dataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TOKENMILL_DATA")
	if dir == "" {
		dir = "../../../shared/data"
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real test data not found at %s (set TOKENMILL_DATA)", dir)
		}
		t.Skipf("real test data not found at %s (set TOKENMILL_DATA)", dir)
	}
	abs, _ := filepath.Abs(dir)
	return abs
}

// buildBinary compiles tokenmill once per test binary.
func buildBinary(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "tokenmill")
	cmd := exec.Command("go", "build", "-o", bin, ".")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return bin
}

// readIDs returns the ids of every row in a shard directory, in order.
func readIDs(t *testing.T, dir string) []string {
	t.Helper()
	ds, err := shard.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var ids []string
	for _, e := range ds.Manifest.Shards {
		err := shard.ReadFile(ds.Path(e), func(r shard.Row) error {
			ids = append(ids, r.ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return ids
}

// SIGINT stops reading, commits what is in flight, exits 130 with the
// command that resumes; resuming yields exactly the documents of an
// uninterrupted run.
func TestInterruptAndResume(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and tokenizes real books")
	}
	data := dataDir(t)
	bin := buildBinary(t)
	dir := t.TempDir()
	pipeline := filepath.Join(dir, "books.yaml")
	os.WriteFile(pipeline, []byte(`sources:
  - kind: files
    paths: [`+filepath.Join(data, "books/gutenberg-txt")+`]
stages:
  - kind: clean
  - dedup
  - kind: tokenize
    encoding: cl100k_base
output:
  kind: shard
  dir: out
  max_shard_size: 1MB
`), 0o644)

	full := filepath.Join(dir, "full")
	if out, err := exec.Command(bin, "run", "--quiet", "--output", full, pipeline).
		CombinedOutput(); err != nil {
		t.Fatalf("uninterrupted run: %v\n%s", err, out)
	}
	want := readIDs(t, full)

	out := filepath.Join(dir, "out")
	var stderr bytes.Buffer
	cmd := exec.Command(bin, "run", "--workers", "1", pipeline)
	cmd.Dir = dir
	cmd.Stderr = &stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Interrupt once the first shard is committed.
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		if m, err := shard.ReadManifest(out); err == nil && len(m.Shards) > 0 {
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	cmd.Process.Signal(syscall.SIGINT)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok {
		t.Skipf("the run finished before the interrupt landed (err %v)", err)
	}
	if ee.ExitCode() != 130 || !strings.Contains(stderr.String(), "--resume") {
		t.Fatalf("exit %d, stderr:\n%s", ee.ExitCode(), stderr.String())
	}
	partial := readIDs(t, out)
	if len(partial) == 0 || len(partial) >= len(want) {
		t.Logf("interrupted run committed %d of %d documents", len(partial), len(want))
	}

	res, err := exec.Command(bin, "run", "--quiet", "--resume", "--output", out, pipeline).
		CombinedOutput()
	if err != nil {
		t.Fatalf("resume: %v\n%s", err, res)
	}
	got := readIDs(t, out)
	if !slices.Equal(got, want) {
		t.Errorf("interrupted + resumed run holds %d documents, uninterrupted %d; "+
			"they must be the same documents in the same order", len(got), len(want))
	}
}
