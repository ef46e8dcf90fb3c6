package tributary_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"maps"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/cputime"
)

const testSource tributary.DocumentSource = "test"

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// makeDocs returns n documents doc-00..doc-(n-1), updated a minute apart
// from t0, four to a folder.
func makeDocs(n int) []*tributary.Document {
	docs := make([]*tributary.Document, n)
	for i := range docs {
		docs[i] = &tributary.Document{
			ID: fmt.Sprintf("doc-%02d", i), Source: testSource, SemanticID: fmt.Sprintf("Doc %d", i),
			Sections:  []tributary.Section{tributary.TextSection("", fmt.Sprintf("body %d", i))},
			UpdatedAt: t0.Add(time.Duration(i) * time.Minute),
			ParentID:  fmt.Sprintf("folder-%d", i/4),
		}
	}
	return docs
}

// pagedConnector is a CheckpointConnector over a list of documents sorted by
// id: it yields each document's folder before it, and a checkpoint after
// every page. Failures and a terminal error can be injected by position.
type pagedConnector struct {
	kind     string // checkpoint kind; "paged" when empty
	docs     []*tributary.Document
	pageSize int
	failAt   map[int]bool // positions yielded as Failure items
	errAt    int          // position of a terminal error; -1 for none
	errKind  error
	metered  bool         // report a request and a wait per page
	calls    []streamCall // every LoadFromCheckpoint that started
	deleted  []string     // ids yielded as deletions before the documents
	slimErr  error        // error ending LoadSlim
	slimFail bool         // LoadSlim yields a Failure
}

type streamCall struct {
	start, end time.Time
	next       int
}

type pageState struct {
	Next int `json:"next"`
}

func newPaged(n, pageSize int) *pagedConnector {
	return &pagedConnector{docs: makeDocs(n), pageSize: pageSize, errAt: -1}
}

func (c *pagedConnector) Source() tributary.DocumentSource { return testSource }
func (c *pagedConnector) Validate(context.Context) error   { return nil }

func (c *pagedConnector) checkpointKind() string {
	if c.kind == "" {
		return "paged"
	}
	return c.kind
}

func (c *pagedConnector) inWindow(start, end time.Time) []*tributary.Document {
	var out []*tributary.Document
	for _, d := range c.docs {
		if (start.IsZero() || !d.UpdatedAt.Before(start)) && (end.IsZero() || d.UpdatedAt.Before(end)) {
			out = append(out, d)
		}
	}
	return out
}

func (c *pagedConnector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		st, _, err := tributary.DecodeCheckpoint[pageState](cp, c.checkpointKind(), 1)
		if err != nil {
			yield(tributary.Item{}, err)
			return
		}
		c.calls = append(c.calls, streamCall{start, end, st.Next})
		if st.Next == 0 {
			for _, id := range c.deleted {
				if !yield(tributary.DeletionItem(id), nil) {
					return
				}
			}
		}
		docs, folder := c.inWindow(start, end), ""
		for i := st.Next; i < len(docs); i++ {
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, err)
				return
			}
			if !c.yieldOne(ctx, yield, i, docs[i], &folder) {
				return
			}
			if (i+1)%c.pageSize == 0 || i == len(docs)-1 {
				next, err := tributary.EncodeCheckpoint(c.checkpointKind(), 1, pageState{Next: i + 1})
				if err != nil || !yield(tributary.CheckpointItem(next), err) {
					return
				}
			}
		}
	}
}

// yieldOne yields position i: its folder when it changes, then the document,
// a failure or the terminal error. It returns false when the stream ends.
func (c *pagedConnector) yieldOne(ctx context.Context, yield func(tributary.Item, error) bool, i int, d *tributary.Document, folder *string) bool {
	if c.metered && i%c.pageSize == 0 {
		tributary.MeterFrom(ctx).Request()
		tributary.MeterFrom(ctx).RateLimitWait(time.Second)
		tributary.ReportSkip(ctx, d.ID+".bin", "no text")
	}
	if i == c.errAt {
		yield(tributary.Item{}, tributary.NewError("test: list", c.errKind, errors.New("upstream said no")))
		return false
	}
	if c.failAt[i] {
		f := tributary.DocumentFailure(d.ID, "", errors.New("unreadable"))
		if i%2 == 0 { // half as items, half as non-terminal errors
			return yield(tributary.FailureItem(f), nil)
		}
		return yield(tributary.Item{}, f)
	}
	if d.ParentID != *folder {
		*folder = d.ParentID
		if !yield(tributary.NodeItem(&tributary.HierarchyNode{ID: d.ParentID, Name: d.ParentID, Kind: tributary.NodeFolder}), nil) {
			return false
		}
	}
	clone := *d
	return yield(tributary.DocumentItem(&clone), nil)
}

func (c *pagedConnector) LoadSlim(ctx context.Context, start, end time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		for i, d := range c.inWindow(start, end) {
			if c.slimFail && i == 1 {
				if !yield(tributary.SlimDocument{}, tributary.DocumentFailure(d.ID, "", errors.New("hidden"))) {
					return
				}
				continue
			}
			if !yield(d.Slim(), nil) {
				return
			}
		}
		if c.slimErr != nil {
			yield(tributary.SlimDocument{}, c.slimErr)
		}
	}
}

var (
	_ tributary.CheckpointConnector = (*pagedConnector)(nil)
	_ tributary.SlimConnector       = (*pagedConnector)(nil)
)

// listConnector can only Load.
type listConnector struct {
	docs  []*tributary.Document
	loads int
	dieAt int // when positive, the nth document is a transient error instead
}

