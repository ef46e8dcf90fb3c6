package tributary_test

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// aclSource is a Load and Slim connector whose documents' access tests
// change between calls, as permissions change upstream without an edit.
type aclSource struct {
	ids    []string
	access map[string]*tributary.ExternalAccess
	extra  []string // listed by LoadSlim only: ids never delivered
	fail   string   // id LoadSlim reports as a Failure instead
	broken string   // id Load reports as a Failure instead
	errAt  int      // when positive, LoadSlim ends with an error after this many
	slims  int      // LoadSlim calls that started
}

func newACL(n int) *aclSource {
	c := &aclSource{access: map[string]*tributary.ExternalAccess{}}
	for i := range n {
		id := fmt.Sprintf("doc-%05d", i)
		c.ids = append(c.ids, id)
		c.access[id] = &tributary.ExternalAccess{UserEmails: []string{"ann@example.com", fmt.Sprintf("u%d@example.com", i)}, GroupIDs: []string{"eng"}}
	}
	return c
}

func (c *aclSource) Source() tributary.DocumentSource { return testSource }
func (c *aclSource) Validate(context.Context) error   { return nil }

func (c *aclSource) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, id := range c.ids {
			if id == c.broken {
				if !yield(nil, &tributary.Failure{DocumentID: id, Message: "content unreadable"}) {
					return
				}
				continue
			}
			d := &tributary.Document{ID: id, Source: testSource, SemanticID: id, UpdatedAt: t0,
				Sections: []tributary.Section{tributary.TextSection(id, "body of "+id)}, ExternalAccess: c.access[id]}
			if !yield(d, nil) {
				return
			}
		}
	}
}

func (c *aclSource) LoadSlim(ctx context.Context, _, _ time.Time) iter.Seq2[tributary.SlimDocument, error] {
	return func(yield func(tributary.SlimDocument, error) bool) {
		c.slims++
		i := -1
		for id := range iterConcat(c.ids, c.extra) {
			i++
			if err := ctx.Err(); err != nil {
				yield(tributary.SlimDocument{}, err)
				return
			}
			if c.errAt > 0 && i == c.errAt {
				yield(tributary.SlimDocument{}, tributary.NewError("test: slim", tributary.ErrTransient, errors.New("502")))
				return
			}
			if id == c.fail {
				if !yield(tributary.SlimDocument{}, &tributary.Failure{DocumentID: id, Message: "permissions unreadable"}) {
					return
				}
				continue
			}
			// A fresh copy, as a connector decoding a response makes.
			if !yield(tributary.SlimDocument{ID: strings.Clone(id), ExternalAccess: cloneAccess(c.access[id])}, nil) {
				return
			}
		}
	}
}

func iterConcat(lists ...[]string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for _, l := range lists {
			for _, v := range l {
				if !yield(v) {
					return
				}
			}
		}
	}
}

func cloneAccess(a *tributary.ExternalAccess) *tributary.ExternalAccess {
	if a == nil {
		return nil
	}
	return &tributary.ExternalAccess{UserEmails: slices.Clone(a.UserEmails), GroupIDs: slices.Clone(a.GroupIDs), Public: a.Public}
}

// accessRecorder is an AccessSink that records the changes it acknowledged
// and may fail its nth WriteAccess.
type accessRecorder struct {
	tributary.SinkFunc
	failOn  int
	writes  int
	changes []tributary.AccessChange
}

func newAccessRecorder() *accessRecorder {
	return &accessRecorder{SinkFunc: func(context.Context, tributary.Batch) error { return nil }}
}

var errSinkDown = errors.New("sink down")

func (s *accessRecorder) WriteAccess(ctx context.Context, changes []tributary.AccessChange) error {
	if s.writes++; s.writes == s.failOn {
		return errSinkDown
	}
	s.changes = append(s.changes, changes...)
	return nil
}

