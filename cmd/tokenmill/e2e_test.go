package main

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/shard"
	"github.com/tokenmill/tokenmill/tokenize"
)

// tm runs the CLI in-process and returns its exit status, stdout and stderr.
func tm(t *testing.T, stdin io.Reader, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	if stdin == nil {
		stdin = strings.NewReader("")
	}
	a := &app{stdin: stdin, stdout: &out, stderr: &errb}
	code := a.main(context.Background(), args)
	return code, out.String(), errb.String()
}

func mustTM(t *testing.T, stdin io.Reader, args ...string) string {
	t.Helper()
	code, out, errs := tm(t, stdin, args...)
	if code != 0 {
		t.Fatalf("tokenmill %s: exit %d\n%s", strings.Join(args, " "), code, errs)
	}
	return out
}

// shardFiles returns name → bytes of every Arrow shard and the manifest.
func shardFiles(t *testing.T, dir string) map[string][]byte {
	t.Helper()
	files := map[string][]byte{}
	err := filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		rel, _ := filepath.Rel(dir, p)
		if strings.HasSuffix(p, ".arrow") || rel == "manifest.json" {
			data, err := os.ReadFile(p)
			files[rel] = data
			return err
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) < 2 {
		t.Fatalf("%s holds no shards: %v", dir, slices.Collect(mapsKeys(files)))
	}
	return files
}

func mapsKeys(m map[string][]byte) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