func (c *listConnector) Source() tributary.DocumentSource { return testSource }
func (c *listConnector) Validate(context.Context) error   { return nil }

func (c *listConnector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		c.loads++
		for i, d := range c.docs {
			if err := ctx.Err(); err != nil {
				yield(nil, err)
				return
			}
			if i+1 == c.dieAt {
				yield(nil, tributary.NewError("test: load", tributary.ErrTransient, errors.New("cut")))
				return
			}
			clone := *d
			if !yield(&clone, nil) {
				return
			}
		}
	}
}

var _ tributary.LoadConnector = (*listConnector)(nil)

// recorder is a Sink that records what it acknowledged and checks that each
// document's folder arrived before it (or in the same batch).
type recorder struct {
	t         *testing.T
	onWrite   func(ctx context.Context, n int) error // may fail the nth write
	writes    int
	delivered map[string]int // document id -> times delivered
	order     []string       // document ids, in delivery order
	deletions []string
	nodes     map[string]bool
	batches   []int // sizes
}

func newRecorder(t *testing.T) *recorder {
	return &recorder{t: t, delivered: map[string]int{}, nodes: map[string]bool{}}
}

func (s *recorder) Write(ctx context.Context, b tributary.Batch) error {
	s.writes++
	if s.onWrite != nil {
		if err := s.onWrite(ctx, s.writes); err != nil {
			return err
		}
	}
	for _, n := range b.Nodes {
		s.nodes[n.ID] = true
	}
	for _, d := range b.Documents {
		if d.ParentID != "" {
			assert.True(s.t, s.nodes[d.ParentID], "document %s arrived before its folder %s", d.ID, d.ParentID)
		}
		s.delivered[d.ID]++
		s.order = append(s.order, d.ID)
	}
	s.deletions = append(s.deletions, b.Deletions...)
	s.batches = append(s.batches, b.Len())
	return nil
}

func (s *recorder) ids() []string { return slices.Sorted(maps.Keys(s.delivered)) }

// cutStore wraps a Store and fails its nth Commit.
type cutStore struct {
	tributary.Store
	failOn  int
	err     error
	commits int
}

func (s *cutStore) Commit(ctx context.Context, instance string, c tributary.Commit) error {
	s.commits++
	if s.commits == s.failOn {
		return s.err
	}
	return s.Store.Commit(ctx, instance, c)
}

// flatDocs returns makeDocs(n) without folders, for connectors that yield
// no nodes.
func flatDocs(n int) []*tributary.Document {
	docs := makeDocs(n)
	for _, d := range docs {
		d.ParentID = ""
	}
	return docs
}

func docIDs(docs []*tributary.Document) []string {
	var ids []string
	for _, d := range docs {
		ids = append(ids, d.ID)
	}
	return ids
}

func fixedNow(at *time.Time) func() time.Time { return func() time.Time { return *at } }

func TestRunFirstRunLoadsEverythingThenPolls(t *testing.T) {
	ctx := context.Background()
	c := newPaged(10, 4)
	store := &tributary.MemoryStore{}
	now := t0.Add(time.Hour)
	sink := newRecorder(t)
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), BatchDocs: 5}

	res, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, docIDs(c.docs), sink.ids())
	assert.True(t, res.Full)
	assert.Equal(t, tributary.Window{End: now}, res.Window)
	assert.Equal(t, 10, res.Documents)
	assert.True(t, res.Done)
	st, err := store.State(ctx, "test")
	require.NoError(t, err)
	assert.False(t, st.InProgress())
	assert.True(t, st.LastGoodEnd.Equal(now))
	n, err := store.Count(ctx, "test")
	require.NoError(t, err)
	assert.Equal(t, 10, n)

	// A second run polls from the last good end less the lookback.
	first := now
	now = now.Add(time.Hour)
	c.docs[3].UpdatedAt = now.Add(-time.Minute)
	c.docs[3].Sections[0].Text = "edited"
	res, err = r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.False(t, res.Full)
	want := tributary.Window{Start: first.Add(-tributary.DefaultLookback), End: now}
	assert.Equal(t, want, res.Window)
	last := c.calls[len(c.calls)-1]
	assert.Equal(t, streamCall{want.Start, want.End, 0}, last, "the connector gets exactly the window")
	assert.Equal(t, 1, res.Documents)
	assert.Equal(t, 2, sink.delivered["doc-03"])
}

func TestRunOptions(t *testing.T) {
	ctx := context.Background()
	now := t0.Add(time.Hour)
	c := newPaged(10, 4)
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), Lookback: -1}
	_, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)

	t.Run("since", func(t *testing.T) {
		now = now.Add(time.Hour)
		res, err := r.Run(ctx, c, tributary.RunOptions{Since: t0.Add(5 * time.Minute), Redeliver: true})
		require.NoError(t, err)
		assert.Equal(t, tributary.Window{Start: t0.Add(5 * time.Minute), End: now}, res.Window)
		assert.Equal(t, 5, res.Documents, "doc-05..doc-09 redelivered")
	})
	t.Run("no lookback", func(t *testing.T) {
		prev := now
		now = now.Add(time.Hour)
		res, err := r.Run(ctx, c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, tributary.Window{Start: prev, End: now}, res.Window)
	})
	t.Run("full", func(t *testing.T) {
		now = now.Add(time.Hour)
		res, err := r.Run(ctx, c, tributary.RunOptions{Full: true})
		require.NoError(t, err)
		assert.True(t, res.Full)
		assert.Equal(t, 0, res.Documents)
		assert.Equal(t, 10, res.Unchanged, "a full reload drops repeats")
	})
	t.Run("since after now", func(t *testing.T) {
		_, err := r.Run(ctx, c, tributary.RunOptions{Since: now.Add(time.Hour)})
		assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	})
	t.Run("full and since", func(t *testing.T) {
		_, err := r.Run(ctx, c, tributary.RunOptions{Full: true, Since: t0})
		assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	})
	t.Run("no sink", func(t *testing.T) {
		_, err := (&tributary.Runner{Store: store}).Run(ctx, c, tributary.RunOptions{})
		assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	})
}

