package temporal_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"iter"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/sdk/client"
	temporalsdk "go.temporal.io/sdk/temporal"
	"google.golang.org/protobuf/proto"
)

const secret = "tok-7f3e9a1c-never-in-history"

// history returns every event of every run of the workflow, each encoded.
func history(ctx context.Context, t *testing.T, c client.Client, id, runID string) [][]byte {
	t.Helper()
	var events [][]byte
	for runID != "" {
		next := ""
		it := c.GetWorkflowHistory(ctx, id, runID, false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
		for it.HasNext() {
			ev, err := it.Next()
			require.NoError(t, err)
			b, err := proto.Marshal(ev)
			require.NoError(t, err)
			events = append(events, b)
			if a := ev.GetWorkflowExecutionContinuedAsNewEventAttributes(); a != nil {
				next = a.GetNewExecutionRunId()
			}
		}
		runID = next
	}
	return events
}

func registryResolver(token string, settings mock.Settings, opens *atomic.Int64) tt.Resolver {
	return tt.RegistryResolver{Lookup: func(ctx context.Context, instance string) (tt.Config, error) {
		opens.Add(1)
		s, err := json.Marshal(settings)
		if err != nil {
			return tt.Config{}, err
		}
		// Secret values encode as "[redacted]"; a backend keeps the raw
		// token in its own store.
		s = bytes.Replace(s, []byte(`"[redacted]"`), []byte(`"`+secret+`"`), 1)
		creds, err := json.Marshal(map[string]string{"token": token})
		return tt.Config{Source: mock.Source, Settings: s, Credentials: creds}, err
	}}
}

// The workflow carries only a reference: the credentials that the worker's
// resolver reads never appear in its history, across continue-as-new.
func TestCredentialsNeverEnterHistory(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	settings := mock.Sample(120)
	settings.AcceptToken = tributary.NewSecret("x") // replaced by the secret when resolved
	var opens atomic.Int64
	idx := newIndex()
	startWorker(t, ts, &tt.Worker{Resolver: registryResolver(secret, settings, &opens), Store: &tributary.MemoryStore{}, Sink: idx})

	ref := tt.Ref{Instance: "notes", Source: mock.Source}
	run, err := tt.StartSync(ctx, c, taskQueue, tt.SyncRequest{Ref: ref, SliceItems: 30, SlicesPerRun: 2, Retry: fastRetry()})
	require.NoError(t, err)
	firstRun := run.GetRunID() // Get follows the chain of runs
	var st tt.SyncStatus
	require.NoError(t, run.Get(ctx, &st))
	distinct, _ := idx.counts()
	require.Equal(t, 120, distinct, "the secret token was accepted")
	require.Greater(t, st.Runs, 1)

	events := history(ctx, t, c, tt.WorkflowID("notes"), firstRun)
	var sawRef bool
	for _, ev := range events {
		assert.NotContains(t, string(ev), secret)
		sawRef = sawRef || bytes.Contains(ev, []byte(`"instance":"notes"`))
	}
	assert.True(t, sawRef, "the search must see the workflow's input")
	assert.Greater(t, len(events), 20)
}

// An expired credential ends the workflow with a non-retryable error after
// a single attempt: no retry storm, and no secret in the error.
func TestExpiredCredentialEndsWorkflow(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	settings := mock.Sample(10)
	settings.AcceptToken = tributary.NewSecret("x")
	var opens atomic.Int64
	startWorker(t, ts, &tt.Worker{Resolver: registryResolver("revoked-"+secret, settings, &opens), Store: &tributary.MemoryStore{}, Sink: newIndex()})

	run, err := tt.StartSync(ctx, c, taskQueue, tt.SyncRequest{Ref: tt.Ref{Instance: "expired", Source: mock.Source}, Retry: fastRetry()})
	require.NoError(t, err)
	err = run.Get(ctx, nil)
	require.Error(t, err)
	app, ok := errors.AsType[*temporalsdk.ApplicationError](err)
	require.True(t, ok, "%v", err)
	assert.Equal(t, tt.ErrTypeCredentialExpired, app.Type())
	assert.True(t, app.NonRetryable())
	assert.Contains(t, err.Error(), "credentials rejected or expired")
	assert.NotContains(t, err.Error(), secret)

	assert.EqualValues(t, 2, opens.Load(), "one plan and one slice attempt, no retries")
	st, err := tt.Status(ctx, c, "expired")
	require.NoError(t, err)
	assert.Equal(t, tt.PhaseFailed, st.Phase)
	assert.Equal(t, tt.ErrTypeCredentialExpired, st.LastErrorType)

	var started int
	for _, ev := range history(ctx, t, c, tt.WorkflowID("expired"), run.GetRunID()) {
		assert.NotContains(t, string(ev), secret)
	}
	it := c.GetWorkflowHistory(ctx, tt.WorkflowID("expired"), run.GetRunID(), false, enumspb.HISTORY_EVENT_FILTER_TYPE_ALL_EVENT)
	for it.HasNext() {
		ev, err := it.Next()
		require.NoError(t, err)
		if a := ev.GetActivityTaskStartedEventAttributes(); a != nil {
			started++
			assert.EqualValues(t, 1, a.GetAttempt())
		}
	}
	assert.Equal(t, 2, started)
}

// rateLimited fails its first stream with a rate limit that asks for a
// delay, then streams its connector.
type rateLimited struct {
	*mock.Connector
	wait  time.Duration
	mu    sync.Mutex
	calls []time.Time
}

func (r *rateLimited) LoadFromCheckpoint(ctx context.Context, start, end time.Time, cp tributary.Checkpoint) iter.Seq2[tributary.Item, error] {
	r.mu.Lock()
	r.calls = append(r.calls, time.Now())
	first := len(r.calls) == 1
	r.mu.Unlock()
	if first {
		return func(yield func(tributary.Item, error) bool) {
			yield(tributary.Item{}, &tributary.Error{Op: "mock: list", Kind: tributary.ErrRateLimited, RetryAfter: r.wait})
		}
	}
	return r.Connector.LoadFromCheckpoint(ctx, start, end, cp)
}

// A rate limit is retried after the delay the source asked for, not the
// retry policy's (here 100ms).
func TestRateLimitHonoursRetryAfter(t *testing.T) {
	ts, c := server(t)
	ctx := ctxFor(t)
	conn := &rateLimited{Connector: newMock(t, mock.Sample(30), ""), wait: 1500 * time.Millisecond}
	idx := newIndex()
	startWorker(t, ts, &tt.Worker{Resolver: &fixedResolver{c: conn}, Store: &tributary.MemoryStore{}, Sink: idx})

	run, err := tt.StartSync(ctx, c, taskQueue, tt.SyncRequest{Ref: tt.Ref{Instance: "limited"}, Retry: fastRetry()})
	require.NoError(t, err)
	require.NoError(t, run.Get(ctx, nil))
	distinct, _ := idx.counts()
	assert.Equal(t, 30, distinct)
	require.Len(t, conn.calls, 2)
	assert.GreaterOrEqual(t, conn.calls[1].Sub(conn.calls[0]), conn.wait)
}
