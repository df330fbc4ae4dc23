package crawl

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"

	"github.com/tokenmill/tokenmill/mill"
)

// TestSpecExamples checks that the YAML example of the web and warc
// sources names only declared options with valid values.
func TestSpecExamples(t *testing.T) {
	for _, spec := range []*mill.Spec{&WebSpec, &WARCSpec} {
		var doc struct {
			Sources []map[string]any `yaml:"sources"`
		}
		if err := yaml.Unmarshal([]byte(spec.Example), &doc); err != nil || len(doc.Sources) != 1 {
			t.Fatalf("%s: example does not parse: %v", spec.Name, err)
		}
		vals := map[string]any{}
		for k, v := range doc.Sources[0] {
			if k == "kind" {
				if v != spec.Name {
					t.Errorf("%s: example kind %v", spec.Name, v)
				}
				continue
			}
			o := spec.Option(k)
			if o == nil {
				t.Errorf("%s: example uses undeclared option %s", spec.Name, k)
				continue
			}
			s := fmt.Sprint(v)
			if list, ok := v.([]any); ok {
				var parts []string
				for _, x := range list {
					parts = append(parts, fmt.Sprint(x))
				}
				s = strings.Join(parts, ",")
			}
			pv, err := o.Parse(s)
			if err != nil {
				t.Errorf("%s: example option %s: %v", spec.Name, k, err)
			}
			vals[k] = pv
		}
		if _, err := mill.NewConfig(spec, vals); err != nil {
			t.Errorf("%s: example does not validate: %v", spec.Name, err)
		}
	}
	// The web example's seed file resolves against the pipeline directory.
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "seeds.txt"), []byte("https://example.org/\n"), 0o644)
	cfg, _ := mill.NewConfig(&WebSpec, map[string]any{"urls": "seeds.txt"})
	if wc, err := WebConfigFrom(cfg, dir); err != nil || len(wc.Seeds) != 1 {
		t.Errorf("seed file next to the pipeline: %v", err)
	}
}
