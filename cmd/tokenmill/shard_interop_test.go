package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/shard"
	"github.com/tokenmill/tokenmill/tokenize"
)

// polarsModule installs (once) and returns the path of the npm package
// nodejs-polars, an Arrow implementation independent of Go's. It skips the
// test when node or npm is missing, except under CI=true.
func polarsModule(t *testing.T) string {
	t.Helper()
	dir := os.Getenv("TOKENMILL_NODE_DIR")
	if dir == "" {
		dir = "/tmp/tokenmill-node"
	}
	mod := filepath.Join(dir, "node_modules", "nodejs-polars")
	unavailable := func(format string, args ...any) {
		t.Helper()
		if os.Getenv("CI") == "true" {
			t.Fatalf(format, args...)
		}
		t.Skipf(format, args...)
	}
	if _, err := exec.LookPath("node"); err != nil {
		unavailable("node is not installed: %v", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "nodejs-polars-linux-x64-gnu")); err == nil {
		return mod
	}
	if _, err := exec.LookPath("npm"); err != nil {
		unavailable("npm is not installed: %v", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("npm", "install", "--no-audit", "--no-fund", "-E", "--prefix", dir,
		"nodejs-polars@0.25.2", "nodejs-polars-linux-x64-gnu@0.25.2")
	if out, err := cmd.CombinedOutput(); err != nil {
		unavailable("npm install nodejs-polars: %v\n%s", err, out)
	}
	return mod
}

// polarsScript reads each shard file given on the command line from its
// bytes (nodejs-polars takes a path only when it ends in .ipc) and prints
// one JSON object per file.
const polarsScript = `
const pl = require(process.argv[2]);
const fs = require("fs");
const out = [];
for (const f of process.argv.slice(3)) {
  const df = pl.readIPCStream(fs.readFileSync(f));
  const r = {file: f, rows: df.height, columns: df.columns, tokens: 0, pad: 0, lens: []};
  const recs = df.toRecords();
  if (df.columns.includes("input_ids")) {
    for (const x of recs) { r.tokens += x.input_ids.length - x.n_pad; r.pad += x.n_pad;
      if (!r.lens.includes(x.input_ids.length)) r.lens.push(x.input_ids.length); }
  } else {
    let n = 0;
    for (const x of recs) { r.tokens += x.tokens.length; n += x.n_tokens; }
    r.n_tokens = n;
    if (recs.length > 0) { r.first_id = recs[0].id; r.first_tokens = recs[0].tokens;
      r.first_text = recs[0].text; }
  }
  out.push(r);
}
console.log(JSON.stringify(out));
`

// polarsResult is one file as nodejs-polars read it.
type polarsResult struct {
	File        string   `json:"file"`
	Rows        int64    `json:"rows"`
	Columns     []string `json:"columns"`
	Tokens      int64    `json:"tokens"`
	NTokens     int64    `json:"n_tokens"`
	Pad         int64    `json:"pad"`
	Lens        []int    `json:"lens"`
	FirstID     string   `json:"first_id"`
	FirstTokens []int32  `json:"first_tokens"`
	FirstText   string   `json:"first_text"`
}

// shardDemoDocs cuts the demo books into documents of about 3 KB and tokenizes
// them with cl100k_base, end-of-text appended.
func shardDemoDocs(t *testing.T, enc *tokenize.Encoder) []*mill.Document {
	t.Helper()
	root := shardRepoRoot(t)
	files, _ := filepath.Glob(filepath.Join(root, "pipelines", "demo", "books", "*.txt"))
	if len(files) == 0 {
		t.Fatal("no demo books under pipelines/demo/books")
	}
	eot, _ := enc.EndOfText()
	var docs []*mill.Document
	for _, f := range files {
		if strings.Contains(f, "cp1252") {
			continue // not UTF-8
		}
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var cur strings.Builder
		for _, para := range strings.Split(string(data), "\n\n") {
			cur.WriteString(para + "\n\n")
			if cur.Len() > 3000 {
				text := cur.String()
				docs = append(docs, &mill.Document{ID: mill.StableID(f, fmt.Sprint(len(docs))),
					Text: text, Source: filepath.Base(f), Seq: uint64(len(docs)),
					Tokens: append(enc.Encode(text), eot)})
				cur.Reset()
			}
		}
	}
	return docs
}

// shardRepoRoot walks up from the working directory to go.mod.
func shardRepoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the working directory")
		}
		dir = parent
	}
}