func (s *accessRecorder) ids() []string {
	var ids []string
	for _, c := range s.changes {
		ids = append(ids, c.ID)
	}
	return ids
}

// loaded returns a runner whose inventory holds every document of c, as
// delivered by a run.
func loaded(t *testing.T, c *aclSource, sink *accessRecorder) *tributary.Runner {
	t.Helper()
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 3}
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, len(c.ids), res.Documents)
	return r
}

func TestSyncAccessRightAfterARunDeliversNothing(t *testing.T) {
	c, sink := newACL(10), newAccessRecorder()
	r := loaded(t, c, sink)
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, 10, res.Listed)
	assert.Equal(t, 10, res.Unchanged)
	assert.Zero(t, res.Changed)
	assert.Empty(t, sink.changes)
	assert.True(t, res.Done)
}

func TestSyncAccessDeliversOnlyChanges(t *testing.T) {
	c, sink := newACL(10), newAccessRecorder()
	r := loaded(t, c, sink)

	c.access["doc-00001"] = &tributary.ExternalAccess{UserEmails: []string{"bob@example.com"}}
	c.access["doc-00002"] = &tributary.ExternalAccess{Public: true}
	// The same access with its lists in another order is no change.
	c.access["doc-00003"] = &tributary.ExternalAccess{UserEmails: []string{"u3@example.com", "ann@example.com"}, GroupIDs: []string{"eng"}}
	c.access["doc-00004"] = nil // not determined this time: left alone
	c.extra = []string{"doc-new"}
	c.access["doc-new"] = &tributary.ExternalAccess{Public: true}
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, tributary.AccessResult{Listed: 11, Changed: 2, Unchanged: 7, Unknown: 1, Undetermined: 1, Batches: 1,
		Elapsed: res.Elapsed, Done: true}, res)
	assert.Equal(t, []tributary.AccessChange{
		{ID: "doc-00001", Access: c.access["doc-00001"]},
		{ID: "doc-00002", Access: c.access["doc-00002"]},
	}, sink.changes)

	sink.changes = nil
	res, err = r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Zero(t, res.Changed, "changes are delivered once")
	assert.Empty(t, sink.changes)

}

func TestSyncAccessEmptyIsNotUndetermined(t *testing.T) {
	c, sink := newACL(3), newAccessRecorder()
	c.access["doc-00000"] = nil // delivered without access
	r := loaded(t, c, sink)

	c.access["doc-00000"] = &tributary.ExternalAccess{} // now: nobody beyond the (empty) lists
	c.access["doc-00001"] = &tributary.ExternalAccess{}
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, 2, res.Changed)
	require.Equal(t, []string{"doc-00000", "doc-00001"}, sink.ids())
	for _, ch := range sink.changes {
		require.NotNil(t, ch.Access)
		assert.Equal(t, tributary.ExternalAccess{}, *ch.Access)
	}
}

func TestSyncAccessRedeliver(t *testing.T) {
	c, sink := newACL(5), newAccessRecorder()
	r := loaded(t, c, sink)
	c.access["doc-00002"] = nil
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{Redeliver: true})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Changed)
	assert.Equal(t, []string{"doc-00000", "doc-00001", "doc-00003", "doc-00004"}, sink.ids(), "never an undetermined access")
}

// A sink failing mid-way leaves the access hashes of what it did not
// acknowledge uncommitted: the next sync delivers exactly those.
func TestSyncAccessSinkFailureLeavesHashesUncommitted(t *testing.T) {
	c, sink := newACL(10), newAccessRecorder()
	r := loaded(t, c, sink)
	for _, id := range c.ids {
		c.access[id] = &tributary.ExternalAccess{GroupIDs: []string{"all"}}
	}
	sink.failOn = 2
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.ErrorIs(t, err, errSinkDown)
	assert.Equal(t, 3, res.Changed, "the first page of three was acknowledged")
	assert.False(t, res.Done)
	assert.Equal(t, c.ids[:3], sink.ids())

	sink.changes = nil
	res, err = r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, 7, res.Changed)
	assert.Equal(t, c.ids[3:], sink.ids())
}

