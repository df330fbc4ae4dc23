package shard

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/apache/arrow-go/v18/arrow/ipc"
)

func readJSON(t *testing.T, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatalf("%s: %v", path, err)
	}
	return v
}

// TestHuggingFaceLayout checks the files datasets.load_from_disk reads:
// dataset_dict.json naming the splits, and per split state.json listing the
// data files in order, dataset_info.json with the features, and the
// "huggingface" schema metadata in every stream file.
func TestHuggingFaceLayout(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	opt.Validation = 0.25
	writeAll(t, opt, testEnv(false), testDocs(300, 1000))

	dd := readJSON(t, filepath.Join(dir, "dataset_dict.json"))
	if s, _ := json.Marshal(dd["splits"]); string(s) != `["train","validation"]` {
		t.Fatalf("dataset_dict.json splits %s", s)
	}
	for _, split := range []string{"train", "validation"} {
		st := readJSON(t, filepath.Join(dir, split, "state.json"))
		for _, k := range []string{"_data_files", "_fingerprint", "_format_columns",
			"_format_kwargs", "_format_type", "_output_all_columns", "_split"} {
			if _, ok := st[k]; !ok {
				t.Fatalf("%s/state.json lacks %s", split, k)
			}
		}
		if st["_split"] != split {
			t.Fatalf("%s/state.json _split %v", split, st["_split"])
		}
		files := st["_data_files"].([]any)
		for i, f := range files {
			name := f.(map[string]any)["filename"].(string)
			want := "data-" + pad5(i) + "-of-" + pad5(len(files)) + ".arrow"
			if name != want {
				t.Fatalf("%s: file %d is %s, want %s", split, i, name, want)
			}
			fh, err := os.Open(filepath.Join(dir, split, name))
			if err != nil {
				t.Fatal(err)
			}
			r, err := ipc.NewReader(fh) // the stream format, not the file format
			if err != nil {
				t.Fatalf("%s is not an Arrow IPC stream: %v", name, err)
			}
			md, ok := r.Schema().Metadata().GetValue("huggingface")
			if !ok || !strings.Contains(md, `"tokens":{"_type":"Sequence","feature":{"_type":`+
				`"Value","dtype":"int32"},"length":-1}`) {
				t.Fatalf("%s: huggingface metadata %q", name, md)
			}
			r.Release()
			fh.Close()
		}
		info := readJSON(t, filepath.Join(dir, split, "dataset_info.json"))
		feats := info["features"].(map[string]any)
		if len(feats) != 7 || feats["text"].(map[string]any)["dtype"] != "string" {
			t.Fatalf("%s/dataset_info.json features %v", split, feats)
		}
	}
}

func pad5(n int) string {
	s := "0000" + itoa(n)
	return s[len(s)-5:]
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

// TestFinalRenameCrash interrupts Close's rename step halfway and checks
// that Open reads the shards and a resumed run completes the names.
func TestFinalRenameCrash(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	docs := testDocs(200, 1000)
	crashAfter(t, opt, false, cloneDocs(docs))

	// Stage the final names as Close does, then rename only the first.
	m, err := ReadManifest(dir)
	if err != nil {
		t.Fatal(err)
	}
	n := len(m.Shards)
	if n < 3 {
		t.Fatalf("only %d shards", n)
	}
	for i := range m.Shards {
		e := &m.Shards[i]
		e.Staged, e.File = e.File, "data-"+pad5(i)+"-of-"+pad5(n)+".arrow"
	}
	if err := writeManifest(dir, m); err != nil {
		t.Fatal(err)
	}
	os.Rename(filepath.Join(dir, m.Shards[0].Staged), filepath.Join(dir, m.Shards[0].File))

	ds, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ds.Manifest.Shards {
		if err := ds.verifyShard(e); err != nil {
			t.Fatalf("reading while the rename is incomplete: %v", err)
		}
	}
	resumeToEnd(t, dir, opt, docs)
}

func TestResumeRefusesOtherOptions(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	opt := testOptions(dir)
	crashAfter(t, opt, false, testDocs(100, 1000))
	opt.Compression = "lz4"
	_, err := newSink(opt, testEnv(true))
	if err == nil || !strings.Contains(err.Error(), "other shard options") {
		t.Fatalf("want a refusal naming the options, got %v", err)
	}
}

func TestVerifyFindsDamage(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out")
	writeAll(t, testOptions(dir), testEnv(false), testDocs(100, 1000))
	m, _ := ReadManifest(dir)
	p := filepath.Join(dir, m.Shards[1].File)
	b, _ := os.ReadFile(p)
	b[len(b)/2] ^= 0xFF
	os.WriteFile(p, b, 0o644)
	err := Verify(dir)
	if err == nil || !strings.Contains(err.Error(), m.Shards[1].File) ||
		!strings.Contains(err.Error(), "sha256") {
		t.Fatalf("want a checksum error naming %s, got %v", m.Shards[1].File, err)
	}
	os.Remove(filepath.Join(dir, m.Shards[2].File))
	if err := Verify(dir); err == nil {
		t.Fatal("a damaged directory verified")
	}
}

func TestSeqSetJSON(t *testing.T) {
	in := SeqSet{3, 4, 5, 9, 11, 12}
	b, err := json.Marshal(in)
	if err != nil || string(b) != `[[3,5],[9,9],[11,12]]` {
		t.Fatalf("%s %v", b, err)
	}
	var out SeqSet
	if err := json.Unmarshal(b, &out); err != nil || !slices.Equal(out, in) {
		t.Fatalf("%v %v", out, err)
	}
	if err := json.Unmarshal([]byte(`[[5,3]]`), &out); err == nil {
		t.Fatal("a reversed range was accepted")
	}
}
