package google

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// Results come in the order of the input whatever order workers finish
// in, and no more than twice the workers are prepared ahead.
func TestInOrder(t *testing.T) {
	in := make([]int, 100)
	for i := range in {
		in[i] = i
	}
	for _, n := range []int{1, 4} {
		var got []int
		var prepared, emitted atomic.Int64
		ok := InOrder(t.Context(), n, in, func(_ context.Context, x int) int {
			prepared.Add(1)
			return x * 2
		}, func(x int) bool {
			assert.LessOrEqual(t, prepared.Load()-emitted.Load(), int64(2*n+1), "prepared ahead")
			emitted.Add(1)
			got = append(got, x/2)
			return true
		}, func(error) bool { return false })
		require.True(t, ok)
		require.True(t, slices.Equal(in, got), "n=%d", n)
	}
}

// A consumer that stops, or a context that ends, stops the workers.
func TestInOrderStops(t *testing.T) {
	in := make([]int, 50)
	var seen int
	ok := InOrder(t.Context(), 4, in, func(_ context.Context, x int) int { return x },
		func(int) bool { seen++; return seen < 3 }, func(error) bool { return false })
	assert.False(t, ok)
	assert.Equal(t, 3, seen)

	ctx, cancel := context.WithCancel(t.Context())
	var why error
	ok = InOrder(ctx, 4, in, func(c context.Context, x int) int {
		cancel()
		<-c.Done()
		return x
	}, func(int) bool { return true }, func(err error) bool { why = err; return false })
	assert.False(t, ok)
	assert.True(t, errors.Is(why, context.Canceled))
}