// A crash after the sink took a page and before its commit delivers that
// page again, never loses it.
func TestSyncAccessCrashBeforeCommitRepeatsThePage(t *testing.T) {
	c, sink := newACL(7), newAccessRecorder()
	r := loaded(t, c, sink)
	for _, id := range c.ids {
		c.access[id] = &tributary.ExternalAccess{Public: true}
	}
	cut := &cutStore{Store: r.Store, failOn: 2, err: errors.New("killed")}
	r.Store = cut
	_, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.ErrorIs(t, err, cut.err)
	assert.Equal(t, c.ids[:6], sink.ids(), "the sink took two pages; the second was not committed")

	sink.changes = nil
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, 4, res.Changed)
	assert.Equal(t, c.ids[3:], sink.ids())
	entries, err := r.Store.Lookup(t.Context(), "test", c.ids)
	require.NoError(t, err)
	for _, id := range c.ids {
		assert.Equal(t, c.access[id].Hash(), entries[id].AccessHash, id)
	}
}

func TestSyncAccessKeepsContentHashAndUpdateTime(t *testing.T) {
	c, sink := newACL(2), newAccessRecorder()
	r := loaded(t, c, sink)
	before, err := r.Store.Lookup(t.Context(), "test", c.ids)
	require.NoError(t, err)
	c.access["doc-00000"] = &tributary.ExternalAccess{Public: true}
	_, err = r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	after, err := r.Store.Lookup(t.Context(), "test", c.ids)
	require.NoError(t, err)
	want := before["doc-00000"]
	want.AccessHash = c.access["doc-00000"].Hash()
	assert.Equal(t, want, after["doc-00000"])
	assert.Equal(t, before["doc-00001"], after["doc-00001"])
}

// A document whose content failed to load stays queued to be fetched
// again when a permission sync records its new access: the sync delivered
// its access, not its content.
func TestSyncAccessKeepsTheRetryQueue(t *testing.T) {
	c, sink := newACL(3), newAccessRecorder()
	r := loaded(t, c, sink)
	c.broken = "doc-00001"
	res, err := r.Run(t.Context(), c, tributary.RunOptions{Full: true})
	require.NoError(t, err)
	require.Equal(t, 1, res.Failures)

	c.access["doc-00001"] = &tributary.ExternalAccess{Public: true}
	ar, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	require.Equal(t, 1, ar.Changed)
	queued, err := r.Store.(tributary.RetryStore).Retries(t.Context(), "test", 10, 10)
	require.NoError(t, err)
	require.Len(t, queued, 1)
	assert.Equal(t, "doc-00001", queued[0].DocumentID)
}

func TestSyncAccessIDListedTwiceInAPage(t *testing.T) {
	c, sink := newACL(2), newAccessRecorder()
	r := loaded(t, c, sink)
	c.extra = []string{"doc-00000"}
	c.access["doc-00000"] = &tributary.ExternalAccess{Public: true}
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	require.NoError(t, err)
	assert.Equal(t, 3, res.Listed)
	assert.Equal(t, 1, res.Changed)
	assert.Equal(t, []string{"doc-00000"}, sink.ids())
}

func TestSyncAccessListingFailuresAndErrors(t *testing.T) {
	t.Run("a failure is counted and the sync goes on", func(t *testing.T) {
		c, sink := newACL(6), newAccessRecorder()
		r := loaded(t, c, sink)
		for _, id := range c.ids {
			c.access[id] = &tributary.ExternalAccess{Public: true}
		}
		c.fail = "doc-00002"
		res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Failures)
		assert.Equal(t, []string{"doc-00000", "doc-00001", "doc-00003", "doc-00004", "doc-00005"}, sink.ids())
	})
	t.Run("a listing error stops it, keeping its kind and what was committed", func(t *testing.T) {
		c, sink := newACL(8), newAccessRecorder()
		r := loaded(t, c, sink)
		for _, id := range c.ids {
			c.access[id] = &tributary.ExternalAccess{Public: true}
		}
		c.errAt = 4
		res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
		require.ErrorIs(t, err, tributary.ErrTransient)
		assert.Equal(t, 3, res.Changed)
		assert.Equal(t, c.ids[:3], sink.ids())
	})
}

