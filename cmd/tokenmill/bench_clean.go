package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/tokenmill/tokenmill/clean"
	"github.com/tokenmill/tokenmill/crawl"
)

func init() {
	registerBench("clean", "FILE...", "text normalization on whole files",
		func(ctx context.Context, w io.Writer, args []string) error {
			if len(args) == 0 {
				return usageError("bench clean needs at least one text file")
			}
			var texts []string
			var size int64
			for _, p := range args {
				data, err := os.ReadFile(p)
				if err != nil {
					return err
				}
				texts = append(texts, crawl.DecodeText(data, ""))
				size += int64(len(data))
			}
			n := clean.Normalizer{CollapseSpaces: true, MaxBlankLines: 1}
			r := measure(size, func() {
				for _, t := range texts {
					n.Normalize(t)
				}
			})
			fmt.Fprintf(w, "clean: %s\n", r)
			return nil
		})
}
