package tributary

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
)

func TestUpdateOrderTies(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	t1, t2 := t0.Add(time.Second), t0.Add(2*time.Second)
	o := NewUpdateOrder[int](3, false)

	// First page: ends with two items at t2.
	o.Page(time.Time{}, nil)
	for i, at := range []time.Time{t0, t1, t2, t2} {
		assert.False(t, o.Item(at, i+1))
	}
	last, tied := o.Last()
	assert.Equal(t, t2, last)
	assert.Equal(t, []int{3, 4}, tied)
	assert.False(t, o.Unsorted())

	// Asked again from t2: items 3 and 4 were read, 5 is new at t2 and 6 later.
	o.Page(last, tied)
	assert.True(t, o.Item(t2, 3))
	assert.True(t, o.Item(t2, 4))
	assert.False(t, o.Item(t2, 5))
	last, tied = o.Last()
	assert.Equal(t, t2, last, "a page of only the cursor's time does not move it")
	assert.Equal(t, []int{3}, tied[:1])
	assert.Len(t, tied, 3)
	assert.False(t, o.Item(t2.Add(time.Second), 6))
	last, tied = o.Last()
	assert.Equal(t, t2.Add(time.Second), last)
	assert.Equal(t, []int{6}, tied)
}

func TestUpdateOrderKeepsAtMostMaxTied(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	o := NewUpdateOrder[string](2, false)
	o.Page(time.Time{}, nil)
	for _, id := range []string{"a", "b", "c"} {
		o.Item(t0, id)
	}
	_, tied := o.Last()
	assert.Equal(t, []string{"b", "c"}, tied, "the latest ids are kept")
	tied[0] = "x"
	_, again := o.Last()
	assert.Equal(t, []string{"b", "c"}, again, "Last returns a copy")
}

func TestUpdateOrderNoticesDisorder(t *testing.T) {
	t0 := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	calls := 0
	o := NewUpdateOrder[int](10, false)
	o.OnUnsorted(func() { calls++ })
	o.Page(t0, nil)
	o.Item(t0.Add(time.Minute), 1)
	o.Item(t0.Add(time.Second), 2)  // earlier than the one before
	o.Item(t0.Add(-time.Second), 3) // earlier than the cursor
	assert.True(t, o.Unsorted())
	assert.Equal(t, 1, calls, "told once")

	o = NewUpdateOrder[int](10, true)
	o.OnUnsorted(func() { calls++ })
	o.Page(time.Time{}, nil)
	o.Item(t0, 1)
	o.Item(t0.Add(-time.Hour), 2)
	assert.True(t, o.Unsorted())
	assert.Equal(t, 1, calls, "a listing resumed unsorted is not reported again")
}
