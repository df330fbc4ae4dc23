package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/crawl"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/mill/jsonl"
	"github.com/tokenmill/tokenmill/shard"
	"github.com/tokenmill/tokenmill/tokenize"
)

func init() {
	registerBench("shard", "FILE...", "shard write per codec (MB/s of text) and size ratio",
		func(ctx context.Context, w io.Writer, args []string) error {
			if len(args) == 0 {
				return usageError("bench shard needs text or JSONL files")
			}
			docs, err := benchShardDocs(args)
			if err != nil {
				return err
			}
			var text int64
			for _, d := range docs {
				text += int64(len(d.Text))
			}
			tmp, err := os.MkdirTemp("", "tokenmill-bench-shard-")
			if err != nil {
				return err
			}
			defer os.RemoveAll(tmp)
			fmt.Fprintf(w, "shard: %d documents, %.2f MB of text, cl100k_base tokens\n",
				len(docs), float64(text)/1e6)
			for _, c := range []struct {
				name, codec string
				level       int64
			}{{"zstd", "zstd", 0}, {"zstd-1", "zstd", 1}, {"lz4", "lz4", 0}, {"none", "none", 0}} {
				var shardBytes, raw int64
				round := 0
				r := measure(text, func() {
					round++
					dir := filepath.Join(tmp, fmt.Sprintf("%s-%d", c.name, round))
					shardBytes, raw, err = benchShardWrite(dir, c.codec, c.level, docs)
					os.RemoveAll(dir)
				})
				if err != nil {
					return err
				}
				fmt.Fprintf(w, "shard %-6s: %s; %.2f× smaller than text+int32 tokens\n", c.name,
					r, float64(raw)/float64(shardBytes))
			}
			return nil
		})
}

// benchShardDocs reads JSONL documents, or splits text files into
// documents at blank lines (about 4 KB each), and tokenizes those without
// tokens.
func benchShardDocs(paths []string) ([]*mill.Document, error) {
	enc, err := tokenize.Get("cl100k_base")
	if err != nil {
		return nil, err
	}
	eot, _ := enc.EndOfText()
	var docs []*mill.Document
	for _, p := range paths {
		if strings.Contains(p, ".jsonl") {
			r, err := jsonl.Open(p)
			if err != nil {
				return nil, err
			}
			for {
				d, err := r.Next()
				if err == io.EOF {
					break
				}
				if err != nil {
					r.Close()
					return nil, err
				}
				docs = append(docs, d)
			}
			r.Close()
			continue
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil, err
		}
		text := crawl.DecodeText(data, "")
		var cur strings.Builder
		flush := func() {
			if cur.Len() > 0 {
				docs = append(docs, &mill.Document{ID: mill.StableID(p, fmt.Sprint(len(docs))),
					Text: cur.String(), Source: "file", URL: "file://" + p})
				cur.Reset()
			}
		}
		for _, para := range strings.Split(text, "\n\n") {
			cur.WriteString(para)
			cur.WriteString("\n\n")
			if cur.Len() >= 4096 {
				flush()
			}
		}
		flush()
	}
	for i, d := range docs {
		d.Seq = uint64(i)
		if len(d.Tokens) == 0 {
			d.Tokens = append(enc.Encode(d.Text), eot)
		}
	}
	return docs, nil
}

// benchShardWrite writes docs through the shard sink with one codec and
// returns the bytes of the shards and of the text plus int32 tokens.
func benchShardWrite(dir, codec string, level int64, docs []*mill.Document) (int64, int64,
	error) {
	spec := shard.Specs()[0]
	cfg, err := mill.NewConfig(&spec, map[string]any{"dir": dir, "compression": codec,
		"zstd_level": level})
	if err != nil {
		return 0, 0, err
	}
	s, err := shard.NewSink(cfg, mill.Env{Props: &mill.Props{}})
	if err != nil {
		return 0, 0, err
	}
	ctx := context.Background()
	var raw int64
	for _, d := range docs {
		raw += int64(len(d.Text) + 4*len(d.Tokens))
		if err := s.Write(ctx, d); err != nil {
			return 0, 0, err
		}
	}
	if err := s.Close(ctx); err != nil {
		return 0, 0, err
	}
	return s.Summary()["shard_bytes"], raw, nil
}
