package temporal_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	temporalsdk "go.temporal.io/sdk/temporal"
)

// A sync delivers every document, over several slices and several runs of
// the workflow (continue-as-new), and records the window as the last good
// one; the next sync polls from there.
func TestSyncDeliversEveryDocument(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	const n = 500
	settings := mock.Sample(n)
	store, idx := &tributary.MemoryStore{}, newIndex()
	startWorker(t, ts, &tt.Worker{Resolver: &fixedResolver{c: newMock(t, settings, "")}, Store: store, Sink: idx, BatchDocs: 40})

	req := tt.SyncRequest{Ref: tt.Ref{Instance: "wiki", Source: mock.Source}, SliceItems: 100, SlicesPerRun: 2, Retry: fastRetry()}
	run, err := tt.StartSync(ctx, c, taskQueue, req)
	require.NoError(t, err)
	var st tt.SyncStatus
	require.NoError(t, run.Get(ctx, &st))

	distinct, repeats := idx.counts()
	assert.Equal(t, n, distinct)
	assert.Zero(t, repeats)
	assert.Empty(t, idx.missing(n))
	assert.Equal(t, tt.PhaseDone, st.Phase)
	assert.Equal(t, n, st.Counts.Documents)
	assert.Equal(t, 2, st.Counts.Nodes)
	assert.True(t, st.Full)
	assert.GreaterOrEqual(t, st.Slices, 5)
	assert.Greater(t, st.Runs, 1, "the workflow should have continued as new")

	queried, err := tt.Status(ctx, c, "wiki")
	require.NoError(t, err)
	assert.Equal(t, st, queried)

	state, err := store.State(ctx, "wiki")
	require.NoError(t, err)
	assert.False(t, state.InProgress())
	assert.Equal(t, st.Window.End, state.LastGoodEnd)
	count, err := store.Count(ctx, "wiki")
	require.NoError(t, err)
	assert.Equal(t, n, count)

	// The next sync polls from the last good end less the lookback and
	// finds nothing new.
	run, err = tt.StartSync(ctx, c, taskQueue, tt.SyncRequest{Ref: req.Ref})
	require.NoError(t, err)
	st = tt.SyncStatus{}
	require.NoError(t, run.Get(ctx, &st))
	assert.False(t, st.Full)
	assert.Equal(t, state.LastGoodEnd.Add(-tributary.DefaultLookback), st.Window.Start)
	assert.Zero(t, st.Counts.Documents)
}

// The sync's repeat rule reaches its slices: by update time, the inventory
// keeps no content hash, and a full reload drops every document.
func TestSyncRepeatsByUpdateTime(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	const n = 60
	store, idx := &tributary.MemoryStore{}, newIndex()
	startWorker(t, ts, &tt.Worker{Resolver: &fixedResolver{c: newMock(t, mock.Sample(n), "")}, Store: store, Sink: idx})

	req := tt.SyncRequest{Ref: tt.Ref{Instance: "wiki", Source: mock.Source}, Repeats: tributary.RepeatsByUpdateTime, Retry: fastRetry()}
	run, err := tt.StartSync(ctx, c, taskQueue, req)
	require.NoError(t, err)
	var st tt.SyncStatus
	require.NoError(t, run.Get(ctx, &st))
	require.Equal(t, n, st.Counts.Documents)
	var ids []string
	for i := 1; i <= n; i++ {
		ids = append(ids, mock.SampleID(i))
	}
	known, err := store.Lookup(ctx, "wiki", ids)
	require.NoError(t, err)
	require.Len(t, known, n)
	for _, e := range known {
		assert.Empty(t, e.Hash, e.ID)
	}

	req.Full = true
	run, err = tt.StartSync(ctx, c, taskQueue, req)
	require.NoError(t, err)
	st = tt.SyncStatus{}
	require.NoError(t, run.Get(ctx, &st))
	assert.Zero(t, st.Counts.Documents)
	assert.Equal(t, n, st.Counts.Unchanged)
}

// Failures count over the whole sync, across its slices: within MaxFailures
// the sync completes and reports them; one more ends it, not retried.
func TestSyncFailureBudget(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	const n = 60
	settings := mock.Sample(n)
	for i := 5; i <= n; i += 10 {
		settings.FailIDs = append(settings.FailIDs, mock.SampleID(i))
	}
	startWorker(t, ts, &tt.Worker{Resolver: &fixedResolver{c: newMock(t, settings, "")},
		Store: &tributary.MemoryStore{}, Sink: newIndex(), BatchDocs: 4})

	req := tt.SyncRequest{Ref: tt.Ref{Instance: "within", Source: mock.Source}, SliceItems: 10,
		MaxFailures: len(settings.FailIDs), Retry: fastRetry()}
	run, err := tt.StartSync(ctx, c, taskQueue, req)
	require.NoError(t, err)
	var st tt.SyncStatus
	require.NoError(t, run.Get(ctx, &st))
	assert.Equal(t, tt.PhaseDone, st.Phase)
	assert.Equal(t, len(settings.FailIDs), st.Counts.Failures)
	assert.Len(t, st.Failures, len(settings.FailIDs))
	assert.Equal(t, n-len(settings.FailIDs), st.Counts.Documents)

	req.Ref.Instance, req.MaxFailures = "over", len(settings.FailIDs)-1
	run, err = tt.StartSync(ctx, c, taskQueue, req)
	require.NoError(t, err)
	err = run.Get(ctx, nil)
	var appErr *temporalsdk.ApplicationError
	require.ErrorAs(t, err, &appErr)
	assert.Equal(t, tt.ErrTypeTooManyFailures, appErr.Type())
}
