package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/tokenmill/tokenmill/dedup"
	"github.com/tokenmill/tokenmill/dedup/cluster"
	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/mill/jsonl"
	"github.com/tokenmill/tokenmill/pipelines"
)

// dedupCmd is `tokenmill dedup`: a JSONL filter (streaming mode, or cluster
// mode over files) and the separate cluster-mode steps.
type dedupCmd struct {
	spec       *mill.Spec
	config     func() (mill.Config, error)
	output     string
	mode       string
	workDir    string
	survivor   string
	key        string
	sources    string
	sortMemory string
	workers    int
}

var dedupSteps = []string{"signatures", "buckets", "clusters", "filter"}

func init() {
	d := &dedupCmd{spec: pipelines.Lookup(mill.RoleStage, "dedup")}
	if d.spec == nil {
		panic("tokenmill: the dedup stage is not registered")
	}
	register(&command{
		name:    "dedup",
		args:    "[signatures|buckets|clusters|filter] [flags] [IN.jsonl...]",
		summary: "drop exact and near-duplicate documents (JSONL filter)",
		help: `Reads documents as JSON Lines (files, or standard input when none) and writes
the ones that are not duplicates, keeping the first copy. By default it drops
exact copies and near duplicates (MinHash-LSH, word 5-gram shingles, 14 bands
× 8 rows, estimated Jaccard at least 0.7) with an in-memory index (--mode
streaming). --url and --paragraphs add URL and paragraph dedup.

--mode cluster keeps the index on disk, for corpora whose index does not fit
in memory, and lets --survivor choose which copy stays. Its four steps can also
run separately over a work directory, e.g. on different machines or days:

  signatures IN...   sign the inputs into --work-dir
  buckets            sort band keys externally, verify candidate pairs
  clusters           union-find, one survivor per cluster, size histogram
  filter IN...       write the inputs without the removed documents

Examples:
  tokenmill dedup < clean.jsonl > unique.jsonl
  tokenmill dedup --threshold 0.8 --url --paragraphs crawl.jsonl.zst -o unique.jsonl.zst
  tokenmill dedup --mode cluster --survivor longest --work-dir /data/w part-*.jsonl.zst -o out.jsonl.zst
  tokenmill dedup signatures --work-dir w part-*.jsonl.zst
  tokenmill dedup buckets --work-dir w --sort-memory 2GB
  tokenmill dedup clusters --work-dir w
  tokenmill dedup filter --work-dir w part-*.jsonl.zst -o unique.jsonl.zst`,
		flags: d.flags,
		run:   d.run,
	})
}

func (d *dedupCmd) flags(fs *flag.FlagSet) {
	d.config = optionFlags(fs, d.spec)
	fs.StringVar(&d.output, "o", "-", "output JSONL file (.gz/.zst compress); - is stdout")
	fs.StringVar(&d.mode, "mode", "streaming", "streaming (in-memory index) or cluster (on disk)")
	fs.StringVar(&d.workDir, "work-dir", "", "cluster mode work directory (default: a "+
		"temporary directory, removed afterwards)")
	fs.StringVar(&d.survivor, "survivor", cluster.KeepFirst, "cluster mode: which copy stays: "+
		strings.Join(cluster.Policies, ", "))
	fs.StringVar(&d.key, "survivor-key", "", "meta field for --survivor newest (default date) "+
		"or score (default score)")
	fs.StringVar(&d.sources, "source-priority", "", "for --survivor source: sources, best "+
		"first, comma-separated")
	fs.StringVar(&d.sortMemory, "sort-memory", "256MB", "cluster mode: memory for sorting "+
		"band records")
	fs.IntVar(&d.workers, "workers", 0, "cluster mode: signing workers (default: number of CPUs)")
}

