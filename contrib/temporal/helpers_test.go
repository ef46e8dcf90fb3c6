package temporal_test

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	"go.temporal.io/sdk/client"
	temporalsdk "go.temporal.io/sdk/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
)

const taskQueue = "tributary-test"

// index is the downstream system the sinks of every worker write to: it
// counts deliveries per id.
type index struct {
	mu         sync.Mutex
	deliveries map[string]int
	deleted    map[string]int
	batches    int
}

func newIndex() *index {
	return &index{deliveries: map[string]int{}, deleted: map[string]int{}}
}

func (x *index) Write(ctx context.Context, b tributary.Batch) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.batches++
	for _, d := range b.Documents {
		x.deliveries[d.ID]++
	}
	for _, id := range b.Deletions {
		x.deleted[id]++
	}
	return nil
}

// counts returns how many distinct documents arrived and how many
// deliveries were repeats.
func (x *index) counts() (distinct, repeats int) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for _, n := range x.deliveries {
		distinct++
		repeats += n - 1
	}
	return distinct, repeats
}

func (x *index) missing(n int) []string {
	x.mu.Lock()
	defer x.mu.Unlock()
	var out []string
	for i := 1; i <= n; i++ {
		if x.deliveries[mock.SampleID(i)] == 0 {
			out = append(out, mock.SampleID(i))
		}
	}
	return out
}

// fixedResolver opens the same connector for every ref and counts opens.
type fixedResolver struct {
	c     tributary.Connector
	opens atomic.Int64
}

func (r *fixedResolver) Open(ctx context.Context, ref tt.Ref) (tributary.Connector, error) {
	r.opens.Add(1)
	return r.c, nil
}

func newMock(t *testing.T, s mock.Settings, token string) *mock.Connector {
	t.Helper()
	c, err := mock.New(s, mock.Credentials{Token: tributary.NewSecret(token)}, tributary.Env{})
	require.NoError(t, err)
	return c
}

// server starts a Temporal server for the test and returns its client.
func server(t *testing.T) (*temporaltest.TestServer, client.Client) {
	t.Helper()
	ts := temporaltest.NewServer(temporaltest.WithT(t))
	return ts, ts.GetDefaultClient()
}

func startWorker(t *testing.T, ts *temporaltest.TestServer, w *tt.Worker) worker.Worker {
	t.Helper()
	return ts.NewWorker(taskQueue, func(r worker.Registry) { w.Register(r) })
}

// fastRetry retries quickly, so tests do not wait for backoff.
func fastRetry() *temporalsdk.RetryPolicy {
	return &temporalsdk.RetryPolicy{InitialInterval: 100 * time.Millisecond, BackoffCoefficient: 1, MaximumAttempts: 20}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}
