package pipelines

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConfigErrorsNamePositionPathAndChoices(t *testing.T) {
	tests := []struct {
		name, yaml string
		want       string
	}{
		{"unknown top key", "sources: [{kind: files, paths: [a]}]\noutput: {kind: jsonl}\nstagez: []\n",
			"p.yaml:3:1: stagez: unknown key (valid: buffer, name, output, sources, stages, workers)"},
		{"unknown option", "sources:\n  - kind: files\n    pathz: [a]\noutput: {kind: jsonl}\n",
			"p.yaml:3:5: sources[0].pathz: unknown option of source files (valid: max_file_size, paths, source)"},
		{"unknown kind", "sources: [{kind: files, paths: [a]}]\nstages:\n  - kind: klean\noutput: {kind: jsonl}\n",
			"p.yaml:3:11: stages[0].kind: unknown stage \"klean\" (valid: "},
		{"wrong type", "sources: [{kind: files, paths: [a]}]\nstages:\n  - kind: clean\n    min_chars: [1]\noutput: {kind: jsonl}\n",
			"p.yaml:4:16: stages[0].min_chars: expected a single value, got a list"},
		{"bad int", "sources: [{kind: files, paths: [a]}]\nstages:\n  - kind: clean\n    min_chars: lots\noutput: {kind: jsonl}\n",
			"p.yaml:4:16: stages[0].min_chars: \"lots\" is not an integer"},
		{"bad choice", "sources: [{kind: files, paths: [a]}]\nstages:\n  - {kind: clean, normalization: nfd}\noutput: {kind: jsonl}\n",
			"p.yaml:3:34: stages[0].normalization: \"nfd\" is not a valid choice (valid: nfc, nfkc, none)"},
		{"missing required", "sources:\n  - kind: files\noutput: {kind: jsonl}\n",
			"p.yaml:2:5: sources[0].paths: is required by files"},
		{"strings as mapping", "sources:\n  - kind: files\n    paths: {a: b}\noutput: {kind: jsonl}\n",
			"p.yaml:3:12: sources[0].paths: expected a list of strings, got a mapping"},
		{"workers on stateful stage", "sources: [{kind: files, paths: [a]}]\nstages:\n  - kind: dedup\n    workers: 4\noutput: {kind: jsonl}\n",
			"p.yaml:4:14: stages[0].workers: dedup is stateful and runs on one worker"},
		{"no output", "sources: [{kind: files, paths: [a]}]\n",
			"p.yaml:1:1: output: a pipeline needs an output"},
		{"syntax", "sources: [\n  - kind: files\n", "p.yaml:"},
		{"not a mapping", "- a\n- b\n", "p.yaml:1:1: a pipeline is a mapping"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.yaml), "p.yaml")
			var ce *ConfigError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want a *ConfigError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error\n  %v\nwant prefix\n  %s", err, tt.want)
			}
		})
	}
}

func TestConfigBareStageNamesAndWorkers(t *testing.T) {
	c, err := Parse([]byte(`
name: t
workers: 3
sources: [{kind: files, paths: [a.txt]}]
stages:
  - clean
  - kind: clean
    workers: 2
    min_chars: 5
output: {kind: jsonl, path: out.jsonl}
`), "t.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Stages) != 2 || c.Stages[0].Config.Int("min_chars") != 50 ||
		c.Stages[1].Config.Int("min_chars") != 5 || c.Stages[1].Workers != 2 || c.Workers != 3 {
		t.Errorf("unexpected config %+v", c)
	}
}

// Every pipeline file shipped in the repository must load.
func TestShippedPipelinesLoad(t *testing.T) {
	files, _ := filepath.Glob("*.yaml")
	more, _ := filepath.Glob("../testdata/*.yaml")
	files = append(files, more...)
	if len(files) == 0 {
		t.Fatal("no pipeline files found")
	}
	for _, f := range files {
		if strings.Contains(f, "invalid") {
			continue
		}
		if _, err := LoadFile(f); err != nil {
			t.Errorf("%v", err)
		}
	}
	if _, err := Parse(DefaultPipeline, "default.yaml"); err != nil {
		t.Errorf("embedded default pipeline: %v", err)
	}
	if _, err := os.Stat("demo/README.md"); err != nil {
		t.Errorf("the demo corpus must say where its files come from: %v", err)
	}
}

// Every component's documented example is a valid pipeline fragment.
func TestSpecExamplesParse(t *testing.T) {
	for _, s := range Specs() {
		if s.Example == "" {
			t.Errorf("%s %s has no example", s.Role, s.Name)
			continue
		}
		doc := s.Example
		if !strings.HasSuffix(doc, "\n") {
			doc += "\n"
		}
		if s.Role != "source" {
			doc = "sources: [{kind: files, paths: [x.txt]}]\n" + doc
		}
		if s.Role != "sink" {
			doc += "output: {kind: jsonl}\n"
		}
		if _, err := Parse([]byte(doc), s.Name+" example"); err != nil {
			t.Errorf("%s %s: example does not parse: %v\n%s", s.Role, s.Name, err, doc)
		}
	}
}
