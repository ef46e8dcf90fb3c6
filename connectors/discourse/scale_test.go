package discourse

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/connectortest"
)

// scaleRun loads a forum of topics topics of one post and reports the
// documents, the largest checkpoint and how far the live heap rose above
// the fixture's own.
func scaleRun(t *testing.T, topics int) connectortest.Measurement {
	f := newFixture(t, topics, 1)
	// The emulator's request log is the fixture's memory, not the
	// connector's.
	f.emu.LimitLog(100)
	c := f.connector(t, testKey)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Ten times the topics leave the checkpoint and the connector's memory
// where they were: a checkpoint holds a page number and the last topic's
// time and id, and a run holds the categories and one page of the
// listing.
func TestTenThousandTopicsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated topics")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	if small.Documents != 1000 || big.Documents != 10000 {
		t.Fatalf("documents %d and %d, want 1000 and 10000", small.Documents, big.Documents)
	}
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 8, HeapSlack: 4 << 20})
}
