package tributary_test

import (
	"context"
	"errors"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// flakyConnector loads its documents, failing those in broken under their
// ids, and fetches single documents again by id. Ids in gone are no longer
// in the source; ids in silent get no answer from Refetch.
type flakyConnector struct {
	docs   map[string]*tributary.Document
	order  []string
	broken map[string]bool
	gone   map[string]bool
	silent map[string]bool
	asked  [][]string // ids of each Refetch call
}

func newFlaky(ids ...string) *flakyConnector {
	c := &flakyConnector{docs: map[string]*tributary.Document{}, broken: map[string]bool{},
		gone: map[string]bool{}, silent: map[string]bool{}}
	for _, id := range ids {
		c.docs[id] = &tributary.Document{ID: id, Title: id, Sections: []tributary.Section{{Text: "text of " + id}}}
		c.order = append(c.order, id)
	}
	return c
}

func (c *flakyConnector) Source() tributary.DocumentSource { return testSource }
func (c *flakyConnector) Validate(context.Context) error   { return nil }

func (c *flakyConnector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, id := range c.order {
			if c.gone[id] {
				continue
			}
			if c.broken[id] {
				if !yield(nil, &tributary.Failure{DocumentID: id, Message: "attachment unreadable"}) {
					return
				}
				continue
			}
			d := *c.docs[id]
			if !yield(&d, nil) {
				return
			}
		}
	}
}

func (c *flakyConnector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	c.asked = append(c.asked, slices.Clone(ids))
	return func(yield func(tributary.Item, error) bool) {
		for _, id := range ids {
			var it tributary.Item
			switch {
			case c.silent[id]:
				continue
			case c.gone[id]:
				it = tributary.DeletionItem(id)
			case c.broken[id]:
				it = tributary.FailureItem(&tributary.Failure{DocumentID: id, Message: "attachment unreadable"})
			default:
				d := *c.docs[id]
				it = tributary.DocumentItem(&d)
			}
			if !yield(it, nil) {
				return
			}
		}
	}
}

var _ tributary.Refetcher = (*flakyConnector)(nil)

func retries(t *testing.T, s tributary.RetryStore) map[string]int {
	t.Helper()
	rs, err := s.Retries(t.Context(), string(testSource), 100, 100)
	require.NoError(t, err)
	out := map[string]int{}
	for _, r := range rs {
		out[r.DocumentID] = r.Attempts
	}
	return out
}

// A document that failed is fetched again at the start of the next run
// once its backoff has passed, and leaves the queue when it arrives.
func TestRunRefetchesFailedDocuments(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	c := newFlaky("a", "b", "c")
	c.broken["b"] = true
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), Retry: tributary.RetryPolicy{Backoff: time.Hour}}

	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Failures)
	assert.Equal(t, map[string]int{"b": 1}, retries(t, store))

	// The window of a poll would not bring b again: only the re-fetch does.
	c.order = []string{"a", "c"}

	// Before the backoff has passed nothing is asked again.
	now = now.Add(30 * time.Minute)
	res, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Empty(t, c.asked)
	assert.Zero(t, res.Retried)

	// Due: asked again, fails again, and its wait doubles.
	now = now.Add(31 * time.Minute)
	res, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"b"}}, c.asked)
	assert.Equal(t, 1, res.Retried)
	assert.Equal(t, 1, res.Failures)
	assert.Equal(t, map[string]int{"b": 2}, retries(t, store))
	now = now.Add(90 * time.Minute)
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Len(t, c.asked, 1, "two hours have not passed since the second failure")

	// Fixed in the source and due: fetched again, delivered, dequeued.
	c.broken["b"] = false
	now = now.Add(30 * time.Minute)
	res, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, [][]string{{"b"}, {"b"}}, c.asked)
	assert.Equal(t, 1, res.Retried)
	assert.Equal(t, 1, res.Documents)
	assert.Zero(t, res.Failures)
	assert.Equal(t, 1, sink.delivered["b"])
	assert.Empty(t, retries(t, store))
}

