package tokenize

import (
	"os"
	"path/filepath"
	"testing"
)

// dataDir returns the shared real-data directory ($TOKENMILL_DATA, default
// ../shared/data from the repository root). Without it the test is skipped,
// except under CI=true, where it fails.
func dataDir(t testing.TB) string {
	t.Helper()
	dir := os.Getenv("TOKENMILL_DATA")
	if dir == "" {
		root, err := filepath.Abs(".")
		if err != nil {
			t.Fatal(err)
		}
		for {
			if _, err := os.Stat(filepath.Join(root, "go.mod")); err == nil {
				break
			}
			parent := filepath.Dir(root)
			if parent == root {
				t.Fatal("no go.mod above the test directory")
			}
			root = parent
		}
		dir = filepath.Join(root, "..", "shared", "data")
	}
	if _, err := os.Stat(dir); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("real data directory %s is missing (set TOKENMILL_DATA): %v", dir, err)
		}
		t.Skipf("real data directory %s is missing (set TOKENMILL_DATA)", dir)
	}
	return dir
}