// TestRunResumesFromEveryCut cuts a run at every commit or batch, resumes
// with a fresh Runner on the same store, and checks that the documents
// delivered over both runs are exactly the source's, with repeats only
// after the last committed checkpoint.
func TestRunResumesFromEveryCut(t *testing.T) {
	errCut := errors.New("cut")
	type cut struct {
		name  string
		apply func(r *tributary.Runner, sink *recorder, c tributary.Connector, k int, cancel context.CancelFunc)
	}
	cuts := []cut{
		{"store commit fails", func(r *tributary.Runner, _ *recorder, _ tributary.Connector, k int, _ context.CancelFunc) {
			r.Store = &cutStore{Store: r.Store, failOn: k, err: errCut}
		}},
		{"connector fails", func(_ *tributary.Runner, _ *recorder, c tributary.Connector, k int, _ context.CancelFunc) {
			switch c := c.(type) {
			case *pagedConnector:
				c.errAt, c.errKind = k-1, errCut
			case *listConnector:
				c.dieAt = k
			}
		}},
		{"sink fails", func(_ *tributary.Runner, sink *recorder, _ tributary.Connector, k int, _ context.CancelFunc) {
			sink.onWrite = func(_ context.Context, n int) error {
				if n == k {
					return errCut
				}
				return nil
			}
		}},
		{"cancelled after acknowledgement", func(_ *tributary.Runner, sink *recorder, _ tributary.Connector, k int, cancel context.CancelFunc) {
			sink.onWrite = func(_ context.Context, n int) error {
				if n == k {
					cancel()
				}
				return nil
			}
		}},
	}
	connectors := []struct {
		name string
		make func() tributary.Connector
	}{
		{"checkpoint", func() tributary.Connector { return newPaged(11, 3) }},
		{"load only", func() tributary.Connector { return &listConnector{docs: flatDocs(11)} }},
	}
	for _, cn := range connectors {
		for _, cu := range cuts {
			t.Run(cn.name+"/"+cu.name, func(t *testing.T) {
				for k := 1; ; k++ {
					c := cn.make()
					if !resumeAfterCut(t, c, k, func(r *tributary.Runner, s *recorder, cancel context.CancelFunc) {
						cu.apply(r, s, c, k, cancel)
					}) {
						require.Greater(t, k, 2, "the cut never happened")
						break
					}
				}
			})
		}
	}
}

// resumeAfterCut runs c with the kth cut applied, then resumes. It returns
// false when the first run was not cut (k is past the last position).
func resumeAfterCut(t *testing.T, c tributary.Connector, k int, apply func(*tributary.Runner, *recorder, context.CancelFunc)) bool {
	t.Helper()
	store := &tributary.MemoryStore{}
	now := t0.Add(time.Hour)
	sink := newRecorder(t)
	r := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), BatchDocs: 4}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	apply(r, sink, cancel)
	_, err := r.Run(ctx, c, tributary.RunOptions{})
	if err == nil {
		return false
	}
	if !errors.Is(err, context.Canceled) {
		require.ErrorContains(t, err, "cut", "cut %d", k)
	}
	st, err := store.State(context.Background(), "test")
	require.NoError(t, err)
	committed, _, err := tributary.DecodeCheckpoint[pageState](st.Checkpoint, "paged", 1)
	require.NoError(t, err)
	calls := 0
	if p, ok := c.(*pagedConnector); ok {
		calls = len(p.calls)
	}

	sink.onWrite = nil
	switch c := c.(type) {
	case *pagedConnector:
		c.errAt = -1
	case *listConnector:
		c.dieAt = 0
	}
	now = now.Add(time.Hour)
	fresh := &tributary.Runner{Store: store, Sink: sink, Now: fixedNow(&now), BatchDocs: 4}
	res, err := fresh.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err, "cut %d", k)
	assert.Equal(t, st.InProgress(), res.Resumed, "cut %d", k)
	if p, ok := c.(*pagedConnector); ok && st.InProgress() {
		assert.Equal(t, streamCall{st.Window.Start, st.Window.End, committed.Next}, p.calls[calls],
			"cut %d: the same window resumes from the stored checkpoint", k)
		assert.Equal(t, streamCall{st.Window.End.Add(-tributary.DefaultLookback), now, 0}, p.calls[len(p.calls)-1],
			"cut %d: then a new window polls from its end", k)
	}
	all := docIDs(makeDocs(11))
	assert.Equal(t, all, sink.ids(), "cut %d: exactly the source's documents", k)
	for id, n := range sink.delivered {
		if n > 1 {
			assert.GreaterOrEqual(t, slices.Index(all, id), committed.Next,
				"cut %d: %s repeated from before the last committed checkpoint", k, id)
		}
	}
	assert.LessOrEqual(t, len(sink.order)-len(all), 4, "cut %d: at most one batch repeated", k)
	return true
}

