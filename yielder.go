package tributary

import (
	"context"
	"errors"
	"fmt"
)

// Yielder keeps the iterator contract for a checkpoint stream that yields
// from many nested functions: once the consumer stops, an error is
// yielded or the context is done, nothing more is yielded, and every
// method reports false so that the callers unwind. Connectors make one per
// range over their stream.
type Yielder struct {
	ctx     context.Context
	yield   func(Item, error) bool
	kind    string
	version int
	stopped bool
}

// NewYielder wraps yield, the function a range over the stream passed in,
// for a stream whose checkpoints are of kind and version (see
// EncodeCheckpoint).
func NewYielder(ctx context.Context, yield func(Item, error) bool, kind string, version int) *Yielder {
	return &Yielder{ctx: ctx, yield: yield, kind: kind, version: version}
}

// Yield yields it and reports whether the stream goes on. Once the context
// is done it yields the context's error instead, ending the stream.
func (y *Yielder) Yield(it Item) bool {
	if err := y.ctx.Err(); err != nil {
		return y.Fail(err)
	}
	if y.stopped {
		return false
	}
	y.stopped = !y.yield(it, nil)
	return !y.stopped
}

// Fail ends the stream with err, which then also matches the context's
// error when the context is done. It reports false.
func (y *Yielder) Fail(err error) bool {
	if err == nil {
		err = errors.New("stream failed without an error")
	}
	if ctxErr := y.ctx.Err(); ctxErr != nil && !errors.Is(err, ctxErr) {
		err = fmt.Errorf("%w (%w)", ctxErr, err)
	}
	if !y.stopped {
		y.stopped = true
		y.yield(Item{}, err)
	}
	return false
}

// Checkpoint yields the checkpoint EncodeCheckpoint makes of state, and
// reports whether the stream goes on. A state that cannot be encoded ends
// the stream with the error.
func (y *Yielder) Checkpoint(state any) bool {
	cp, err := EncodeCheckpoint(y.kind, y.version, state)
	if err != nil {
		return y.Fail(err)
	}
	return y.Yield(CheckpointItem(cp))
}

// Stopped reports whether the stream has ended.
func (y *Yielder) Stopped() bool { return y.stopped }
