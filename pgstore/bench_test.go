package pgstore_test

import (
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/sqlitestore"
)

// BenchmarkCommit measures runner-sized commits (a checkpoint and 100
// inventory entries, one transaction each) in PostgreSQL beside SQLite, in
// the same run:
//
//	go test -run '^$' -bench Commit ./pgstore
func BenchmarkCommit(b *testing.B) {
	stores := []struct {
		name string
		open func(b *testing.B) tributary.Store
	}{
		{"sqlite", func(b *testing.B) tributary.Store {
			s, err := sqlitestore.Open(b.Context(), filepath.Join(b.TempDir(), "state.db"))
			if err != nil {
				b.Fatal(err)
			}
			b.Cleanup(func() { _ = s.Close() })
			return s
		}},
		{"postgres", func(b *testing.B) tributary.Store { return open(b, pgtest.Schema(b)) }},
	}
	for _, st := range stores {
		b.Run("store="+st.name, func(b *testing.B) {
			s := st.open(b)
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
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "commits/s")
			b.ReportMetric(float64(n)/b.Elapsed().Seconds(), "docs/s")
		})
	}
}
