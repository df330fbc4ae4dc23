package main

import (
	"context"
	"flag"
	"fmt"
	"sort"
	"strings"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/pipelines"
)

// optionFlags declares one flag per option of spec (max_depth becomes
// --max-depth): boolean options are boolean flags, the others take a value
// in the option's syntax. The returned function builds the validated
// configuration from the flags the user set.
func optionFlags(fs *flag.FlagSet, spec *mill.Spec) func() (mill.Config, error) {
	strs := map[string]*string{}
	bools := map[string]*bool{}
	for _, o := range spec.Options {
		name := strings.ReplaceAll(o.Name, "_", "-")
		usage := o.Doc
		if len(o.Choices) > 0 {
			usage += " (" + strings.Join(o.Choices, ", ") + ")"
		}
		if o.Kind == mill.Bool {
			bools[o.Name] = fs.Bool(name, o.Default == "true", usage)
			continue
		}
		if o.Default != "" {
			usage += " (default " + o.Default + ")"
		}
		strs[o.Name] = fs.String(name, "", usage)
	}
	return func() (mill.Config, error) {
		set := map[string]any{}
		var err error
		fs.Visit(func(f *flag.Flag) {
			key := strings.ReplaceAll(f.Name, "-", "_")
			o := spec.Option(key)
			if o == nil || err != nil {
				return
			}
			if b, ok := bools[key]; ok {
				set[key] = *b
				return
			}
			v, perr := o.Parse(*strs[key])
			if perr != nil {
				err = usageError("--%s: %v", f.Name, perr)
			}
			set[key] = v
		})
		if err != nil {
			return mill.Config{}, err
		}
		cfg, cerr := mill.NewConfig(spec, set)
		if cerr != nil {
			return cfg, usageError("%v", cerr)
		}
		return cfg, nil
	}
}

// filter is a command that runs one component between JSONL on standard
// input (or files) and JSONL on standard output (or a file); for a sink
// component the sink is the output.
type filter struct {
	spec    *mill.Spec
	config  func() (mill.Config, error)
	output  string
	workers int
}

func (f *filter) flags(fs *flag.FlagSet) {
	f.config = optionFlags(fs, f.spec)
	if f.spec.Role == mill.RoleStage {
		fs.StringVar(&f.output, "o", "-", "output JSONL file (.gz/.zst compress); - is stdout")
		if f.spec.Parallel {
			fs.IntVar(&f.workers, "workers", 0, "workers (default: number of CPUs)")
		}
	} else if f.spec.Option("dir") != nil {
		fs.StringVar(&f.output, "o", "", "output directory (same as --dir)")
	}
}

func (f *filter) run(ctx context.Context, a *app, args []string) error {
	cfg, err := f.config()
	if err != nil {
		return err
	}
	return runFilter(ctx, a, f.spec, cfg, args, f.output, f.workers)
}

// runFilter runs spec (a stage or a sink) with cfg over the JSONL inputs
// (standard input when none) into output.
func runFilter(ctx context.Context, a *app, spec *mill.Spec, cfg mill.Config, inputs []string,
	output string, workers int) error {
	env := mill.Env{Logger: a.log.With("stage", spec.Name), BaseDir: ".", Workers: workers,
		Props: &mill.Props{}}
	e := &pipelines.Engine{Logger: a.log,
		Sources: []pipelines.NamedSource{{Name: "jsonl",
			Source: &pipelines.JSONLSource{Paths: inputs, Stdin: a.stdin}}}}
	switch spec.Role {
	case mill.RoleStage:
		proc, err := spec.NewProcessor(cfg, env)
		if err != nil {
			return usageError("%v", err)
		}
		n := 1
		if spec.Parallel {
			n = workers
			if n <= 0 {
				n = defaultWorkers()
			}
		}
		e.Stages = []pipelines.NamedStage{{Name: spec.Name, Proc: proc, Workers: n,
			Stateful: !spec.Parallel}}
		sink, err := pipelines.NewJSONLSink(output, a.stdout)
		if err != nil {
			return err
		}
		e.Sink = pipelines.NamedSink{Name: "jsonl", Sink: sink}
	case mill.RoleSink:
		if output != "" {
			c, err := cfg.With("dir", output)
			if err != nil {
				return usageError("-o: %v", err)
			}
			cfg = c
		}
		sink, err := spec.NewSink(cfg, env)
		if err != nil {
			return err
		}
		e.Sink = pipelines.NamedSink{Name: spec.Name, Sink: sink}
	default:
		return fmt.Errorf("%s is a %s, not a filter", spec.Name, spec.Role)
	}
	_, err := a.runEngine(ctx, e, false, "")
	return err
}

// filterCommand builds the command for a registered stage or sink.
func filterCommand(name, args, summary, help string) *command {
	spec := pipelines.Lookup(mill.RoleStage, name)
	if spec == nil {
		spec = pipelines.Lookup(mill.RoleSink, name)
	}
	if spec == nil {
		panic("tokenmill: no stage or sink named " + name)
	}
	f := &filter{spec: spec}
	return &command{name: name, args: args, summary: summary,
		help: help + "\n\n" + wrap(spec.Doc, 80), flags: f.flags, run: f.run}
}

func init() {
	register(filterCommand("clean", "[flags] [IN.jsonl...]",
		"normalize text and drop too short documents (JSONL filter)",
		`Reads documents as JSON Lines (files, or standard input when none; gzip and
zstd are detected), cleans them and writes JSON Lines to standard output.

Examples:
  tokenmill clean < raw.jsonl > clean.jsonl
  tokenmill clean --min-chars 200 --normalization nfkc raw.jsonl.zst -o clean.jsonl.zst
  tokenmill extract page.html | tokenmill clean`))
	register(filterCommand("tokenize", "[flags] [IN.jsonl...]",
		"add token ids to documents (JSONL filter)",
		`Reads documents as JSON Lines, sets their "tokens" field and writes JSON Lines.

Examples:
  tokenmill tokenize --encoding o200k_base < clean.jsonl > tokens.jsonl
  tokenmill clean < in.jsonl | tokenmill dedup | tokenmill tokenize | tokenmill shard -o out`))
	register(filterCommand("shard", "[flags] [IN.jsonl...]",
		"write documents to Arrow shards with a manifest",
		`Reads tokenized documents as JSON Lines and writes compressed Arrow IPC shards
and a manifest into a directory.

Examples:
  tokenmill tokenize < clean.jsonl | tokenmill shard -o out --encoding cl100k_base
  tokenmill shard --compression lz4 -o out tokens.jsonl.zst`))
}

func defaultWorkers() int { return max(1, numCPU()) }

// sortedKeys returns m's keys in order.
func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// wrap breaks text into lines of at most width columns at spaces.
func wrap(text string, width int) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		if col > 0 && col+1+len(w) > width {
			b.WriteByte('\n')
			col = 0
		} else if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}