func TestSyncAccessTooManyFailures(t *testing.T) {
	c, sink := newACL(3), newAccessRecorder()
	r := loaded(t, c, sink)
	r.MaxFailures = 1
	c.fail = "doc-00001"
	c.extra = []string{"doc-00001"} // listed, and failed, twice
	_, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	assert.ErrorIs(t, err, tributary.ErrTooManyFailures)
}

// plainSink has no WriteAccess.
type plainSink struct{}

func (plainSink) Write(context.Context, tributary.Batch) error { return nil }

func TestSyncAccessNamesTheMissingCapability(t *testing.T) {
	store := &tributary.MemoryStore{}
	r := &tributary.Runner{Store: store, Sink: newAccessRecorder()}
	_, err := r.SyncAccess(t.Context(), &listConnector{docs: flatDocs(2)}, tributary.AccessOptions{})
	assert.ErrorIs(t, err, tributary.ErrNotSupported)
	assert.ErrorContains(t, err, "not a SlimConnector")

	c := newACL(2)
	r = &tributary.Runner{Store: store, Sink: plainSink{}}
	_, err = r.SyncAccess(t.Context(), c, tributary.AccessOptions{})
	assert.ErrorIs(t, err, tributary.ErrNotSupported)
	assert.ErrorContains(t, err, "sink is not an AccessSink")
	assert.Zero(t, c.slims, "nothing was listed")

	_, err = (&tributary.Runner{Sink: newAccessRecorder()}).SyncAccess(t.Context(), c, tributary.AccessOptions{})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestSyncAccessReportsProgress(t *testing.T) {
	c, sink := newACL(7), newAccessRecorder()
	r := loaded(t, c, sink)
	for _, id := range c.ids {
		c.access[id] = &tributary.ExternalAccess{Public: true}
	}
	var seen []tributary.AccessResult
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{Progress: func(p tributary.AccessResult) { seen = append(seen, p) }})
	require.NoError(t, err)
	require.Len(t, seen, 4, "one report per page and one at the end")
	assert.Equal(t, []int{3, 6, 7, 7}, []int{seen[0].Changed, seen[1].Changed, seen[2].Changed, seen[3].Changed})
	assert.True(t, seen[3].Done)
	assert.Equal(t, res, seen[3])
}

func TestSyncAccessStopsWhenCancelled(t *testing.T) {
	c, sink := newACL(5), newAccessRecorder()
	r := loaded(t, c, sink)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := r.SyncAccess(ctx, c, tributary.AccessOptions{})
	assert.ErrorIs(t, err, context.Canceled)
}

func TestExternalAccessHash(t *testing.T) {
	var none *tributary.ExternalAccess
	a := &tributary.ExternalAccess{UserEmails: []string{"b", "a"}, GroupIDs: []string{"g"}}
	assert.Empty(t, none.Hash(), "not determined")
	assert.NotEmpty(t, (&tributary.ExternalAccess{}).Hash(), "nobody is not unknown")
	assert.Len(t, a.Hash(), 32)
	assert.Equal(t, a.Hash(), (&tributary.ExternalAccess{UserEmails: []string{"a", "b", "a"}, GroupIDs: []string{"g"}}).Hash())
	assert.Equal(t, []string{"b", "a"}, a.UserEmails, "the lists are left as they are")
	for _, other := range []*tributary.ExternalAccess{
		{UserEmails: []string{"a", "b"}, GroupIDs: []string{"g"}, Public: true},
		{UserEmails: []string{"a", "b", "g"}},
		{UserEmails: []string{"a"}, GroupIDs: []string{"b", "g"}},
		{UserEmails: []string{"ab"}, GroupIDs: []string{"g"}},
		{},
	} {
		assert.NotEqual(t, a.Hash(), other.Hash(), "%+v", other)
	}
}