func TestRunLookbackDropsRepeats(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		start := time.Now()
		c := newPaged(0, 4)
		c.docs = []*tributary.Document{
			{ID: "a", Source: testSource, SemanticID: "A", UpdatedAt: start.Add(-time.Hour).UTC()},
			{ID: "b", Source: testSource, SemanticID: "B", UpdatedAt: start.Add(-time.Minute).UTC()},
		}
		store := &tributary.MemoryStore{}
		sink := newRecorder(t)
		r := &tributary.Runner{Store: store, Sink: sink, Lookback: 10 * time.Minute}
		_, err := r.Run(ctx, c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, []string{"a", "b"}, sink.order)

		time.Sleep(time.Hour)
		c.docs = append(c.docs, &tributary.Document{ID: "c", Source: testSource, SemanticID: "C",
			UpdatedAt: time.Now().Add(-time.Minute).UTC()})
		res, err := r.Run(ctx, c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.True(t, res.Window.Start.Equal(start.Add(-10*time.Minute)), "window overlaps by the lookback")
		assert.Equal(t, 1, res.Unchanged, "b is in the overlap and unchanged")
		assert.Equal(t, []string{"a", "b", "c"}, sink.order)

		time.Sleep(time.Hour)
		res, err = r.Run(ctx, c, tributary.RunOptions{Since: start.Add(-2 * time.Hour), Redeliver: true})
		require.NoError(t, err)
		assert.Equal(t, 3, res.Documents, "Redeliver hands over unchanged documents too")
	})
}

func TestRunLoadOnlyEmitsOnlyChanges(t *testing.T) {
	ctx := context.Background()
	c := &listConnector{docs: flatDocs(6)}
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	r := &tributary.Runner{Store: store, Sink: sink}
	res, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 6, res.Documents)

	c.docs[2].Title = "retitled"
	c.docs = append(c.docs, &tributary.Document{ID: "doc-99", Source: testSource, SemanticID: "new"})
	res, err = r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Full, "a connector that cannot poll is loaded in full")
	assert.Equal(t, 2, c.loads)
	assert.Equal(t, 2, res.Documents)
	assert.Equal(t, 5, res.Unchanged)
	assert.Equal(t, []string{"doc-02", "doc-99"}, sink.order[6:])
}

func TestRunRepeatRules(t *testing.T) {
	ctx := context.Background()
	reload := func(t *testing.T, r *tributary.Runner, c *listConnector) (tributary.Result, []string) {
		t.Helper()
		sink := newRecorder(t)
		r.Sink = sink
		res, err := r.Run(ctx, c, tributary.RunOptions{})
		require.NoError(t, err)
		return res, sink.order
	}
	t.Run("content", func(t *testing.T) {
		c := &listConnector{docs: flatDocs(4)}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}}
		reload(t, r, c)
		c.docs[1].ExternalAccess = &tributary.ExternalAccess{GroupIDs: []string{"eng"}}
		res, got := reload(t, r, c)
		assert.Equal(t, []string{"doc-01"}, got, "a change of access alone is delivered")
		assert.Equal(t, 3, res.Unchanged)
	})
	t.Run("update-time", func(t *testing.T) {
		c := &listConnector{docs: flatDocs(4)}
		c.docs[3].UpdatedAt = time.Time{}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Repeats: tributary.RepeatsByUpdateTime}
		_, got := reload(t, r, c)
		require.Len(t, got, 4)

		c.docs[0].ExternalAccess = &tributary.ExternalAccess{Public: true} // same update time: dropped
		c.docs[1].Title, c.docs[1].UpdatedAt = "edited", c.docs[1].UpdatedAt.Add(time.Second)
		c.docs[2].UpdatedAt = c.docs[2].UpdatedAt.In(time.FixedZone("x", 3600)) // the same instant
		c.docs[3].Title = "edited"                                              // no update time: compared by content
		res, got := reload(t, r, c)
		assert.Equal(t, []string{"doc-01", "doc-03"}, got)
		assert.Equal(t, 2, res.Unchanged)

		res, got = reload(t, r, c)
		assert.Empty(t, got)
		assert.Equal(t, 4, res.Unchanged)

		r.Repeats = tributary.RepeatsByContent
		_, got = reload(t, r, c)
		assert.Equal(t, []string{"doc-00", "doc-01", "doc-02"}, got,
			"entries kept without a hash are delivered once more by content")
		res, got = reload(t, r, c)
		assert.Empty(t, got)
		assert.Equal(t, 4, res.Unchanged)
	})
}

func TestRepeatRuleText(t *testing.T) {
	for _, r := range []tributary.RepeatRule{tributary.RepeatsByContent, tributary.RepeatsByUpdateTime} {
		b, err := r.MarshalText()
		require.NoError(t, err)
		var back tributary.RepeatRule
		require.NoError(t, back.UnmarshalText(b))
		assert.Equal(t, r, back)
	}
	var r tributary.RepeatRule
	err := r.UnmarshalText([]byte("updated"))
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), `"updated"`)
	_, err = tributary.RepeatRule(7).MarshalText()
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Equal(t, "RepeatRule(7)", tributary.RepeatRule(7).String())
}

