package main

import (
	"context"
	"fmt"
	"io"
	"strings"
)

// benchTarget is one `tokenmill bench NAME` measurement. run prints its own
// figures (MB/s per core at least) to w.
type benchTarget struct {
	name    string
	args    string
	summary string
	run     func(ctx context.Context, w io.Writer, args []string) error
}

var benchTargets = map[string]*benchTarget{}

// registerBench adds a bench target; call it from init in bench_<name>.go.
func registerBench(name, args, summary string,
	run func(ctx context.Context, w io.Writer, args []string) error) {
	if _, dup := benchTargets[name]; dup {
		panic("tokenmill: bench target " + name + " registered twice")
	}
	benchTargets[name] = &benchTarget{name: name, args: args, summary: summary, run: run}
}

func init() {
	register(&command{
		name:    "bench",
		args:    "TARGET [arguments]",
		summary: "measure a stage's throughput in MB/s per core",
		help: `Runs one stage's hot path on real input and prints throughput per core.
Run 'tokenmill bench' without a target to list the targets.

Examples:
  tokenmill bench clean ../shared/data/books/gutenberg-txt/modern-utf8/pg84.txt
  GOMAXPROCS=1 tokenmill bench tokenize corpus.txt`,
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				fmt.Fprintln(a.stdout, "Bench targets:")
				for _, n := range sortedKeys(benchTargets) {
					t := benchTargets[n]
					fmt.Fprintf(a.stdout, "  %-10s %-22s %s\n", n, t.args, t.summary)
				}
				return nil
			}
			t := benchTargets[args[0]]
			if t == nil {
				return usageError("unknown bench target %q (valid: %s)", args[0],
					strings.Join(sortedKeys(benchTargets), ", "))
			}
			return t.run(ctx, a.stdout, args[1:])
		},
	})
}
