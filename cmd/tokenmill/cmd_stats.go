package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"os"

	"github.com/tokenmill/tokenmill/shard"
	"github.com/tokenmill/tokenmill/tokenize"
)

func init() {
	var asJSON bool
	var htmlPath, encoding string
	var eot, top int
	register(&command{
		name:    "stats",
		args:    "[flags] DIR|FILE",
		summary: "token statistics of shards, as text, JSON or a self-contained HTML report",
		help: `Reads a shard directory (or one shard file) and reports documents, tokens and
bytes in total and per source, document-length quantiles and histogram, bytes
per token, the share of the vocabulary used and the most frequent tokens
(decoded), whether end-of-text tokens sit where they belong, padding for packed
shards, and the drops per stage of the run (from summary.json beside the
shards). --html writes one page with inline SVG charts that needs no network.

Examples:
  tokenmill stats out
  tokenmill stats out --json | jq .length_tokens
  tokenmill stats out --html report.html
  tokenmill stats out/data-00000-of-00004.arrow --encoding cl100k_base`,
		flags: func(fs *flag.FlagSet) {
			fs.BoolVar(&asJSON, "json", false, "print the statistics as JSON")
			fs.StringVar(&htmlPath, "html", "", "also write an HTML report to this file")
			fs.StringVar(&encoding, "encoding", "", "tokenizer that decodes tokens (default: "+
				"the manifest's)")
			fs.IntVar(&eot, "eot", -1, "end-of-text id (default: the manifest's)")
			fs.IntVar(&top, "top", 20, "how many frequent tokens to list")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) != 1 {
				return usageError("stats takes one directory or shard file, got %d arguments",
					len(args))
			}
			path := args[0]
			dec, eotID := a.shardDecoder(path, encoding, eot)
			opt := shard.StatsOptions{Decoder: dec, TopTokens: top, EOT: eotID}
			if enc, ok := dec.(*tokenize.Encoder); ok {
				opt.VocabSize = enc.VocabSize()
			}
			st, err := shard.Collect(path, opt)
			if err != nil {
				return err
			}
			if htmlPath != "" {
				var buf bytes.Buffer
				if err := shard.WriteHTML(&buf, st); err != nil {
					return err
				}
				if err := os.WriteFile(htmlPath, buf.Bytes(), 0o644); err != nil {
					return fmt.Errorf("writing the HTML report: %w", err)
				}
				a.log.Info("HTML report written", "path", htmlPath)
			}
			if asJSON {
				enc := json.NewEncoder(a.stdout)
				enc.SetIndent("", "  ")
				return enc.Encode(st)
			}
			shard.WriteText(a.stdout, st)
			return nil
		},
	})
}

// shardDecoder finds the tokenizer that decodes a shard's tokens: the one
// named on the command line, else the one the manifest records. It returns
// nil when there is none, with a warning. eot is the end-of-text id given on
// the command line (-1 for none); without one, the encoding's is used when
// the manifest has none.
func (a *app) shardDecoder(path, encoding string, eot int) (shard.Decoder, int32) {
	eotID := int32(eot)
	var m *shard.Manifest
	if ds, err := shard.Open(path); err == nil {
		m = ds.Manifest
	} else {
		m = shard.FindManifest(path)
	}
	if m != nil && eotID < 0 && m.EOT != nil {
		eotID = *m.EOT // also for a single shard file of the directory
	}
	if encoding == "" && m != nil {
		encoding = m.Encoding
	}
	if encoding == "" {
		return nil, eotID
	}
	enc, err := tokenize.Get(encoding)
	if err != nil {
		a.log.Warn("tokens will not be decoded", "encoding", encoding, "err", err)
		return nil, eotID
	}
	if id, ok := enc.EndOfText(); ok && eotID < 0 && (m == nil || m.EOT == nil) {
		eotID = id
	}
	return enc, eotID
}