func TestRunFailureThreshold(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		max     int
		aborted bool
	}{{max: 3}, {max: 2, aborted: true}, {max: -1}, {max: 0}} {
		t.Run(fmt.Sprint(tc.max), func(t *testing.T) {
			c := newPaged(10, 4)
			c.failAt = map[int]bool{1: true, 4: true, 8: true}
			store := &tributary.MemoryStore{}
			sink := newRecorder(t)
			r := &tributary.Runner{Store: store, Sink: sink, MaxFailures: tc.max}
			res, err := r.Run(ctx, c, tributary.RunOptions{})
			assert.Equal(t, 3, res.Failures)
			assert.Len(t, res.Failed, 3)
			if tc.aborted {
				require.ErrorIs(t, err, tributary.ErrTooManyFailures)
				assert.Contains(t, err.Error(), "--max-failures", "the message says how to go on")
				assert.Contains(t, err.Error(), "exclude")
				st, err := store.State(ctx, "test")
				require.NoError(t, err)
				assert.True(t, st.InProgress(), "an aborted run does not complete its window")
				return
			}
			require.NoError(t, err)
			assert.Equal(t, 7, res.Documents)
			got := store.Failures("test")
			require.Len(t, got, 3, "failures are committed")
			assert.Equal(t, "doc-01", got[0].DocumentID)
		})
	}
}

func TestRunSinkErrorKeepsCheckpoint(t *testing.T) {
	ctx := context.Background()
	c := newPaged(10, 2)
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	errFull := errors.New("index full")
	sink.onWrite = func(_ context.Context, n int) error {
		if n == 2 {
			return errFull
		}
		return nil
	}
	r := &tributary.Runner{Store: store, Sink: sink, BatchDocs: 4}
	_, err := r.Run(ctx, c, tributary.RunOptions{})
	require.ErrorIs(t, err, errFull)
	st, err := store.State(ctx, "test")
	require.NoError(t, err)
	cp, _, err := tributary.DecodeCheckpoint[pageState](st.Checkpoint, "paged", 1)
	require.NoError(t, err)
	// The first batch (folder-0, doc-00, doc-01, doc-02) was acknowledged;
	// the checkpoint after doc-01 is the last one before it.
	assert.Equal(t, 2, cp.Next)
	assert.True(t, st.LastGoodEnd.IsZero())
}

func TestRunTerminalErrorKeepsKind(t *testing.T) {
	ctx := context.Background()
	c := newPaged(10, 2)
	c.errAt, c.errKind = 5, tributary.ErrCredentialExpired
	store := &tributary.MemoryStore{}
	r := &tributary.Runner{Store: store, Sink: newRecorder(t), BatchDocs: 2}
	_, err := r.Run(ctx, c, tributary.RunOptions{})
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.ErrorContains(t, err, "run test: test: list")
	st, err := store.State(ctx, "test")
	require.NoError(t, err)
	cp, _, err := tributary.DecodeCheckpoint[pageState](st.Checkpoint, "paged", 1)
	require.NoError(t, err)
	assert.Equal(t, 4, cp.Next, "the checkpoint stops before the error")
}

func TestRunRefusesAnotherConnectorsCheckpoint(t *testing.T) {
	ctx := context.Background()
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	sink.onWrite = func(_ context.Context, n int) error {
		if n == 3 {
			return errors.New("cut")
		}
		return nil
	}
	r := &tributary.Runner{Store: store, Sink: sink, BatchDocs: 2, Instance: "shared"}
	_, err := r.Run(ctx, newPaged(10, 2), tributary.RunOptions{})
	require.Error(t, err)

	other := newPaged(10, 2)
	other.kind = "other"
	sink.onWrite = nil
	_, err = r.Run(ctx, other, tributary.RunOptions{})
	require.ErrorIs(t, err, tributary.ErrInvalidCheckpoint)
	assert.ErrorContains(t, err, `made by "paged", not "other"`)
	assert.ErrorContains(t, err, "run in full to start over")

	res, err := r.Run(ctx, other, tributary.RunOptions{Full: true})
	require.NoError(t, err, "a full run starts over")
	assert.False(t, res.Resumed)
}

// itemsConnector streams a fixed list of items and errors.
type itemsConnector struct {
	items []tributary.Item
	errs  []error
}

func (c *itemsConnector) Source() tributary.DocumentSource { return testSource }
func (c *itemsConnector) Validate(context.Context) error   { return nil }

func (c *itemsConnector) LoadFromCheckpoint(context.Context, time.Time, time.Time, tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for i, it := range c.items {
			if !yield(it, c.errs[i]) {
				return
			}
		}
	}
}

func TestRunBadItemsNeverPanic(t *testing.T) {
	ctx := context.Background()
	var nilFailure *tributary.Failure
	ok := tributary.DocumentItem(&tributary.Document{ID: "ok", Source: testSource, SemanticID: "ok"})
	c := &itemsConnector{
		items: []tributary.Item{ok, tributary.DocumentItem(&tributary.Document{SemanticID: "no id"}), {}, {}},
		errs:  []error{nil, nil, nilFailure, nil},
	}
	sink := newRecorder(t)
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink}
	res, err := r.Run(ctx, c, tributary.RunOptions{})
	require.ErrorContains(t, err, "run test: connector yielded an item with nothing set")
	assert.Equal(t, 2, res.Failures, "a document without an id and a nil failure are failures")
	assert.ErrorContains(t, res.Failed[0], `document "no id" has no id`)

	c.items[3] = tributary.Item{Deletion: "x", Checkpoint: tributary.Checkpoint("{}")}
	_, err = r.Run(ctx, c, tributary.RunOptions{})
	require.ErrorContains(t, err, "more than one field set")
	assert.Empty(t, sink.order, "nothing is delivered from a window that failed")
}

