package jsonl

import (
	"context"
	"errors"
	"io"

	"github.com/tokenmill/tokenmill/mill"
)

// ErrUnreadable wraps an error after which the rest of a stream cannot be
// read, such as a corrupt compressed frame.
var ErrUnreadable = errors.New("unreadable input")

// EmitAll reads every document of r into out, in order: a malformed line
// is counted as a "malformed_json" skip and reading goes on. fill, when not
// nil, is applied to each document before it is emitted. EmitAll returns
// nil at the end of the input, ctx's error when it is cancelled, out's error,
// or an error wrapping ErrUnreadable when the stream breaks.
func EmitAll(ctx context.Context, r *Reader, out mill.Emitter, fill func(*mill.Document)) error {
	for {
		if err := ctx.Err(); err != nil {
			return err
		}
		d, err := r.Next()
		if err == io.EOF {
			return nil
		}
		var le *LineError
		if errors.As(err, &le) {
			out.Skip("malformed_json", le)
			continue
		}
		if err != nil {
			return errors.Join(ErrUnreadable, err)
		}
		if fill != nil {
			fill(d)
		}
		if err := out.Emit(d); err != nil {
			return err
		}
	}
}
