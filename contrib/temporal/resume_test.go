package temporal_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/pgstore"
	"go.temporal.io/sdk/client"
)

// dyingSink passes batches on to the index until it has passed limit
// documents; then it signals that the worker may be killed and blocks
// until the activity's context is cancelled, as a worker that goes down
// mid-slice would.
type dyingSink struct {
	idx    *index
	limit  int
	passed int
	once   sync.Once
	dying  chan struct{}
}

func (s *dyingSink) Write(ctx context.Context, b tributary.Batch) error {
	if s.passed >= s.limit {
		s.once.Do(func() { close(s.dying) })
		<-ctx.Done()
		return ctx.Err()
	}
	s.passed += len(b.Documents)
	return s.idx.Write(ctx, b)
}

// heartbeatDocuments returns the documents count of the pending slice
// activity's last recorded heartbeat, or -1.
func heartbeatDocuments(ctx context.Context, t *testing.T, c client.Client, id string) int {
	desc, err := c.DescribeWorkflowExecution(ctx, id, "")
	if err != nil {
		t.Log(err)
		return -1
	}
	for _, a := range desc.GetPendingActivities() {
		if a.GetHeartbeatDetails() == nil {
			continue
		}
		var p struct {
			Counts tt.Counts `json:"counts"`
		}
		if err := client.NewValue(a.GetHeartbeatDetails()).Get(&p); err != nil {
			t.Log(err)
			return -1
		}
		return p.Counts.Documents
	}
	return -1
}

// A worker that dies mid-slice is replaced: the slice is retried on the
// new worker from the last recorded heartbeat, and the sync completes with
// every document delivered and at most one slice delivered twice.
func TestWorkerDiesMidSlice(t *testing.T) {
	store := &tributary.MemoryStore{}
	workerDiesMidSlice(t, func(w *tt.Worker) { w.Store = store })
}

// The same with two workers that share one PostgreSQL database, each
// through a pool of its own, as two processes would, and hold each
// instance under a lease: the retry waits for the dead worker's lease, not
// for a heartbeat of its own.
func TestWorkerDiesMidSliceSharingPostgres(t *testing.T) {
	url := pgtest.Schema(t)
	workerDiesMidSlice(t, func(w *tt.Worker) {
		st, err := pgstore.Open(t.Context(), url)
		require.NoError(t, err)
		t.Cleanup(func() { _ = st.Close() })
		w.Store, w.Hold = st, st.Hold
	})
}

// workerDiesMidSlice runs a sync whose first worker dies mid-slice and
// whose second finishes it; withStore gives each worker its Store.
func workerDiesMidSlice(t *testing.T, withStore func(*tt.Worker)) {
	ts, c := server(t)
	ctx := ctxFor(t)
	const n, slice, batch = 1000, 500, 50
	conn := newMock(t, mock.Sample(n), "")
	idx := newIndex()
	dying := &dyingSink{idx: idx, limit: 300, dying: make(chan struct{})}
	first := &tt.Worker{Resolver: &fixedResolver{c: conn}, Sink: dying, BatchDocs: batch}
	withStore(first)
	w1 := startWorker(t, ts, first)

	req := tt.SyncRequest{
		Ref: tt.Ref{Instance: "drive"}, SliceItems: slice, HeartbeatTimeout: 2 * time.Second, Retry: fastRetry(),
	}
	run, err := tt.StartSync(ctx, c, taskQueue, req)
	require.NoError(t, err)

	select {
	case <-dying.dying:
	case <-ctx.Done():
		t.Fatal("the first worker never reached its limit")
	}
	// Wait until the server has the heartbeat of what the worker
	// delivered (the SDK sends heartbeats at most every 80% of the
	// heartbeat timeout), so the resume point is past the slice's start.
	require.Eventually(t, func() bool {
		return heartbeatDocuments(ctx, t, c, tt.WorkflowID("drive")) >= dying.limit-batch
	}, 30*time.Second, 50*time.Millisecond)
	w1.Stop()

	second := &tt.Worker{Resolver: &fixedResolver{c: conn}, Sink: idx, BatchDocs: batch}
	withStore(second)
	startWorker(t, ts, second)
	var st tt.SyncStatus
	require.NoError(t, run.Get(ctx, &st))

	distinct, repeats := idx.counts()
	assert.Equal(t, n, distinct, "missing: %v", idx.missing(n))
	assert.LessOrEqual(t, repeats, slice, "duplicates must be bounded by one slice")
	assert.Equal(t, 1, st.Resumes, "the retried slice resumes from its heartbeat")
	assert.Less(t, st.Counts.Unchanged, batch, "the resumed slice re-reads less than a batch")
	assert.Equal(t, n, st.Counts.Documents)
	t.Logf("repeats delivered: %d, re-read and dropped: %d", repeats, st.Counts.Unchanged)
}

// Transient failures mid-stream are retried, each attempt resuming from
// the last heartbeat, so the sync completes without refetching the source.
func TestTransientFailuresResume(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	const n = 200
	settings := mock.Sample(n)
	settings.FailAfterPages = 3
	store, idx := &tributary.MemoryStore{}, newIndex()
	startWorker(t, ts, &tt.Worker{Resolver: &fixedResolver{c: newMock(t, settings, "")}, Store: store, Sink: idx, BatchDocs: 10})

	run, err := tt.StartSync(ctx, c, taskQueue, tt.SyncRequest{Ref: tt.Ref{Instance: "flaky"}, SliceItems: 100, Retry: fastRetry()})
	require.NoError(t, err)
	var st tt.SyncStatus
	require.NoError(t, run.Get(ctx, &st))
	distinct, repeats := idx.counts()
	assert.Equal(t, n, distinct)
	assert.Zero(t, repeats)
	assert.Positive(t, st.Resumes)
}