func TestRunStopsWhenCancelledEvenIfTheConnectorDoesNot(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	c := &listConnector{docs: flatDocs(10)}
	sink := newRecorder(t)
	sink.onWrite = func(context.Context, int) error { cancel(); return nil }
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 2}
	_, err := r.Run(ctx, &ignoresContext{c}, tributary.RunOptions{})
	require.ErrorIs(t, err, context.Canceled)
	assert.Len(t, sink.order, 2)
}

// ignoresContext loads with a context that is never cancelled.
type ignoresContext struct{ c *listConnector }

func (c *ignoresContext) Source() tributary.DocumentSource { return testSource }
func (c *ignoresContext) Validate(context.Context) error   { return nil }
func (c *ignoresContext) Load(context.Context) iter.Seq2[*tributary.Document, error] {
	return c.c.Load(context.Background())
}

func TestRunDeletionsAndNodes(t *testing.T) {
	ctx := context.Background()
	store := &tributary.MemoryStore{}
	sink := newRecorder(t)
	c := newPaged(4, 4)
	r := &tributary.Runner{Store: store, Sink: sink}
	_, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)

	c.docs = c.docs[1:]
	c.deleted = []string{"doc-00"}
	res, err := r.Run(ctx, c, tributary.RunOptions{Full: true})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Deletions)
	assert.Equal(t, 1, res.Nodes)
	assert.Equal(t, []string{"doc-00"}, sink.deletions)
	got, err := store.Lookup(ctx, "test", []string{"doc-00", "doc-01"})
	require.NoError(t, err)
	assert.Equal(t, []string{"doc-01"}, slices.Collect(maps.Keys(got)), "the deletion is committed")
}

func TestRunBatchesByCountAndBytes(t *testing.T) {
	ctx := context.Background()
	c := &listConnector{docs: flatDocs(10)}
	sink := newRecorder(t)
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 4}
	_, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int{4, 4, 2}, sink.batches)

	sink = newRecorder(t)
	size := c.docs[0].Size()
	r = &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchBytes: 2*size + 1}
	_, err = r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []int{3, 3, 3, 1}, sink.batches, "a batch closes once it reaches the byte bound")
}

func TestRunReportsProgressAndMeter(t *testing.T) {
	ctx := context.Background()
	c := newPaged(10, 5)
	c.metered = true
	var reports []tributary.Progress
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: newRecorder(t), BatchDocs: 6,
		Progress: func(p tributary.Progress) { reports = append(reports, p) }}
	res, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	require.NotEmpty(t, reports)
	last := reports[len(reports)-1]
	assert.True(t, last.Done)
	assert.Equal(t, res.Progress, last)
	assert.Equal(t, int64(2), last.Requests)
	assert.Equal(t, 2*time.Second, last.RateLimitWait)
	assert.Equal(t, int64(2), last.Skipped, "skips are counted, not failed")
	assert.Zero(t, last.Failures)
	assert.Equal(t, 10, last.Documents)
	assert.Equal(t, 3, last.Nodes)
	assert.Equal(t, len(reports)-1, last.Batches, "one report per batch and one at the end")
	assert.Positive(t, last.Bytes)
	for _, p := range reports[:len(reports)-1] {
		assert.False(t, p.Done)
	}
}

// countingMeter is a Meter a host installs in the context it runs with.
type countingMeter struct {
	requests atomic.Int64
	wait     atomic.Int64
	mu       sync.Mutex
	skipped  []string
}

func (m *countingMeter) Request()                      { m.requests.Add(1) }
func (m *countingMeter) RateLimitWait(d time.Duration) { m.wait.Add(int64(d)) }
func (m *countingMeter) Skip(id, reason string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.skipped = append(m.skipped, id+": "+reason)
}

func TestRunPassesMeasurementsToTheHostsMeter(t *testing.T) {
	host := &countingMeter{}
	ctx := tributary.WithMeter(context.Background(), host)
	c := newPaged(10, 5)
	c.metered = true
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: newRecorder(t)}
	res, err := r.Run(ctx, c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(2), res.Requests)
	assert.Equal(t, int64(2), host.requests.Load())
	assert.Equal(t, int64(2*time.Second), host.wait.Load())
	assert.Equal(t, []string{"doc-00.bin: no text", "doc-05.bin: no text"}, host.skipped, "a host meter that counts skips hears each one")
}

func TestReportSkipWithoutARunIsHarmless(t *testing.T) {
	tributary.ReportSkip(context.Background(), "x", "no run")
	tributary.ReportSkip(tributary.WithMeter(context.Background(), &countingMeter{}), "x", "no run")
}

