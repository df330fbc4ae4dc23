package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"

	"github.com/tokenmill/tokenmill/shard"
)

func init() {
	var rows, width int
	var decode bool
	var encoding string
	register(&command{
		name:    "inspect",
		args:    "[flags] SHARD|DIR",
		summary: "print a shard's schema, counts and first rows",
		help: `Prints the schema of an Arrow shard, its rows, record batches and tokens, and
its first rows (given a shard directory, of its first shard). --decode prints
the tokens decoded back to text with the tokenizer the manifest names (or
--encoding).

Examples:
  tokenmill inspect out/data-00000-of-00004.arrow
  tokenmill inspect out/data-00000-of-00004.arrow --rows 2 --decode
  tokenmill inspect out/train/data-00000-of-00001.arrow --decode --encoding o200k_base`,
		flags: func(fs *flag.FlagSet) {
			fs.IntVar(&rows, "rows", 5, "rows to print")
			fs.BoolVar(&decode, "decode", false, "print tokens decoded back to text")
			fs.StringVar(&encoding, "encoding", "", "tokenizer for --decode (default: the "+
				"manifest's)")
			fs.IntVar(&width, "width", 400, "cut long values to this many bytes (-1: whole)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) != 1 {
				return usageError("inspect takes one shard file, got %d arguments", len(args))
			}
			path := args[0]
			if info, err := os.Stat(path); err == nil && info.IsDir() {
				// A shard directory: inspect its first shard.
				ds, err := shard.Open(path)
				if err != nil {
					return err
				}
				if len(ds.Manifest.Shards) == 0 {
					return fmt.Errorf("%s lists no shards", path)
				}
				var files []string
				for _, e := range ds.Manifest.Shards {
					files = append(files, ds.Path(e))
				}
				slices.Sort(files)
				path = files[0]
				fmt.Fprintf(a.stdout, "(%s has %d shards; showing the first)\n", args[0],
					len(files))
			}
			opt := shard.InspectOptions{Rows: rows, Width: width}
			if rows == 0 {
				opt.Rows = -1
			}
			if decode {
				dec, _ := a.shardDecoder(path, encoding, -1)
				if dec == nil {
					return usageError("--decode: no tokenizer known for %s; pass --encoding",
						path)
				}
				opt.Decoder = dec
			}
			return shard.Inspect(a.stdout, path, opt)
		},
	})
}
