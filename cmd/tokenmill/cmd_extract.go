package main

import (
	"context"
	"flag"
	"fmt"

	"github.com/tokenmill/tokenmill/crawl"
	"github.com/tokenmill/tokenmill/pipelines"
)

func init() {
	var output, source string
	register(&command{
		name:    "extract",
		args:    "[flags] FILE|DIR|GLOB...",
		summary: "turn local files into JSONL documents",
		help: `Reads .txt/.md files as they are, .html files through the main-text extractor
and .jsonl files line by line, and writes one JSON document per file (or line)
to standard output. Each document's url is the file's file:// absolute path and
its id is derived from that url, so it is the same on every run.

Examples:
  tokenmill extract page.html
  tokenmill extract 'books/*.txt' site/ > docs.jsonl
  tokenmill extract -o docs.jsonl.zst corpus/ && tokenmill clean docs.jsonl.zst`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&output, "o", "-", "output JSONL file (.gz/.zst compress); - is stdout")
			fs.StringVar(&source, "source", "file", "value of the documents' source field")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return usageError("extract needs at least one file")
			}
			sink, err := pipelines.NewJSONLSink(output, a.stdout)
			if err != nil {
				return err
			}
			e := &pipelines.Engine{Logger: a.log,
				Sources: []pipelines.NamedSource{{Name: "files",
					Source: &crawl.FilesSource{Paths: args, Label: source, BaseDir: "."}}},
				Sink: pipelines.NamedSink{Name: "jsonl", Sink: sink}}
			a.quiet = a.quiet || output == "-"
			sum, err := a.runEngine(ctx, e, false, "")
			if err == nil && sum != nil {
				if st := sum.Stage("read"); st != nil && st.DroppedTotal() > 0 {
					return fmt.Errorf("%d of %d inputs could not be read (see the log above)",
						st.DroppedTotal(), st.In)
				}
			}
			return err
		},
	})
}