func TestPrune(t *testing.T) {
	ctx := context.Background()
	setup := func(t *testing.T, n int) (*pagedConnector, *tributary.Runner, *recorder) {
		c := newPaged(n, 4)
		sink := newRecorder(t)
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 3}
		_, err := r.Run(ctx, c, tributary.RunOptions{})
		require.NoError(t, err)
		return c, r, sink
	}
	t.Run("deletes exactly the missing ids", func(t *testing.T) {
		c, r, sink := setup(t, 20)
		c.docs = slices.DeleteFunc(c.docs, func(d *tributary.Document) bool { return d.ID == "doc-03" || d.ID == "doc-17" })
		res, err := r.Prune(ctx, c, tributary.PruneOptions{})
		require.NoError(t, err)
		assert.Equal(t, tributary.PruneResult{Listed: 18, Known: 20, Missing: 2, Deleted: 2}, res)
		assert.Equal(t, []string{"doc-03", "doc-17"}, sink.deletions)
		n, err := r.Store.Count(ctx, "test")
		require.NoError(t, err)
		assert.Equal(t, 18, n)

		res, err = r.Prune(ctx, c, tributary.PruneOptions{})
		require.NoError(t, err)
		assert.Zero(t, res.Deleted, "a second listing marks afresh")
	})
	t.Run("refuses over the share without force", func(t *testing.T) {
		c, r, sink := setup(t, 10)
		c.docs = c.docs[:7]
		_, err := r.Prune(ctx, c, tributary.PruneOptions{MaxShare: 0.2})
		refusal, ok := errors.AsType[*tributary.PruneRefusal](err)
		require.True(t, ok, "%v", err)
		assert.ErrorIs(t, err, tributary.ErrPruneRefused)
		assert.Equal(t, 3, refusal.Missing)
		assert.ErrorContains(t, err, "3 of 10 known documents (30.0%) are missing")
		assert.Empty(t, sink.deletions)

		res, err := r.Prune(ctx, c, tributary.PruneOptions{MaxShare: 0.2, Force: true})
		require.NoError(t, err)
		assert.Equal(t, 3, res.Deleted)
		assert.Equal(t, []string{"doc-07", "doc-08", "doc-09"}, sink.deletions)
	})
	t.Run("refuses after a listing error", func(t *testing.T) {
		c, r, sink := setup(t, 10)
		c.docs = c.docs[:5]
		c.slimErr = tributary.NewError("test: list", tributary.ErrTransient, errors.New("502"))
		_, err := r.Prune(ctx, c, tributary.PruneOptions{Force: true})
		assert.ErrorIs(t, err, tributary.ErrPruneRefused)
		assert.ErrorIs(t, err, tributary.ErrTransient)
		assert.Empty(t, sink.deletions)
	})
	t.Run("refuses after a failure", func(t *testing.T) {
		c, r, sink := setup(t, 10)
		c.docs = c.docs[:9]
		c.slimFail = true
		res, err := r.Prune(ctx, c, tributary.PruneOptions{Force: true})
		assert.ErrorIs(t, err, tributary.ErrPruneRefused)
		require.NotNil(t, res.Failure)
		assert.Equal(t, "doc-01", res.Failure.DocumentID)
		assert.Empty(t, sink.deletions)
	})
	t.Run("sink error stops before the commit", func(t *testing.T) {
		c, r, sink := setup(t, 10)
		c.docs = c.docs[:9]
		errDown := errors.New("down")
		sink.onWrite = func(context.Context, int) error { return errDown }
		_, err := r.Prune(ctx, c, tributary.PruneOptions{})
		assert.ErrorIs(t, err, errDown)
		n, err := r.Store.Count(ctx, "test")
		require.NoError(t, err)
		assert.Equal(t, 10, n)
	})
}

// benchDocs returns n documents of about 2 KB of text each, with the fields
// a wiki page carries.
func benchDocs(n int) []*tributary.Document {
	body := strings.Repeat("Tributary hands documents to indexing backends. ", 40)
	docs := make([]*tributary.Document, n)
	for i := range docs {
		id := fmt.Sprintf("https://wiki.example.com/pages/%06d", i)
		docs[i] = &tributary.Document{
			ID: id, Source: testSource, SemanticID: fmt.Sprintf("Page %d", i), Title: fmt.Sprintf("Page %d", i),
			Sections: []tributary.Section{
				tributary.TextSection(id, body),
				tributary.TextSection(id+"#comments", body[:len(body)/4]),
			},
			Metadata:      tributary.Metadata{"space": {"ENG"}, "labels": {"runbook", "oncall"}},
			UpdatedAt:     t0.Add(time.Duration(i) * time.Second),
			CreatedAt:     t0,
			PrimaryOwners: []tributary.Person{{DisplayName: "Ana Lima", Email: "ana@example.com"}},
			ParentID:      "space-ENG",
		}
	}
	return docs
}

// sharedConnector yields the same documents every time, without copying
// them, so that a benchmark measures the runner rather than the connector.
type sharedConnector struct{ docs []*tributary.Document }

func (c *sharedConnector) Source() tributary.DocumentSource { return testSource }
func (c *sharedConnector) Validate(context.Context) error   { return nil }

func (c *sharedConnector) Load(context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, d := range c.docs {
			if !yield(d, nil) {
				return
			}
		}
	}
}

// BenchmarkRunner measures the runner's cost per document (windows,
// batching, repeat rules and the state it commits, with a sink that
// discards) against encoding the same documents as JSON to io.Discard, the
// least a real sink does. runner/json is the runner's own cost beside the
// JSON's; store/json what the MemoryStore it commits to costs on top
// (stores have benchmarks of their own); hash/json what
// Document.ContentHash alone costs, for scale. "new" delivers every
// document to an empty store; "unchanged" reloads documents the store
// already holds; each under both RepeatRules.
//
// The ratios are of the process's CPU time in each phase (garbage
// collection included), so that other work on a shared machine does not
// move them; docs/s and json-docs/s are wall-clock rates.
func BenchmarkRunner(b *testing.B) {
	docs := benchDocs(1000)
	for _, rule := range []tributary.RepeatRule{tributary.RepeatsByContent, tributary.RepeatsByUpdateTime} {
		for _, mode := range []string{"new", "unchanged"} {
			b.Run(fmt.Sprintf("repeats=%s/%s", rule, mode), func(b *testing.B) { benchRunner(b, docs, rule, mode == "new") })
		}
	}
}

