package tributary_test

import (
	"context"
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// recordYield records what a Yielder yields and stops after limit items.
type recordYield struct {
	items []tributary.Item
	errs  []error
	limit int
}

func (r *recordYield) yield(it tributary.Item, err error) bool {
	r.items, r.errs = append(r.items, it), append(r.errs, err)
	return r.limit == 0 || len(r.items) < r.limit
}

func TestYielder(t *testing.T) {
	doc := tributary.DocumentItem(&tributary.Document{ID: "a"})
	t.Run("stops with the consumer", func(t *testing.T) {
		rec := &recordYield{limit: 1}
		y := tributary.NewYielder(context.Background(), rec.yield, "k", 1)
		assert.False(t, y.Yield(doc))
		assert.False(t, y.Yield(doc))
		assert.False(t, y.Fail(errors.New("late")))
		assert.Len(t, rec.items, 1, "nothing after the consumer stopped")
		assert.True(t, y.Stopped())
	})
	t.Run("an error is the last item", func(t *testing.T) {
		rec := &recordYield{}
		y := tributary.NewYielder(context.Background(), rec.yield, "k", 1)
		require.True(t, y.Checkpoint(map[string]int{"page": 2}))
		assert.False(t, y.Fail(errors.New("boom")))
		assert.False(t, y.Yield(doc))
		require.Len(t, rec.errs, 2)
		assert.EqualError(t, rec.errs[1], "boom")
		_, ok, err := tributary.DecodeCheckpoint[map[string]int](rec.items[0].Checkpoint, "k", 1)
		assert.True(t, ok)
		assert.NoError(t, err)
	})
	t.Run("a done context ends the stream with its error", func(t *testing.T) {
		rec := &recordYield{}
		ctx, cancel := context.WithCancel(context.Background())
		y := tributary.NewYielder(ctx, rec.yield, "k", 1)
		require.True(t, y.Yield(doc))
		cancel()
		assert.False(t, y.Yield(doc))
		require.Len(t, rec.errs, 2)
		assert.ErrorIs(t, rec.errs[1], context.Canceled)

		rec = &recordYield{}
		y = tributary.NewYielder(ctx, rec.yield, "k", 1)
		y.Fail(errors.New("read failed"))
		require.Len(t, rec.errs, 1)
		assert.ErrorIs(t, rec.errs[0], context.Canceled)
		assert.Contains(t, rec.errs[0].Error(), "read failed")
	})
	t.Run("a state that cannot be encoded ends the stream", func(t *testing.T) {
		rec := &recordYield{}
		y := tributary.NewYielder(context.Background(), rec.yield, "k", 1)
		assert.False(t, y.Checkpoint(func() {}))
		require.Len(t, rec.errs, 1)
		assert.Error(t, rec.errs[0])
	})
}
