package mediawiki

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/mediawikiemu"
)

func scaleRun(t *testing.T, pages int) connectortest.Measurement {
	f := newFixture(t, mediawikiemu.GenerateOptions{Pages: pages, Categories: 2, Seed: 12}, mediawikiemu.Options{})
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings(), Credentials{})
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Ten times the pages leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds a namespace index and a
// continue object, and a batch holds at most page_size pages.
func TestTenThousandPagesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated pages; runs without -short and -race")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	if small.Documents != 1000 || big.Documents != 10000 {
		t.Fatalf("documents %d and %d", small.Documents, big.Documents)
	}
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 16, HeapSlack: 4 << 20})
	t.Logf("small %+v", small)
	t.Logf("big %+v", big)
}
