package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/pipelines"
)

func init() {
	var workers int
	var resume bool
	var output string
	register(&command{
		name:    "run",
		args:    "[flags] [PIPELINE.yaml]",
		summary: "run a pipeline (the embedded demo pipeline when no file is given)",
		help: `Runs the sources, stages and output of a pipeline file. Relative paths in the
file resolve against the file's directory. Without a file, runs the default
pipeline over the demo corpus embedded in the binary and writes ./out.

On SIGINT or SIGTERM the run stops reading input, commits what is in flight
and exits with status 130; run the same command with --resume to continue.

Examples:
  tokenmill run
  tokenmill run pipelines/books.yaml --workers 8
  tokenmill run pipelines/books.yaml --resume
  tokenmill run pipelines/books.yaml --output /data/shards --log-format json`,
		flags: func(fs *flag.FlagSet) {
			fs.IntVar(&workers, "workers", 0, "workers for parallel stages (default: the "+
				"pipeline's workers, else the number of CPUs)")
			fs.BoolVar(&resume, "resume", false, "continue an interrupted run from what "+
				"its output committed")
			fs.StringVar(&output, "output", "", "override the output's dir or path option")
		},
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) > 1 {
				return usageError("run takes at most one pipeline file, got %d", len(args))
			}
			cfg, opts, err := loadPipeline(args)
			if err != nil {
				return err
			}
			if output != "" {
				if err := overrideOutput(cfg, output); err != nil {
					return err
				}
			}
			opts.Logger, opts.Workers, opts.Resume = a.log, workers, resume
			e, err := pipelines.Build(cfg, opts)
			if err != nil {
				return err
			}
			if resume {
				if _, ok := e.Sink.Sink.(mill.Resumer); !ok {
					return usageError("--resume: output %s cannot resume; remove its output "+
						"and run again", e.Sink.Name)
				}
			}
			hint := "tokenmill " + strings.Join(resumeArgs(os.Args[1:]), " ")
			_, err = a.runEngine(ctx, e, true, hint)
			return err
		},
	})
}

// resumeArgs returns the command line with --resume added once.
func resumeArgs(args []string) []string {
	for _, a := range args {
		if a == "--resume" || a == "-resume" {
			return args
		}
	}
	return append(append([]string{}, args...), "--resume")
}

// loadPipeline reads the pipeline named in args, or the embedded default.
func loadPipeline(args []string) (*pipelines.Config, pipelines.BuildOptions, error) {
	if len(args) == 0 {
		cfg, err := pipelines.Parse(pipelines.DefaultPipeline, "default.yaml (embedded)")
		wd, _ := os.Getwd()
		return cfg, pipelines.BuildOptions{BaseDir: wd, SourceFS: pipelines.DemoFS}, err
	}
	cfg, err := pipelines.LoadFile(args[0])
	if err != nil {
		return nil, pipelines.BuildOptions{}, err
	}
	return cfg, pipelines.BuildOptions{BaseDir: filepath.Dir(args[0])}, nil
}

// overrideOutput replaces the output's dir (or path) option with value.
func overrideOutput(cfg *pipelines.Config, value string) error {
	spec := cfg.Output.Spec
	for _, key := range []string{"dir", "path"} {
		if o := spec.Option(key); o != nil {
			abs, err := filepath.Abs(value)
			if err != nil {
				return err
			}
			c, err := cfg.Output.Config.With(key, abs)
			if err != nil {
				return err
			}
			cfg.Output.Config = c
			return nil
		}
	}
	return usageError("--output: output %s has neither a dir nor a path option", spec.Name)
}

func init() {
	register(&command{
		name:    "validate",
		args:    "PIPELINE.yaml...",
		summary: "check pipeline files without running them",
		help: `Decodes each pipeline strictly: unknown keys, wrong types and bad values are
reported with file:line:col, the key path and the valid choices.

Examples:
  tokenmill validate pipelines/*.yaml`,
		run: func(ctx context.Context, a *app, args []string) error {
			if len(args) == 0 {
				return usageError("validate needs at least one pipeline file")
			}
			bad := 0
			for _, p := range args {
				if _, err := pipelines.LoadFile(p); err != nil {
					fmt.Fprintln(a.stderr, err)
					bad++
					continue
				}
				fmt.Fprintf(a.stdout, "%s: ok\n", p)
			}
			if bad > 0 {
				return fmt.Errorf("%d of %d pipeline files are invalid", bad, len(args))
			}
			return nil
		},
	})
}
