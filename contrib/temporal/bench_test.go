package temporal_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
)

// BenchmarkSync10k compares a full sync of 10,000 documents through
// Temporal (an in-process server, one worker, slices of 1000 items) with
// the plain tributary.Runner in one process, over the same connector,
// store and sink.
func BenchmarkSync10k(b *testing.B) {
	const n = 10_000
	settings := mock.Sample(n)
	settings.PageSize = 100
	conn, err := mock.New(settings, mock.Credentials{}, tributary.Env{})
	if err != nil {
		b.Fatal(err)
	}
	discard := tributary.SinkFunc(func(context.Context, tributary.Batch) error { return nil })
	ctx := context.Background()

	b.Run("runner", func(b *testing.B) {
		for b.Loop() {
			r := tributary.Runner{Store: &tributary.MemoryStore{}, Sink: discard}
			if _, err := r.Run(ctx, conn, tributary.RunOptions{}); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
	})

	b.Run("temporal", func(b *testing.B) {
		ts := temporaltest.NewServer()
		defer ts.Stop()
		c := ts.GetDefaultClient()
		w := &tt.Worker{Resolver: &fixedResolver{c: conn}, Store: &tributary.MemoryStore{}, Sink: discard}
		ts.NewWorker(taskQueue, func(r worker.Registry) { w.Register(r) })
		b.ResetTimer()
		for i := range b.N {
			run, err := tt.StartSync(ctx, c, taskQueue, tt.SyncRequest{Ref: tt.Ref{Instance: fmt.Sprint("bench-", i)}})
			if err != nil {
				b.Fatal(err)
			}
			var st tt.SyncStatus
			if err := run.Get(ctx, &st); err != nil {
				b.Fatal(err)
			}
			if st.Counts.Documents != n {
				b.Fatalf("delivered %d documents, want %d", st.Counts.Documents, n)
			}
		}
		b.ReportMetric(float64(n*b.N)/b.Elapsed().Seconds(), "docs/s")
	})
}
