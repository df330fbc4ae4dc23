package pipelines

import (
	goparser "go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// Stage packages import mill (and shared internal helpers) but never each
// other, pipelines or cmd; mill imports none of them.
func TestLayering(t *testing.T) {
	const module = "github.com/tokenmill/tokenmill/"
	stages := []string{"crawl", "clean", "dedup", "tokenize", "shard"}
	forbidden := map[string][]string{"mill": append([]string{"pipelines", "cmd"}, stages...)}
	for _, s := range stages {
		f := []string{"pipelines", "cmd"}
		for _, other := range stages {
			if other != s {
				f = append(f, other)
			}
		}
		forbidden[s] = f
	}
	for dir, bad := range forbidden {
		err := filepath.WalkDir(filepath.Join("..", dir), func(p string, d fs.DirEntry,
			err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(p, ".go") {
				return err
			}
			f, err := goparser.ParseFile(token.NewFileSet(), p, nil, goparser.ImportsOnly)
			if err != nil {
				return err
			}
			for _, imp := range f.Imports {
				path, _ := strconv.Unquote(imp.Path.Value)
				rel, ok := strings.CutPrefix(path, module)
				if !ok {
					continue
				}
				top := strings.SplitN(rel, "/", 2)[0]
				for _, b := range bad {
					if top == b {
						t.Errorf("%s imports %s: %s must not depend on %s", p, path, dir, b)
					}
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
}
