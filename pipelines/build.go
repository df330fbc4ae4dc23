package pipelines

import (
	"fmt"
	"io/fs"
	"log/slog"
	"runtime"

	"github.com/tokenmill/tokenmill/mill"
)

// BuildOptions adjust how a configuration becomes an engine.
type BuildOptions struct {
	Logger *slog.Logger
	// BaseDir resolves relative paths (default: the pipeline file's
	// directory, as the caller decides).
	BaseDir string
	// SourceFS, when set, is read by file sources instead of the disk.
	SourceFS fs.FS
	// Workers overrides the pipeline's default worker count when > 0.
	Workers int
	Resume  bool
	// Props collects run-wide facts; a new one is made when nil.
	Props *mill.Props
}

// Build constructs every component of c and returns an engine ready to Run.
// Errors that come from an option value point at its place in the file.
func Build(c *Config, o BuildOptions) (*Engine, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	workers := c.Workers
	if o.Workers > 0 {
		workers = o.Workers
	}
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	props := o.Props
	if props == nil {
		props = &mill.Props{}
	}
	env := func(name string, fsys fs.FS) mill.Env {
		return mill.Env{Logger: log.With("stage", name), BaseDir: o.BaseDir, FS: fsys,
			Resume: o.Resume, Workers: workers, Props: props}
	}
	e := &Engine{Buffer: c.Buffer, Logger: log}
	for _, comp := range c.Sources {
		src, err := comp.Spec.NewSource(comp.Config, env(comp.Spec.Name, o.SourceFS))
		if err != nil {
			return nil, c.PositionOf(comp, err)
		}
		e.Sources = append(e.Sources, NamedSource{Name: comp.Spec.Name, Source: src})
	}
	names := map[string]int{}
	for _, comp := range c.Stages {
		proc, err := comp.Spec.NewProcessor(comp.Config, env(comp.Spec.Name, nil))
		if err != nil {
			return nil, c.PositionOf(comp, err)
		}
		n := 1
		if comp.Spec.Parallel {
			n = workers
			if comp.Workers > 0 {
				n = comp.Workers
			}
		}
		// Stage names are unique in the summary: a second clean is clean#2.
		name := comp.Spec.Name
		names[name]++
		if names[name] > 1 {
			name = fmt.Sprintf("%s#%d", name, names[name])
		}
		e.Stages = append(e.Stages, NamedStage{Name: name, Proc: proc, Workers: n,
			Stateful: !comp.Spec.Parallel})
	}
	sink, err := c.Output.Spec.NewSink(c.Output.Config, env(c.Output.Spec.Name, nil))
	if err != nil {
		return nil, c.PositionOf(c.Output, err)
	}
	e.Sink = NamedSink{Name: c.Output.Spec.Name, Sink: sink}
	return e, nil
}
