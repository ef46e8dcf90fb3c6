package teams

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// scaleRun loads generated channels of plain threads with a reply at most
// each and reports how many documents came, the largest checkpoint, and
// how far the live heap rose.
func scaleRun(t *testing.T, threads int) connectortest.Measurement {
	f := newFixture(t, graphemu.TeamsOptions{Teams: 2, Channels: 1, Threads: threads / 4, Replies: 1, Light: true, Seed: 12,
		Span: 240 * 24 * time.Hour}, graphemu.Options{})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the threads leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds a team, a channel and the
// delta's next link; a run holds a page of fifty threads with their
// replies.
func TestTenThousandThreadsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated threads")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
