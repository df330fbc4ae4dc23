package pipelines

import (
	"context"
	"io"
	"os"
	"path/filepath"

	"github.com/tokenmill/tokenmill/mill"
	"github.com/tokenmill/tokenmill/mill/jsonl"
)

// jsonlSpec declares the jsonl sink: documents written as JSON Lines to a
// file (atomically) or to standard output.
var jsonlSpec = mill.Spec{
	Name: "jsonl",
	Role: mill.RoleSink,
	Doc: "Writes documents as JSON Lines to a file (compressed by its .gz or .zst " +
		"extension; written to a temporary name and renamed when complete) or to " +
		"standard output when path is -.",
	Options: []mill.Option{
		{Name: "path", Kind: mill.String, Default: "-",
			Doc: "output file, relative to the pipeline file; - is standard output"},
	},
	Example: "output:\n  kind: jsonl\n  path: cleaned.jsonl.zst\n",
	NewSink: func(cfg mill.Config, env mill.Env) (mill.Sink, error) {
		p := cfg.String("path")
		if p != "-" && !filepath.IsAbs(p) && env.BaseDir != "" {
			p = filepath.Join(env.BaseDir, p)
		}
		return NewJSONLSink(p, os.Stdout)
	},
}

// JSONLSink writes documents as JSON Lines.
type JSONLSink struct{ w *jsonl.Writer }

// NewJSONLSink writes to path, or to stdout when path is "-".
func NewJSONLSink(path string, stdout io.Writer) (*JSONLSink, error) {
	var w *jsonl.Writer
	var err error
	if path == "-" {
		w, err = jsonl.NewWriter(stdout, jsonl.None)
	} else {
		w, err = jsonl.Create(path)
	}
	if err != nil {
		return nil, err
	}
	return &JSONLSink{w: w}, nil
}

// Write implements mill.Sink.
func (s *JSONLSink) Write(_ context.Context, d *mill.Document) error { return s.w.Write(d) }

// Close implements mill.Sink.
func (s *JSONLSink) Close(context.Context) error { return s.w.Close() }

// JSONLSource reads JSON Lines from files or standard input; it backs the
// command-line filters. Malformed lines are counted and skipped.
type JSONLSource struct {
	// Paths are read in order; "-" or an empty list is standard input.
	Paths []string
	Stdin io.Reader
}

// Read implements mill.Source.
func (s *JSONLSource) Read(ctx context.Context, out mill.Emitter) error {
	paths := s.Paths
	if len(paths) == 0 {
		paths = []string{"-"}
	}
	for _, p := range paths {
		var r *jsonl.Reader
		var err error
		if p == "-" {
			in := s.Stdin
			if in == nil {
				in = os.Stdin
			}
			r, err = jsonl.NewReader(in, "<stdin>")
		} else {
			r, err = jsonl.Open(p)
		}
		if err != nil {
			return err
		}
		err = jsonl.EmitAll(ctx, r, out, nil)
		r.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

// ownSpecs declares the components this package itself provides.
func ownSpecs() []mill.Spec { return []mill.Spec{jsonlSpec} }
