package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strings"
	"sync"

	"github.com/tokenmill/tokenmill/tokenize"
)

func init() {
	registerBench("tokenize", "[flags] FILE...",
		"encoding to token ids, MB/s and tokens/s per core, and multi-core scaling",
		benchTokenize)
}

// benchTokenize measures the tokenizer on the text of files cut into
// documents: first on one goroutine (per-core figures), then on every core
// of GOMAXPROCS, documents shared out as the pipeline's workers do.
func benchTokenize(_ context.Context, w io.Writer, args []string) error {
	fs := flag.NewFlagSet("bench tokenize", flag.ContinueOnError)
	fs.SetOutput(w)
	encodings := fs.String("encoding", "cl100k_base,o200k_base",
		"comma-separated encodings to measure")
	rankFile := fs.String("rank-file", "", "tiktoken rank file (required for llama3)")
	docSize := fs.Int("doc-size", 4096, "cut the text into documents of about this many "+
		"bytes, at a newline (0: each file is one document)")
	if err := fs.Parse(args); err != nil {
		return usageError("%v", err)
	}
	if fs.NArg() == 0 {
		return usageError("bench tokenize needs at least one text file")
	}
	var docs []string
	var size int64
	for _, p := range fs.Args() {
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		docs = append(docs, splitDocs(string(data), *docSize)...)
		size += int64(len(data))
	}
	for _, name := range strings.Split(*encodings, ",") {
		enc, err := benchEncoder(strings.TrimSpace(name), *rankFile)
		if err != nil {
			return err
		}
		tokens := 0
		var buf []int32
		for _, d := range docs {
			buf = enc.AppendEncode(buf[:0], d)
			tokens += len(buf)
		}
		r := measure(size, func() {
			for _, d := range docs {
				buf = enc.AppendEncode(buf[:0], d)
			}
		})
		perCore := float64(tokens) / r.cpuMedian.Seconds() / 1e6
		fmt.Fprintf(w, "tokenize %s: %s; %.2f M tokens/s per core (%d tokens, %d documents)\n",
			enc.Name(), r, perCore, tokens, len(docs))
		if workers := runtime.GOMAXPROCS(0); workers > 1 {
			// Wall time shows the speed-up when the cores are free; CPU time
			// per byte shows whether workers slow each other down (shared
			// tables, memory bandwidth), also when other processes run.
			par := measure(size, func() { encodeParallel(enc, docs, workers) })
			fmt.Fprintf(w, "tokenize %s on %d workers: %.1f MB/s in all (wall, %.2fx one "+
				"worker), %.1f MB/s per core (CPU time, %.0f%% of one worker's)\n",
				enc.Name(), workers, mbps(size, par.median),
				r.median.Seconds()/par.median.Seconds(), mbps(size, par.cpuMedian),
				100*r.cpuMedian.Seconds()/par.cpuMedian.Seconds())
		}
	}
	return nil
}

// benchEncoder returns a built-in encoding, or the Llama 3 preset (or any
// preset) with the given rank file.
func benchEncoder(name, rankFile string) (*tokenize.Encoder, error) {
	if rankFile == "" && name != tokenize.Llama3 {
		return tokenize.Get(name)
	}
	d, err := tokenize.Preset(name)
	if err != nil {
		return nil, err
	}
	if rankFile == "" {
		return nil, usageError("encoding %s needs --rank-file", name)
	}
	d.RankFile = rankFile
	return tokenize.New(d)
}

// encodeParallel encodes docs on workers goroutines, each taking the next
// document, as the engine's ordered workers do.
func encodeParallel(enc *tokenize.Encoder, docs []string, workers int) {
	var next sync.Mutex
	i := 0
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf []int32
			for {
				next.Lock()
				k := i
				i++
				next.Unlock()
				if k >= len(docs) {
					return
				}
				buf = enc.AppendEncode(buf[:0], docs[k])
			}
		}()
	}
	wg.Wait()
}

// splitDocs cuts text into documents that end at the first newline at or
// after size bytes from their start (size 0: one document).
func splitDocs(text string, size int) []string {
	if size <= 0 {
		return []string{text}
	}
	var out []string
	for len(text) > 0 {
		end := len(text)
		if end > size {
			if nl := strings.IndexByte(text[size-1:], '\n'); nl >= 0 {
				end = size - 1 + nl + 1
			}
		}
		out = append(out, text[:end])
		text = text[end:]
	}
	return out
}
