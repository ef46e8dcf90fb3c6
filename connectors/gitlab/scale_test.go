package gitlab

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

// scaleRun loads a generated group of four projects with items issues and
// merge requests each and reports how many documents came, the largest
// checkpoint, and how far the live heap rose above what the fixture itself
// holds.
func scaleRun(t *testing.T, items int) connectortest.Measurement {
	f := newFixture(t, gitlabemu.GenerateOptions{Projects: 4, Issues: items * 7 / 10, MergeRequests: items * 3 / 10, Notes: 1, Seed: 11},
		gitlabemu.Options{RateLimit: 1 << 30})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings([]string{"acme"}), f.env())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the items leave the checkpoint's size and the connector's
// memory where they were: both hold a position, never what was seen. The
// checkpoint's slack is for the iids of items sharing the cursor's update
// time: a longer run of such ties is likelier among more items, and iids
// gain a digit, but a checkpoint holds at most a page of them.
func TestTenThousandItemsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated items")
	}
	small, big := scaleRun(t, 250), scaleRun(t, 2500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 32, HeapSlack: 4 << 20})
}