func shardWriteDir(t *testing.T, dir string, opts map[string]any, docs []*mill.Document) {
	t.Helper()
	spec := shard.Specs()[0]
	opts["dir"] = dir
	cfg, err := mill.NewConfig(&spec, opts)
	if err != nil {
		t.Fatal(err)
	}
	props := &mill.Props{}
	props.Set("tokenizer.encoding", "cl100k_base")
	props.Set("tokenizer.eot", "100257")
	sink, err := shard.NewSink(cfg, mill.Env{Props: props})
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		if err := sink.Write(context.Background(), d); err != nil {
			t.Fatal(err)
		}
	}
	if err := sink.Close(context.Background()); err != nil {
		t.Fatal(err)
	}
}

// TestShardsReadByPolars reads zstd, lz4 and uncompressed shards (and packed
// ones) with nodejs-polars and checks rows, token counts and a decoded
// sample against the manifest and the input.
func TestShardsReadByPolars(t *testing.T) {
	mod := polarsModule(t)
	enc, err := tokenize.Get("cl100k_base")
	if err != nil {
		t.Fatal(err)
	}
	docs := shardDemoDocs(t, enc)
	byID := map[string]*mill.Document{}
	for _, d := range docs {
		byID[d.ID] = d
	}
	script := filepath.Join(t.TempDir(), "read.js")
	os.WriteFile(script, []byte(polarsScript), 0o644)

	cases := []struct {
		name string
		opts map[string]any
	}{
		{"zstd", map[string]any{"compression": "zstd"}},
		{"lz4", map[string]any{"compression": "lz4"}},
		{"none", map[string]any{"compression": "none"}},
		{"packed_zstd", map[string]any{"layout": "packed", "seq_len": int64(512)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "out")
			tc.opts["max_shard_size"] = int64(60_000)
			tc.opts["batch_size"] = int64(20_000)
			shardWriteDir(t, dir, tc.opts, slices.Clone(docs))
			ds, err := shard.Open(dir)
			if err != nil {
				t.Fatal(err)
			}
			if len(ds.Manifest.Shards) < 2 {
				t.Fatalf("want several shards, got %d", len(ds.Manifest.Shards))
			}
			args := []string{script, mod}
			for _, e := range ds.Manifest.Shards {
				args = append(args, ds.Path(e))
			}
			cmd := exec.Command("node", args...)
			var stderr strings.Builder
			cmd.Stderr = &stderr
			out, err := cmd.Output()
			if err != nil {
				t.Fatalf("node: %v\n%s", err, stderr.String())
			}
			var res []polarsResult
			if err := json.Unmarshal(out, &res); err != nil {
				t.Fatalf("node output: %v\n%.500s", err, out)
			}
			packed := tc.opts["layout"] == "packed"
			for i, e := range ds.Manifest.Shards {
				r := res[i]
				if r.Rows != e.Rows || r.Tokens != e.Tokens {
					t.Fatalf("%s: polars reads %d rows, %d tokens; manifest says %d, %d", e.File,
						r.Rows, r.Tokens, e.Rows, e.Tokens)
				}
				if packed {
					if len(r.Lens) != 1 || r.Lens[0] != 513 || r.Pad != e.Padding {
						t.Fatalf("%s: window lengths %v, padding %d", e.File, r.Lens, r.Pad)
					}
					continue
				}
				if r.NTokens != e.Tokens {
					t.Fatalf("%s: n_tokens sums to %d, manifest says %d", e.File, r.NTokens,
						e.Tokens)
				}
				d := byID[r.FirstID]
				if d == nil || !slices.Equal(r.FirstTokens, d.Tokens) || r.FirstText != d.Text {
					t.Fatalf("%s: first row %q does not match its input document", e.File,
						r.FirstID)
				}
				if got := enc.Decode(r.FirstTokens); got != d.Text+"<|endoftext|>" {
					t.Fatalf("%s: decoded sample differs from the text:\n%.200q", e.File, got)
				}
			}
		})
	}
}