// The default pipeline runs over the embedded corpus; every shard row's
// tokens equal a fresh encoding of its text plus end-of-text.
func TestDefaultPipelineRoundTrip(t *testing.T) {
	out := filepath.Join(t.TempDir(), "out")
	_, _, errs := tm(t, nil, "run", "--output", out)
	for _, want := range []string{"read", "clean", "dedup", "tokenize", "shard", "elapsed"} {
		if !strings.Contains(errs, want) {
			t.Errorf("summary lacks %q:\n%s", want, errs)
		}
	}
	ds, err := shard.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	m := ds.Manifest
	if m.Compression != "zstd" || m.Encoding != "cl100k_base" || len(m.Shards) == 0 {
		t.Fatalf("manifest %+v", m)
	}
	enc, err := tokenize.Get("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	eot, ok := enc.EndOfText()
	if !ok {
		t.Fatal("cl100k_base has no end-of-text token")
	}
	sources := map[string]int{}
	var rows, tokens int64
	for _, e := range m.Shards {
		err := shard.ReadFile(ds.Path(e), func(r shard.Row) error {
			want := append(enc.Encode(r.Text), eot)
			if !slices.Equal(r.Tokens, want) {
				t.Errorf("doc %s: shard tokens differ from a fresh encoding", r.ID)
			}
			sources[r.Source]++
			rows++
			tokens += int64(len(r.Tokens))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	tot := m.Totals("")
	if rows != tot.Rows || tokens != tot.Tokens || rows < 20 {
		t.Errorf("read %d rows, %d tokens; manifest says %d, %d", rows, tokens, tot.Rows, tot.Tokens)
	}
	if sources["file"] == 0 || sources["common-crawl"] == 0 {
		t.Errorf("rows per source %v: want books, pages and papers, and CCNet documents", sources)
	}
	if _, err := os.Stat(filepath.Join(out, "summary.json")); err != nil {
		t.Errorf("run summary not saved: %v", err)
	}

	// stats shows documents and tokens per source.
	stats := mustTM(t, nil, "stats", out)
	for _, want := range []string{"file", "common-crawl"} {
		if !strings.Contains(stats, want) {
			t.Errorf("stats lacks source %q:\n%s", want, stats)
		}
	}
}

// One worker and four workers give byte-identical shards.
func TestDeterministicAcrossWorkers(t *testing.T) {
	base := t.TempDir()
	var first map[string][]byte
	for _, w := range []string{"1", "4"} {
		out := filepath.Join(base, "w"+w)
		mustTM(t, nil, "run", "--quiet", "--workers", w, "--output", out)
		got := shardFiles(t, out)
		if first == nil {
			first = got
			continue
		}
		if !reflect.DeepEqual(slices.Sorted(mapsKeys(got)), slices.Sorted(mapsKeys(first))) {
			t.Fatalf("different files: %v vs %v", slices.Sorted(mapsKeys(got)),
				slices.Sorted(mapsKeys(first)))
		}
		for name, data := range got {
			if !bytes.Equal(data, first[name]) {
				t.Errorf("%s differs between 1 and 4 workers", name)
			}
		}
	}
}

// clean | dedup | tokenize | shard gives the same shards as the YAML
// pipeline with the same stages.
func TestShellPipeEqualsPipeline(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.jsonl")
	// Real documents: the demo corpus extracted to JSONL.
	mustTM(t, nil, "extract", "-o", in, "../../pipelines/demo")
	yaml := `sources: [{kind: files, paths: [in.jsonl]}]
stages:
  - {kind: clean, min_chars: 100}
  - dedup
  - {kind: tokenize, encoding: o200k_base}
output: {kind: shard, dir: viayaml, max_shard_size: 200KB}
`
	pf := filepath.Join(dir, "p.yaml")
	os.WriteFile(pf, []byte(yaml), 0o644)
	mustTM(t, nil, "run", "--quiet", pf)

	data, _ := os.ReadFile(in)
	cleaned := mustTM(t, bytes.NewReader(data), "clean", "--quiet", "--min-chars", "100")
	deduped := mustTM(t, strings.NewReader(cleaned), "dedup", "--quiet")
	toks := mustTM(t, strings.NewReader(deduped), "tokenize", "--quiet", "--encoding", "o200k_base")
	viaPipe := filepath.Join(dir, "viapipe")
	mustTM(t, strings.NewReader(toks), "shard", "--quiet", "-o", viaPipe,
		"--max-shard-size", "200KB", "--encoding", "o200k_base")

	a, b := shardFiles(t, filepath.Join(dir, "viayaml")), shardFiles(t, viaPipe)
	if len(a) < 3 {
		t.Errorf("want several shards to compare rotation too, got %d files", len(a))
	}
	for name, data := range a {
		if name == "manifest.json" {
			continue
		}
		if !bytes.Equal(data, b[name]) {
			t.Errorf("%s differs between the pipe and the pipeline", name)
		}
	}
	if len(a) != len(b) {
		t.Errorf("pipeline wrote %d files, pipe %d", len(a), len(b))
	}
}

func TestMalformedJSONLIsCountedAndSkipped(t *testing.T) {
	in := `{"id":"1","text":"` + strings.Repeat("good text ", 10) + `"}
{"id":"2","text":
not json at all
{"id":"3","text":"` + strings.Repeat("more text ", 10) + `"}
`
	code, out, errs := tm(t, strings.NewReader(in), "clean", "--min-chars", "10")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	if n := strings.Count(out, "\n"); n != 2 {
		t.Errorf("got %d documents, want 2:\n%s", n, out)
	}
	for _, want := range []string{"<stdin>:2:", "<stdin>:3:", "malformed_json=2"} {
		if !strings.Contains(errs, want) {
			t.Errorf("stderr lacks %q:\n%s", want, errs)
		}
	}
}

func TestBadPipelineErrors(t *testing.T) {
	dir := t.TempDir()
	pf := filepath.Join(dir, "bad.yaml")
	os.WriteFile(pf, []byte("sources: [{kind: files, paths: [x]}]\nstages:\n"+
		"  - kind: tokenize\n    encoding: cl200k\noutput: {kind: shard}\n"), 0o644)
	for _, cmd := range []string{"run", "validate"} {
		code, _, errs := tm(t, nil, cmd, pf)
		want := pf + ":4:15: stages[0].encoding: \"cl200k\" is not a valid choice (valid: "
		if code == 0 || !strings.Contains(errs, want) {
			t.Errorf("%s: exit %d, stderr\n%s\nwant %q", cmd, code, errs, want)
		}
	}
	// A source pattern that matches nothing is reported at its place, and no
	// output is created.
	os.WriteFile(pf, []byte("sources: [{kind: files, paths: [nope/*.txt]}]\n"+
		"output: {kind: shard, dir: out}\n"), 0o644)
	code, _, errs := tm(t, nil, "run", pf)
	if want := pf + ":1:32: sources[0].paths: \"nope/*.txt\" matches no file"; code == 0 ||
		!strings.Contains(errs, want) {
		t.Errorf("exit %d, stderr\n%s\nwant %q", code, errs, want)
	}
	if _, err := os.Stat(filepath.Join(dir, "out")); err == nil {
		t.Error("a failed build must not create the output")
	}
	if code, _, _ := tm(t, nil, "clean", "--min-chars", "many"); code != 2 {
		t.Errorf("a bad flag value must exit 2, got %d", code)
	}
	if code, _, errs := tm(t, nil, "frobnicate"); code != 2 || !strings.Contains(errs, "valid:") {
		t.Errorf("unknown command: exit %d, %s", code, errs)
	}
}

func TestEveryCommandHasHelpWithExamples(t *testing.T) {
	for _, name := range commandNames() {
		code, out, _ := tm(t, nil, name, "--help")
		if code != 0 || !strings.Contains(out, "Usage: tokenmill "+name) {
			t.Errorf("%s --help: exit %d\n%s", name, code, out)
		}
		if name != "version" && !strings.Contains(out, "Examples:") &&
			!strings.Contains(out, "Example") {
			t.Errorf("%s --help has no examples", name)
		}
	}
}

// docs/components.md is the output of `tokenmill schema --markdown`.
func TestComponentDocsUpToDate(t *testing.T) {
	got := mustTM(t, nil, "schema", "--markdown")
	path := "../../docs/components.md"
	if os.Getenv("UPDATE_DOCS") != "" {
		os.MkdirAll(filepath.Dir(path), 0o755)
		os.WriteFile(path, []byte(got), 0o644)
	}
	want, err := os.ReadFile(path)
	if err != nil || string(want) != got {
		t.Errorf("docs/components.md is stale: run UPDATE_DOCS=1 go test ./cmd/tokenmill " +
			"-run ComponentDocs")
	}
}

func TestExtractGivesFileURLsAndStableIDs(t *testing.T) {
	page := "../../pipelines/demo/web/boingboing.net.millenials.html"
	out1 := mustTM(t, nil, "extract", page)
	out2 := mustTM(t, nil, "extract", page)
	abs, _ := filepath.Abs(page)
	if out1 != out2 || !strings.Contains(out1, `"url":"file://`+abs+`"`) {
		t.Errorf("extract output unstable or without file URL:\n%s", out1)
	}
	if !strings.Contains(out1, "Millenni") {
		t.Errorf("main text missing:\n%.300s", out1)
	}
}