// Ten times the documents leave the heap a sync adds where it was: it
// holds a page of the listing, never the listing.
func TestTenThousandDocumentsSyncAccessInFlatMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("syncs the access of 11,000 documents")
	}
	small, big := measureSync(t, 1000), measureSync(t, 10000)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 1, HeapSlack: 512 << 10})
}

// measureSync loads n documents into a MemoryStore, changes the access of
// all of them, and measures the live heap's rise during the sync above
// what the store already held.
func measureSync(t *testing.T, n int) connectortest.Measurement {
	c, sink := newACL(n), newAccessRecorder()
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	for _, id := range c.ids {
		c.access[id] = &tributary.ExternalAccess{UserEmails: []string{id + "@example.com"}}
	}
	r.Sink = &discardAccess{}
	base := liveHeap()
	var peak uint64
	res, err := r.SyncAccess(t.Context(), c, tributary.AccessOptions{Progress: func(p tributary.AccessResult) {
		if p.Batches%10 == 0 {
			peak = max(peak, liveHeap())
		}
	}})
	require.NoError(t, err)
	require.Equal(t, n, res.Changed)
	m := connectortest.Measurement{Documents: res.Listed}
	if peak > base {
		m.HeapRise = peak - base
	}
	return m
}

// discardAccess acknowledges everything and keeps nothing.
type discardAccess struct{ plainSink }

func (*discardAccess) WriteAccess(context.Context, []tributary.AccessChange) error { return nil }

func liveHeap() uint64 {
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return m.HeapAlloc
}

// BenchmarkSyncAccess syncs the access of 10,000 documents, a tenth of
// which changed, from a MemoryStore and from the SQLite store the command
// uses, into a sink that discards, and reports listed documents a second.
func BenchmarkSyncAccess(b *testing.B) {
	for _, store := range []string{"memory", "sqlite"} {
		b.Run("store="+store+"/docs=10000", func(b *testing.B) {
			c := newACL(10000)
			r := &tributary.Runner{Store: openStore(b, store), Sink: &discardAccess{}}
			if _, err := r.Run(b.Context(), c, tributary.RunOptions{}); err != nil {
				b.Fatal(err)
			}
			round := 0
			for b.Loop() {
				round++
				for i, id := range c.ids {
					if i%10 == 0 {
						c.access[id] = &tributary.ExternalAccess{GroupIDs: []string{fmt.Sprintf("round-%d", round)}}
					}
				}
				res, err := r.SyncAccess(b.Context(), c, tributary.AccessOptions{})
				if err != nil || res.Changed != 1000 {
					b.Fatalf("changed %d, %v", res.Changed, err)
				}
			}
			b.ReportMetric(float64(len(c.ids))*float64(b.N)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}

// BenchmarkExternalAccessHash hashes a typical access (five people and
// three groups, unsorted), which a run does for every document it
// delivers with access, beside the content hash of its text.
func BenchmarkExternalAccessHash(b *testing.B) {
	a := &tributary.ExternalAccess{
		UserEmails: []string{"zoe@example.com", "ann@example.com", "bob@example.com", "kim@example.com", "lee@example.com"},
		GroupIDs:   []string{"github:acme/eng", "github:acme/all", "github:acme/docs"},
	}
	d := benchDocs(1)[0]
	b.Run("access", func(b *testing.B) {
		for b.Loop() {
			_ = a.Hash()
		}
	})
	b.Run("content", func(b *testing.B) {
		for b.Loop() {
			_ = d.ContentHash()
		}
	})
}
