package temporal_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	"go.temporal.io/sdk/client"
	temporalsdk "go.temporal.io/sdk/temporal"
)

// trigger starts the schedule's action now and waits for the run it
// started, returning its result.
func trigger(ctx context.Context, t *testing.T, c client.Client, h client.ScheduleHandle, nth int) tt.ScheduledResult {
	t.Helper()
	require.NoError(t, h.Trigger(ctx, client.ScheduleTriggerOptions{}))
	var started *client.ScheduleWorkflowExecution
	require.Eventually(t, func() bool {
		desc, err := h.Describe(ctx)
		require.NoError(t, err)
		if desc.Info.NumActions < nth {
			return false
		}
		actions := desc.Info.RecentActions
		started = actions[len(actions)-1].StartWorkflowResult
		return started != nil
	}, time.Minute, 50*time.Millisecond)
	var res tt.ScheduledResult
	require.NoError(t, c.GetWorkflow(ctx, started.WorkflowID, started.FirstExecutionRunID).Get(ctx, &res))
	return res
}

// An instance's schedule syncs on every tick and prunes when a prune is
// due: a document deleted upstream is deleted downstream; a prune that
// would delete more than the allowed share is refused and not retried.
func TestScheduleSyncsAndPrunes(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	conn := newMock(t, mock.Sample(50), "")
	store, idx := &tributary.MemoryStore{}, newIndex()
	startWorker(t, ts, &tt.Worker{Resolver: &fixedResolver{c: conn}, Store: store, Sink: idx})

	ref := tt.Ref{Instance: "tracker", Source: mock.Source}
	h, err := tt.CreateSchedule(ctx, c, tt.Schedule{
		TaskQueue: taskQueue, Every: time.Hour,
		Request: tt.ScheduledRequest{
			Sync:       tt.SyncRequest{Ref: ref, Retry: fastRetry()},
			Prune:      tt.PruneWorkflowRequest{Retry: fastRetry()},
			PruneEvery: time.Millisecond,
		},
	})
	require.NoError(t, err)
	t.Cleanup(func() { _ = h.Delete(context.Background()) })

	first := trigger(ctx, t, c, h, 1)
	require.NotNil(t, first.Sync)
	assert.Equal(t, 50, first.Sync.Counts.Documents)
	require.NotNil(t, first.Prune)
	assert.Zero(t, first.Prune.Deleted)

	conn.Delete(mock.SampleID(7))
	second := trigger(ctx, t, c, h, 2)
	require.NotNil(t, second.Sync)
	assert.False(t, second.Sync.Full, "the second tick polls")
	require.NotNil(t, second.Prune)
	assert.Equal(t, 1, second.Prune.Deleted)
	assert.Equal(t, 1, idx.deleted[mock.SampleID(7)])
	assert.True(t, second.LastPrune.After(first.LastPrune))

	// Deleting 10 of 49 is more than the default 10% share: refused.
	for i := 10; i < 20; i++ {
		conn.Delete(mock.SampleID(i))
	}
	run, err := tt.StartPrune(ctx, c, taskQueue, tt.PruneWorkflowRequest{PruneRequest: tt.PruneRequest{Ref: ref}, Retry: fastRetry()})
	require.NoError(t, err)
	err = run.Get(ctx, nil)
	app, ok := errors.AsType[*temporalsdk.ApplicationError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, tt.ErrTypePruneRefused, app.Type())
	assert.Len(t, idx.deleted, 1, "a refused prune deletes nothing")
	count, err := store.Count(ctx, ref.Instance)
	require.NoError(t, err)
	assert.Equal(t, 49, count)
}