func (d *dedupCmd) run(ctx context.Context, a *app, args []string) error {
	cfg, err := d.config()
	if err != nil {
		return err
	}
	step := ""
	if len(args) > 0 {
		for _, s := range dedupSteps {
			if args[0] == s {
				step, args = s, args[1:]
				break
			}
		}
	}
	if step == "" && d.mode == "streaming" {
		return d.runStreaming(ctx, a, cfg, args)
	}
	if step == "" && d.mode != "cluster" {
		return usageError("--mode %q: use streaming or cluster", d.mode)
	}
	set, err := dedup.SettingsFrom(cfg)
	if err != nil {
		return usageError("%v", err)
	}
	if set.URL || set.Paragraphs || !set.Near {
		return usageError("cluster mode finds exact and near duplicates only; run " +
			"`tokenmill dedup --near=false --url --paragraphs` as a separate streaming pass")
	}
	sortMem, err := mill.ParseSize(d.sortMemory)
	if err != nil || sortMem < 1<<20 {
		return usageError("--sort-memory %q: give a size of at least 1MB, such as 512MB",
			d.sortMemory)
	}
	opt := cluster.Options{Dir: d.workDir, Params: set.MinHash, Threshold: set.Threshold,
		Policy: cluster.Policy{Kind: d.survivor, Key: d.key}, Workers: d.workers,
		Logger: a.log.With("stage", "dedup")}
	if d.sources != "" {
		opt.Policy.Sources = strings.Split(d.sources, ",")
	}
	if err := opt.Policy.Validate(); err != nil {
		return usageError("--survivor: %v", err)
	}
	if opt.Workers <= 0 {
		opt.Workers = defaultWorkers()
	}
	if step == "" {
		return d.runCluster(ctx, a, opt, args, sortMem)
	}
	if opt.Dir == "" {
		return usageError("dedup %s needs --work-dir", step)
	}
	switch step {
	case "signatures":
		if len(args) == 0 {
			return usageError("dedup signatures needs input files (the filter step reads " +
				"them again)")
		}
		_, err = cluster.Signatures(ctx, opt, args)
	case "buckets":
		_, err = cluster.Buckets(ctx, opt.Dir, sortMem, opt.Logger)
	case "clusters":
		var st *cluster.ClusterStats
		if st, err = cluster.Clusters(ctx, opt.Dir, opt.Logger); err == nil && !a.quiet {
			printClusterStats(a.stderr, st)
		}
	case "filter":
		err = d.runClusterFilter(ctx, a, opt.Dir, args)
	}
	return err
}

// runStreaming runs the dedup stage as a filter. Output is written even
// when memory_limit was reached, but the command then fails, so that a
// script notices that copies may remain.
func (d *dedupCmd) runStreaming(ctx context.Context, a *app, cfg mill.Config,
	inputs []string) error {
	var stage *dedup.Stage
	spec := *d.spec
	spec.NewProcessor = func(cfg mill.Config, env mill.Env) (mill.Processor, error) {
		p, err := d.spec.NewProcessor(cfg, env)
		stage, _ = p.(*dedup.Stage)
		return p, err
	}
	if err := runFilter(ctx, a, &spec, cfg, inputs, d.output, 0); err != nil {
		return err
	}
	if stage != nil && stage.Unindexed() > 0 {
		return fmt.Errorf("memory_limit reached: %d documents were written without being "+
			"indexed, so their copies may remain; raise --memory-limit or use --mode cluster",
			stage.Unindexed())
	}
	return nil
}

// runCluster runs all cluster-mode steps, spooling standard input to the
// work directory when no input files are given.
func (d *dedupCmd) runCluster(ctx context.Context, a *app, opt cluster.Options, inputs []string,
	sortMem int64) error {
	if opt.Dir == "" {
		tmp, err := os.MkdirTemp("", "tokenmill-dedup-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		opt.Dir = tmp
	}
	if len(inputs) == 0 {
		spool := filepath.Join(opt.Dir, "stdin.jsonl")
		if err := spoolStdin(a.stdin, spool); err != nil {
			return fmt.Errorf("saving standard input to %s: %w", spool, err)
		}
		inputs = []string{spool}
	}
	st, err := cluster.Run(ctx, opt, inputs, sortMem)
	if err != nil {
		return err
	}
	if !a.quiet {
		printClusterStats(a.stderr, st)
	}
	return d.runClusterFilter(ctx, a, opt.Dir, inputs)
}

// spoolStdin saves standard input, decompressed, to path: cluster mode
// reads its input twice.
func spoolStdin(in io.Reader, path string) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	r, closer, err := jsonl.Decompress(in)
	if err != nil {
		return err
	}
	defer closer.Close()
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	_, err = io.Copy(f, r)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// runClusterFilter drops the work directory's removed documents from the
// inputs, through the engine (summary, interruption handling).
func (d *dedupCmd) runClusterFilter(ctx context.Context, a *app, dir string, inputs []string) error {
	if len(inputs) == 0 {
		return usageError("dedup filter needs the input files given to signatures")
	}
	f, err := cluster.NewFilter(dir)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.Manifest().CheckInputs(inputs); err != nil {
		return usageError("%v", err)
	}
	spec := &mill.Spec{Name: "dedup", Role: mill.RoleStage,
		NewProcessor: func(mill.Config, mill.Env) (mill.Processor, error) { return f, nil }}
	cfg, err := mill.NewConfig(spec, nil)
	if err != nil {
		return err
	}
	return runFilter(ctx, a, spec, cfg, inputs, d.output, 0)
}

func printClusterStats(w io.Writer, st *cluster.ClusterStats) {
	fmt.Fprintf(w, "dedup clusters: %d documents, %d verified pairs, %d clusters (largest %d); "+
		"removing %d near and %d exact duplicates (survivor: %s)\n", st.Docs, st.Pairs,
		st.Clusters, st.Largest, st.Removed[dedup.ReasonNear], st.Removed[dedup.ReasonExact],
		st.Policy.Kind)
	fmt.Fprintln(w, "cluster size histogram:")
	for _, bin := range cluster.HistogramBins(st.Histogram) {
		fmt.Fprintf(w, "  %8s %d\n", bin, st.Histogram[bin])
	}
}
