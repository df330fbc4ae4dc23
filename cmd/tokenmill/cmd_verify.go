package main

import (
	"context"
	"fmt"

	"github.com/tokenmill/tokenmill/shard"
)

func init() {
	register(&command{
		name:    "verify",
		args:    "DIR",
		summary: "check shards against their manifest (checksums, schema, rows, tokens)",
		help: `Reads every shard listed in DIR/manifest.json and checks its size and SHA-256,
its schema, and its row, document and token counts against the manifest. Exits
with status 1 and the first problem found, or prints a one-line summary.

Examples:
  tokenmill verify out
  tokenmill verify /data/shards && echo intact`,
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) != 1 {
				return usageError("verify takes one shard directory, got %d arguments", len(args))
			}
			ds, err := shard.Open(args[0])
			if err != nil {
				return err
			}
			if err := ds.Verify(); err != nil {
				return err
			}
			t := ds.Manifest.Totals("")
			fmt.Fprintf(a.stdout, "ok: %d shards, %d rows, %d documents, %d tokens, %d bytes\n",
				len(ds.Manifest.Shards), t.Rows, t.Docs, t.Tokens, t.Bytes)
			return nil
		},
	})
}
