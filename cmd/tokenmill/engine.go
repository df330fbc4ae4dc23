package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/tokenmill/tokenmill/pipelines"
)

// dirSink is implemented by sinks that write into a directory; the run
// summary is saved there as summary.json.
type dirSink interface{ Dir() string }

// runEngine runs e with the app's progress display and prints the summary.
// resumeHint is the command line that continues an interrupted run.
func (a *app) runEngine(ctx context.Context, e *pipelines.Engine, progress bool,
	resumeHint string) (*pipelines.Summary, error) {
	if progress && a.interactive && !a.quiet {
		update, done := progressPrinter(a.stderr)
		e.Progress = update
		defer done()
	}
	sum, err := e.Run(ctx)
	if e.Progress != nil {
		fmt.Fprint(a.stderr, "\r\033[K")
	}
	if sum != nil {
		if ds, ok := e.Sink.Sink.(dirSink); ok {
			if werr := writeSummary(filepath.Join(ds.Dir(), "summary.json"), sum); werr != nil {
				a.log.Warn("saving the run summary", "err", werr)
			}
		}
		if !a.quiet {
			sum.Print(a.stderr)
		}
	}
	if errors.Is(err, pipelines.ErrInterrupted) {
		msg := "interrupted: the documents in flight were committed"
		if resumeHint != "" {
			msg += "; to continue, run: " + resumeHint
		}
		return sum, &exitError{code: 130, err: errors.New(msg)}
	}
	return sum, err
}

// writeSummary saves the summary as JSON, atomically.
func writeSummary(path string, sum *pipelines.Summary) error {
	data, err := json.MarshalIndent(sum, "", "  ")
	if err != nil {
		return err
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(data, '\n'), 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}
