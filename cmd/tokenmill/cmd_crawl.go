package main

import (
	"context"
	"flag"

	"github.com/tokenmill/tokenmill/crawl"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/pipelines"
)

func init() {
	var output string
	var config func() (mill.Config, error)
	register(&command{
		name:    "crawl",
		args:    "[flags] [URL...]",
		summary: "crawl web sites politely into JSONL documents (and WARC)",
		help: `Crawls from seed URLs (arguments and/or --urls FILE, one URL per line, # comments)
and writes the main text of every page as one JSON document per line. It obeys
robots.txt (including Crawl-delay), waits --delay between requests to a host,
retries 429 and 5xx responses with backoff, and stays on the seeds' hosts unless
--scope says otherwise. Documents come out in discovery order (breadth first),
the same for any --concurrency. Pages that do not become documents are counted
by reason in the summary (http_404, robots_disallowed, too_large, …).

By default it refuses loopback and private addresses; --allow-private-networks
lifts that (for intranets and local test servers). --warc-dir archives every
request and response as gzipped WARC 1.1. With --state-dir the crawl keeps a
journal: run the same command again after a kill or Ctrl-C and it continues
without fetching any page twice, and the output again holds every document.

Every option of the pipeline source "web" is a flag (tokenmill schema web).

Examples:
  tokenmill crawl https://example.org/ > docs.jsonl
  tokenmill crawl --urls seeds.txt -o docs.jsonl.zst --warc-dir warc/
  tokenmill crawl --urls seeds.txt --max-depth 2 --max-pages 500 --delay 2s \
      --user-agent 'mybot/1.0 (+https://example.org/bot)' -o docs.jsonl.zst
  tokenmill crawl --allow-private-networks --delay 0 --state-dir state/ \
      -o docs.jsonl.zst http://127.0.0.1:8000/
  tokenmill crawl --urls seeds.txt | tokenmill clean | tokenmill dedup > clean.jsonl`,
		flags: func(fs *flag.FlagSet) {
			fs.StringVar(&output, "o", "-", "output JSONL file (.gz/.zst compress); - is stdout")
			config = optionFlags(fs, &crawl.WebSpec)
		},
		run: func(ctx context.Context, a *app, args []string) error {
			cfg, err := config()
			if err != nil {
				return err
			}
			if len(args) > 0 {
				if cfg, err = cfg.With("seeds", append(cfg.Strings("seeds"), args...)); err != nil {
					return usageError("%v", err)
				}
			}
			wc, err := crawl.WebConfigFrom(cfg, ".")
			if err != nil {
				return usageError("%v", err)
			}
			src, err := crawl.NewWebSource(wc, a.log.With("stage", "read", "source", "web"))
			if err != nil {
				return usageError("%v", err)
			}
			sink, err := pipelines.NewJSONLSink(output, a.stdout)
			if err != nil {
				return err
			}
			e := &pipelines.Engine{Logger: a.log,
				Sources: []pipelines.NamedSource{{Name: "web", Source: src}},
				Sink:    pipelines.NamedSink{Name: "jsonl", Sink: sink}}
			hint := ""
			if wc.StateDir != "" {
				hint = "the same command (the state directory " + wc.StateDir + " holds the crawl)"
			}
			_, err = a.runEngine(ctx, e, output != "-", hint)
			return err
		},
	})
}
