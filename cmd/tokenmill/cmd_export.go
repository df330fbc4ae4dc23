package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/shard"
	"github.com/tokenmill/tokenmill/shard/megatron"
)

func init() {
	var out, maxSize, dtype, split string
	register(&command{
		name:    "export",
		args:    "megatron [flags] DIR",
		summary: "export shards to another trainer's format (Megatron-LM .bin/.idx)",
		help: `Writes the tokens of a shard directory in Megatron-LM's indexed-dataset format:
PREFIX.bin holds the token ids and PREFIX.idx the index that
megatron/core/datasets/indexed_dataset.py memory-maps. Each document becomes
one sequence (each window for packed shards; documents without tokens are left
out). With --max-size the output is split into PREFIX-00000.bin/.idx,
PREFIX-00001.bin/.idx, … of at most that size. A directory with train and
validation splits is exported split by split, to PREFIX-train… and
PREFIX-validation…, unless --split names one. The dtype is uint16 when the
vocabulary has fewer than 65,500 entries, int32 otherwise, unless --dtype says.

Examples:
  tokenmill export megatron out --out megatron/corpus_text_document
  tokenmill export megatron out --out mt/train --split train --max-size 2GB`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "output prefix, without .bin/.idx (required)")
			fs.StringVar(&maxSize, "max-size", "0", "split into files of at most this size, "+
				"e.g. 1GB (0: one file)")
			fs.StringVar(&dtype, "dtype", "auto", "token type: auto, uint16 or int32")
			fs.StringVar(&split, "split", "", "export only this split (train or validation; "+
				"default: each split to its own files)")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) != 2 || args[0] != "megatron" {
				return usageError("usage: tokenmill export megatron --out PREFIX DIR")
			}
			if out == "" {
				return usageError("export megatron needs --out PREFIX")
			}
			size, err := mill.ParseSize(maxSize)
			if err != nil {
				return usageError("--max-size: %v", err)
			}
			ds, err := shard.Open(args[1])
			if err != nil {
				return err
			}
			files, err := megatron.Export(ds, megatron.Options{Prefix: out, MaxSize: size,
				Dtype: dtype, Split: split, Logger: a.log})
			if err != nil {
				return err
			}
			for _, f := range files {
				fmt.Fprintf(a.stdout, "%s.bin/.idx: %d documents, %d tokens, %d bytes\n",
					f.Prefix, f.Documents, f.Tokens, f.BinBytes)
			}
			return nil
		},
	})
}