func benchRunner(b *testing.B, docs []*tributary.Document, rule tributary.RepeatRule, fresh bool) {
	ctx := context.Background()
	c := &sharedConnector{docs: docs}
	discard := tributary.SinkFunc(func(context.Context, tributary.Batch) error { return nil })
	store := &timedStore{Store: &tributary.MemoryStore{}}
	var runner, encode, hash phase
	for b.Loop() {
		if fresh {
			store.Store = &tributary.MemoryStore{}
		}
		r := &tributary.Runner{Store: store, Sink: discard, Repeats: rule}
		runner.time(b, func() error {
			_, err := r.Run(ctx, c, tributary.RunOptions{})
			return err
		})
		encode.time(b, func() error {
			enc := json.NewEncoder(io.Discard)
			for _, d := range docs {
				if err := enc.Encode(d); err != nil {
					return err
				}
			}
			return nil
		})
		hash.time(b, func() error {
			for _, d := range docs {
				_ = d.ContentHash()
			}
			return nil
		})
	}
	n := float64(b.N * len(docs))
	b.ReportMetric(n/runner.wall.Seconds(), "docs/s")
	b.ReportMetric(n/encode.wall.Seconds(), "json-docs/s")
	if encode.cpu == 0 {
		b.Log("no processor time on this platform: runner/json and the other ratios are not reported")
		return
	}
	b.ReportMetric(float64(runner.cpu-store.cpu)/float64(encode.cpu), "runner/json")
	b.ReportMetric(float64(store.cpu)/float64(encode.cpu), "store/json")
	b.ReportMetric(float64(hash.cpu)/float64(encode.cpu), "hash/json")
}

// timedStore adds up the process CPU time spent in the calls a run makes
// to its Store.
type timedStore struct {
	tributary.Store
	cpu time.Duration
}

func (s *timedStore) State(ctx context.Context, instance string) (tributary.State, error) {
	defer s.since(cputime.Process())
	return s.Store.State(ctx, instance)
}

func (s *timedStore) Commit(ctx context.Context, instance string, c tributary.Commit) error {
	defer s.since(cputime.Process())
	return s.Store.Commit(ctx, instance, c)
}

func (s *timedStore) Lookup(ctx context.Context, instance string, ids []string) (map[string]tributary.InventoryEntry, error) {
	defer s.since(cputime.Process())
	return s.Store.Lookup(ctx, instance, ids)
}

func (s *timedStore) since(start time.Duration) { s.cpu += cputime.Process() - start }

// phase adds up the wall-clock and process CPU time of a benchmark phase.
type phase struct{ wall, cpu time.Duration }

func (p *phase) time(b *testing.B, f func() error) {
	b.Helper()
	wall, cpu := time.Now(), cputime.Process()
	if err := f(); err != nil {
		b.Fatal(err)
	}
	p.wall += time.Since(wall)
	p.cpu += cputime.Process() - cpu
}

// slowConnector is a pagedConnector whose every item takes a second of the
// clock at.
type slowConnector struct {
	*pagedConnector
	at *time.Time
}

func (c *slowConnector) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for it, err := range c.pagedConnector.LoadFromCheckpoint(ctx, start, end, cp) {
			*c.at = c.at.Add(time.Second)
			if !yield(it, err) {
				return
			}
		}
	}
}

func TestRunBatchAgeCommitsSlowProgress(t *testing.T) {
	ctx := context.Background()
	for _, tc := range []struct {
		name     string
		age      time.Duration
		wantNext int // the stored checkpoint's next document; -1: none stored
	}{
		{"aged batches go", 2 * time.Second, 4},
		{"only full batches go", -1, -1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at := t0.Add(24 * time.Hour)
			c := &slowConnector{newPaged(10, 2), &at}
			c.errAt, c.errKind = 5, tributary.ErrTransient
			store := &tributary.MemoryStore{}
			sink := newRecorder(t)
			r := &tributary.Runner{Store: store, Sink: sink, BatchAge: tc.age, Now: fixedNow(&at)}
			_, err := r.Run(ctx, c, tributary.RunOptions{})
			require.ErrorIs(t, err, tributary.ErrTransient)
			st, err := store.State(ctx, "test")
			require.NoError(t, err)
			if tc.wantNext < 0 {
				assert.True(t, st.Checkpoint.IsZero(), "no batch filled, so no checkpoint is stored")
				assert.Empty(t, sink.ids())
				return
			}
			cp, _, err := tributary.DecodeCheckpoint[pageState](st.Checkpoint, "paged", 1)
			require.NoError(t, err)
			assert.Equal(t, tc.wantNext, cp.Next, "the last checkpoint before the error is stored")
			assert.Equal(t, []string{"doc-00", "doc-01", "doc-02", "doc-03"}, sink.ids())
		})
	}
}

// slowLoader is a listConnector whose every document takes a second of the
// clock at.
type slowLoader struct {
	*listConnector
	at *time.Time
}

func (c *slowLoader) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range c.listConnector.Load(ctx) {
			*c.at = c.at.Add(time.Second)
			if !yield(d, err) {
				return
			}
		}
	}
}

func TestRunBatchAgeWithoutCheckpoints(t *testing.T) {
	// A connector that only loads still has its batches go by age, so the
	// sink is not kept waiting on a slow source.
	at := t0.Add(24 * time.Hour)
	c := &slowLoader{&listConnector{docs: flatDocs(300)}, &at}
	sink := newRecorder(t)
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchAge: 40 * time.Second, Now: fixedNow(&at)}
	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Len(t, sink.ids(), 300)
	require.Greater(t, len(sink.batches), 3, "batches of 100 would be three")
	for _, n := range sink.batches {
		assert.Less(t, n, 100, "every batch went by age, before it was full")
	}
}
