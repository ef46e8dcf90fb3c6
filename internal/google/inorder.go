package google

import (
	"context"
	"sync"
	"sync/atomic"
)

// InOrder prepares every item of in, up to n at a time and at most twice
// that many ahead of the one being emitted, and emits the results in the
// order of in. It stops at the first emit that returns false, and when
// ctx ends, with canceled(ctx.Err()). It reports whether every item was
// emitted. No worker outlives the call; workers prepare under a context
// that ends with it.
func InOrder[In, Out any](ctx context.Context, n int, in []In, prepare func(context.Context, In) Out,
	emit func(Out) bool, canceled func(error) bool) bool {
	n = min(n, len(in))
	if n <= 1 {
		for _, x := range in {
			if !emit(prepare(ctx, x)) {
				return false
			}
		}
		return true
	}
	wctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait() // after cancel, which is deferred last and so runs first
	defer cancel()
	outs := make([]Out, len(in))
	done := make([]chan struct{}, len(in))
	for i := range done {
		done[i] = make(chan struct{})
	}
	ahead := make(chan struct{}, 2*n) // a slot per item prepared but not yet emitted
	var next atomic.Int64
	for range n {
		wg.Go(func() {
			for {
				select {
				case ahead <- struct{}{}:
				case <-wctx.Done():
					return
				}
				i := int(next.Add(1) - 1)
				if i >= len(in) {
					return
				}
				outs[i] = prepare(wctx, in[i])
				close(done[i])
			}
		})
	}
	var zero Out
	for i := range in {
		select {
		case <-done[i]:
		case <-ctx.Done():
			return canceled(ctx.Err())
		}
		if !emit(outs[i]) {
			return false
		}
		outs[i] = zero // the result is the consumer's now
		<-ahead
	}
	return true
}
