package shard_test

import (
	"context"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/shard"
)

// Write three tokenized documents, then read the directory back.
func ExampleNewSink() {
	tmp, _ := os.MkdirTemp("", "shards")
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "out")

	spec := shard.Specs()[0]
	cfg, err := mill.NewConfig(&spec, map[string]any{"dir": dir, "compression": "zstd"})
	if err != nil {
		panic(err)
	}
	props := &mill.Props{}
	props.Set("tokenizer.encoding", "cl100k_base")
	sink, err := shard.NewSink(cfg, mill.Env{Props: props})
	if err != nil {
		panic(err)
	}
	ctx := context.Background()
	for i, text := range []string{"Hello world", "Arrow shards", "Ready to train"} {
		d := &mill.Document{ID: fmt.Sprint("doc-", i), Text: text, Seq: uint64(i),
			Tokens: []int32{int32(100 + i), int32(200 + i), 100257}}
		if err := sink.Write(ctx, d); err != nil {
			panic(err)
		}
	}
	if err := sink.Close(ctx); err != nil {
		panic(err)
	}

	ds, err := shard.Open(dir)
	if err != nil {
		panic(err)
	}
	for _, e := range ds.Manifest.Shards {
		fmt.Printf("%s: %d rows, %d tokens\n", e.File, e.Rows, e.Tokens)
		shard.ReadFile(ds.Path(e), func(r shard.Row) error {
			fmt.Printf("  %s %q %v\n", r.ID, r.Text, r.Tokens)
			return nil
		})
	}
	fmt.Println("verify:", shard.Verify(dir))
	// Output:
	// data-00000-of-00001.arrow: 3 rows, 9 tokens
	//   doc-0 "Hello world" [100 200 100257]
	//   doc-1 "Arrow shards" [101 201 100257]
	//   doc-2 "Ready to train" [102 202 100257]
	// verify: <nil>
}
