// Command example starts a Temporal worker that runs Tributary syncs, starts
// a sync of an in-memory source, reports its progress from the workflow's
// status query, and prints the result.
//
// Without -addr it starts a Temporal server inside the process (the same
// one the tests use); with -addr it uses the server there, such as a
// `temporal server start-dev` on localhost:7233.
//
// With -pg it keeps the state in PostgreSQL (pgstore) and starts two
// workers that share it, each holding an instance under a lease while it
// runs a slice, as workers on two machines would:
//
//	GOTOOLCHAIN=go1.27.3 go run ./example -docs 5000
//	GOTOOLCHAIN=go1.27.3 go run ./example -pg "$(../../scripts/pg.sh)"
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"sync/atomic"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
	tt "github.com/tributary-dev/tributary/contrib/temporal"
	"github.com/tributary-dev/tributary/pgstore"
	"go.temporal.io/sdk/client"
	"go.temporal.io/sdk/worker"
	"go.temporal.io/server/temporaltest"
)

func main() {
	addr := flag.String("addr", "", "Temporal frontend host:port; empty starts a server in this process")
	docs := flag.Int("docs", 2000, "documents in the in-memory source")
	slice := flag.Int("slice", 500, "items per slice (one activity)")
	pg := flag.String("pg", "", "postgres:// URL of a database the workers share; empty keeps the state in memory")
	flag.Parse()
	if err := run(*addr, *docs, *slice, *pg); err != nil {
		fmt.Fprintln(os.Stderr, "example:", err)
		os.Exit(1)
	}
}

func run(addr string, docs, slice int, pg string) error {
	c, stop, err := connect(addr)
	if err != nil {
		return err
	}
	defer stop()

	// The backend's side: where connector configuration, state and
	// documents live. Here: an in-memory source, store and counting sink.
	src, err := mock.New(mock.Sample(docs), mock.Credentials{Token: tributary.NewSecret("kept-by-the-backend")}, tributary.Env{})
	if err != nil {
		return err
	}
	var delivered atomic.Int64
	stores, err := openStores(pg)
	if err != nil {
		return err
	}
	for _, st := range stores {
		w := &tt.Worker{
			Resolver: tt.ResolverFunc(func(ctx context.Context, ref tt.Ref) (tributary.Connector, error) { return src, nil }),
			Store:    st.Store,
			Hold:     st.hold,
			Sink: tributary.SinkFunc(func(ctx context.Context, b tributary.Batch) error {
				delivered.Add(int64(len(b.Documents)))
				return nil
			}),
			Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn})),
		}
		wk := worker.New(c, "tributary", worker.Options{})
		w.Register(wk)
		if err := wk.Start(); err != nil {
			return fmt.Errorf("start worker: %w", err)
		}
		defer wk.Stop()
		defer st.close()
	}

	ctx := context.Background()
	started := time.Now()
	run, err := tt.StartSync(ctx, c, "tributary", tt.SyncRequest{Ref: tt.Ref{Instance: "example", Source: mock.Source}, SliceItems: slice})
	if err != nil {
		return err
	}
	done := make(chan error, 1)
	var st tt.SyncStatus
	go func() { done <- run.Get(ctx, &st) }()
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	for {
		select {
		case err := <-done:
			if err != nil {
				return err
			}
			fmt.Printf("done in %s: %d documents in %d slices over %d runs; the sink received %d\n",
				time.Since(started).Round(time.Millisecond), st.Counts.Documents, st.Slices, st.Runs, delivered.Load())
			return nil
		case <-tick.C:
			if p, err := tt.Status(ctx, c, "example"); err == nil {
				fmt.Printf("%-9s %6d documents, %3d slices\n", p.Phase, p.Counts.Documents, p.Slices)
			}
		}
	}
}

// store is one worker's Store, and its lease when it has one.
type store struct {
	tributary.Store
	hold  func(ctx context.Context, instance string) (tributary.Store, func(), error)
	close func()
}

// openStores gives one worker an in-memory store, or, with a PostgreSQL URL,
// two workers a pgstore each (a pool of their own) on the one database.
func openStores(pg string) ([]store, error) {
	if pg == "" {
		return []store{{Store: &tributary.MemoryStore{}, close: func() {}}}, nil
	}
	var out []store
	for range 2 {
		st, err := pgstore.Open(context.Background(), pg)
		if err != nil {
			for _, o := range out {
				o.close()
			}
			return nil, err
		}
		out = append(out, store{Store: st, hold: st.Hold, close: func() { _ = st.Close() }})
	}
	return out, nil
}

// connect dials addr, or starts a server in the process when addr is empty.
func connect(addr string) (client.Client, func(), error) {
	if addr == "" {
		ts := temporaltest.NewServer()
		return ts.GetDefaultClient(), ts.Stop, nil
	}
	c, err := client.Dial(client.Options{HostPort: addr})
	if err != nil {
		return nil, nil, fmt.Errorf("dial %s: %w", addr, err)
	}
	return c, c.Close, nil
}