// A refetch that finds the document gone delivers its deletion; one that
// fails again counts an attempt but not against the run's failure budget;
// an id Refetch leaves unanswered fails; one that has used its attempts is
// no longer asked.
func TestRunRefetchOutcomes(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	c := newFlaky("a", "b", "c", "d")
	for _, id := range []string{"a", "b", "c", "d"} {
		c.broken[id] = true
	}
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), MaxFailures: 4,
		Retry: tributary.RetryPolicy{Backoff: -1, Attempts: 3}}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)

	c.gone["a"] = true
	c.silent["c"] = true
	c.broken["d"] = false
	c.order = nil // the window itself brings nothing: only the refetch counts
	r.MaxFailures = 0
	now = now.Add(time.Minute)
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err, "refetch failures do not count against the budget")
	assert.Equal(t, 4, res.Retried)
	assert.Equal(t, 2, res.Failures, "b failed again and c got no answer")
	assert.Equal(t, []string{"a"}, sink.deletions)
	assert.Equal(t, 1, sink.delivered["d"])
	assert.Equal(t, map[string]int{"b": 2, "c": 2}, retries(t, store))

	now = now.Add(time.Minute)
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{"b": 3, "c": 3}, retries(t, store), "both used their 3 attempts")
	assert.Len(t, c.asked, 2)

	now = now.Add(time.Minute)
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Len(t, c.asked, 2, "a document out of attempts is not asked again")
}

// A sink that refuses the refetched batch leaves the queue as it was, and
// the next run fetches the document again.
func TestRunRefetchSinkErrorKeepsQueue(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	c := newFlaky("a", "b")
	c.broken["b"] = true
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), Retry: tributary.RetryPolicy{Backoff: -1}}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	st, err := store.State(t.Context(), string(testSource))
	require.NoError(t, err)

	c.broken["b"] = false
	boom := errors.New("index down")
	sink.onWrite = func(context.Context, int) error { return boom }
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, boom)
	assert.Equal(t, map[string]int{"b": 1}, retries(t, store))
	after, err := store.State(t.Context(), string(testSource))
	require.NoError(t, err)
	assert.Equal(t, st, after, "the refetch left the stored state as it was")

	sink.onWrite = nil
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Retried)
	assert.Empty(t, retries(t, store))
}

// Refetch must not yield checkpoints; one that does ends the run with an
// error before anything is committed.
func TestRunRefetchCheckpointRefused(t *testing.T) {
	store := &tributary.MemoryStore{}
	require.NoError(t, store.Commit(t.Context(), string(testSource), tributary.Commit{
		Failures: []*tributary.Failure{{DocumentID: "x"}}}))
	c := &checkpointRefetcher{}
	r := &tributary.Runner{Store: store, Sink: newRecorder(t), Retry: tributary.RetryPolicy{Backoff: -1}}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.ErrorContains(t, err, "checkpoint")
	assert.Equal(t, map[string]int{"x": 1}, retries(t, store))
}

type checkpointRefetcher struct{ listConnector }

func (c *checkpointRefetcher) Refetch(context.Context, []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		yield(tributary.CheckpointItem(tributary.Checkpoint(`{}`)), nil)
	}
}

// A run asks at most Retry.Max documents again, the longest failed first,
// and Refetch is called with at most 50 ids at a time.
func TestRunRefetchBounded(t *testing.T) {
	now := time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC)
	store := &tributary.MemoryStore{}
	var ids []string
	for i := range 130 {
		id := string(rune('a'+i/26)) + string(rune('a'+i%26))
		ids = append(ids, id)
		require.NoError(t, store.Commit(t.Context(), string(testSource), tributary.Commit{
			Time: now.Add(time.Duration(i) * time.Second), Failures: []*tributary.Failure{{DocumentID: id}}}))
	}
	c := newFlaky(ids...)
	c.order = nil
	now = now.Add(time.Hour)
	r := &tributary.Runner{Store: store, Sink: newRecorder(t), Now: fixedNow(&now),
		Retry: tributary.RetryPolicy{Max: 120, Backoff: -1}}
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 120, res.Retried)
	require.Len(t, c.asked, 3)
	assert.Equal(t, []int{50, 50, 20}, []int{len(c.asked[0]), len(c.asked[1]), len(c.asked[2])})
	assert.Equal(t, ids[:50], c.asked[0], "longest failed first")
	assert.Len(t, retries(t, store), 10)

	r.Retry.Max = -1
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Len(t, c.asked, 3, "a negative Max turns re-fetching off")
}
