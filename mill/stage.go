package mill

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
)

// Emitter receives what a Source produces.
type Emitter interface {
	// Emit passes d downstream. It blocks while downstream is full
	// (back-pressure) and returns an error when the run is stopping; the
	// source should then return that error.
	Emit(d *Document) error
	// Skip counts one input record that could not become a document, under
	// reason (for example "malformed_json"), and logs err, which should name
	// the file, line or offset.
	Skip(reason string, err error)
}

// Source produces documents, in a deterministic order.
type Source interface {
	// Read emits every document of the source and returns nil at the end of
	// the input. When ctx is cancelled it stops reading new input and
	// returns ctx.Err().
	Read(ctx context.Context, out Emitter) error
}

// Processor changes one document in place, or drops it by returning a
// DropError. A Processor whose Spec sets Parallel must be safe for
// concurrent use; the engine runs it on several workers and restores input
// order afterwards. Otherwise the engine calls it from one goroutine, in
// input order, which is what stateful stages such as dedup need.
type Processor interface {
	Process(ctx context.Context, d *Document) error
}

// Sink consumes the surviving documents, in input order.
type Sink interface {
	// Write takes one document. An error stops the run.
	Write(ctx context.Context, d *Document) error
	// Close commits everything written so far. The engine calls it exactly
	// once, also when the run was interrupted.
	Close(ctx context.Context) error
}

// Resumer is implemented by sinks that can continue an interrupted run.
type Resumer interface {
	// Committed reports how many input documents (by Seq) already have
	// their outcome committed: the engine replays documents with a smaller
	// Seq through stateful stages and never hands them to Write.
	Committed() (uint64, error)
}

// Summarizer is implemented by components that have figures of their own to
// add to the run summary (tokens written, shards, clusters, …).
type Summarizer interface {
	Summary() map[string]int64
}

// Env is what the engine gives a component when it builds one.
type Env struct {
	// Logger is the component's logger, already carrying its "stage" key.
	Logger *slog.Logger
	// BaseDir is the directory that relative paths in the configuration
	// resolve against: the pipeline file's directory, or the working
	// directory for the command line.
	BaseDir string
	// FS, when set, is read instead of the operating system for source
	// paths (the embedded demo corpus uses it).
	FS fs.FS
	// Resume asks sinks to continue from what they already committed
	// instead of refusing a non-empty output.
	Resume bool
	// Workers is the default number of workers for parallel stages.
	Workers int
	// Props carries run-wide facts between components; never nil when the
	// engine builds a component.
	Props *Props
}

// DropError tells the engine to drop a document and count it under Reason.
type DropError struct {
	Reason string
}

func (e *DropError) Error() string { return "dropped: " + e.Reason }

// Drop returns a DropError for reason, a short snake_case word such as
// "too_short" or "duplicate".
func Drop(reason string) error { return &DropError{Reason: reason} }

// DropReason returns the reason of a DropError in err's chain, or "" if err
// is not a drop.
func DropReason(err error) string {
	var d *DropError
	if errors.As(err, &d) {
		return d.Reason
	}
	return ""
}

// FatalError stops a whole run from a Processor: the engine stops reading,
// commits what the sink already holds and returns Err. Use it when going on
// would silently give a wrong result (an index that no longer fits its
// memory limit), not for one bad document.
type FatalError struct {
	Err error
}

func (e *FatalError) Error() string { return e.Err.Error() }
func (e *FatalError) Unwrap() error { return e.Err }

// Fatal wraps err so that a Processor returning it stops the run.
func Fatal(err error) error { return &FatalError{Err: err} }
