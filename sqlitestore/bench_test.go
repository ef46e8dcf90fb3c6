package sqlitestore_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/sqlitestore"
)

// BenchmarkCommit measures a runner-sized commit: a checkpoint and 100
// inventory entries, in one transaction.
func BenchmarkCommit(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	const perCommit = 100
	t0 := time.Now()
	n := 0
	for b.Loop() {
		c := tributary.Commit{State: tributary.State{Window: tributary.Window{End: t0}, Checkpoint: []byte(`{"kind":"x","version":1,"state":{"n":1}}`)}}
		for range perCommit {
			c.Upserts = append(c.Upserts, tributary.InventoryEntry{ID: fmt.Sprintf("file://docs/%08d.md", n), UpdatedAt: t0, Hash: "0123456789abcdef0123456789abcdef"})
			n++
		}
		if err := s.Commit(b.Context(), "bench", c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "entries/s")
}

// BenchmarkLookup measures the runner's repeat check: 100 ids looked up
// in an inventory of 100,000.
func BenchmarkLookup(b *testing.B) {
	s, err := openBench(b)
	if err != nil {
		b.Fatal(err)
	}
	const size = 100_000
	for start := 0; start < size; start += 5000 {
		var c tributary.Commit
		for i := start; i < start+5000; i++ {
			c.Upserts = append(c.Upserts, tributary.InventoryEntry{ID: fmt.Sprintf("id-%08d", i), Hash: "h"})
		}
		if err := s.Commit(b.Context(), "bench", c); err != nil {
			b.Fatal(err)
		}
	}
	ids := make([]string, 100)
	n := 0
	for b.Loop() {
		for j := range ids {
			ids[j] = fmt.Sprintf("id-%08d", (n*7919+j*104729)%size)
		}
		got, err := s.Lookup(b.Context(), "bench", ids)
		if err != nil || len(got) != len(ids) {
			b.Fatalf("Lookup = %d entries, %v", len(got), err)
		}
		n++
	}
	b.ReportMetric(float64(n*len(ids))/b.Elapsed().Seconds(), "ids/s")
}

func openBench(b *testing.B) (*sqlitestore.Store, error) {
	s, err := sqlitestore.Open(b.Context(), filepath.Join(b.TempDir(), "state.db"))
	if err == nil {
		b.Cleanup(func() { _ = s.Close() })
	}
	return s, err
}
