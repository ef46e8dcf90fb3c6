package linear

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// scaleRun loads a generated workspace of items documents (nine in ten
// issues with a comment each, ten projects, the rest documents) and
// reports how many documents came, the largest checkpoint, and how far the
// live heap rose above what the fixture itself holds.
func scaleRun(t *testing.T, items int) connectortest.Measurement {
	f := newFixture(t, linearemu.GenerateOptions{Teams: 4, Private: 1, Projects: 10, Issues: items * 9 / 10, Comments: 1,
		Documents: items/10 - 10, Seed: 11}, linearemu.Options{RequestLimit: 1 << 30, ComplexityLimit: 1 << 30})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	s := testSettings()
	s.PageSize = maxPageSize
	env := f.env()
	env.WantPermissions = true
	c, err := New(s, Credentials{APIKey: testCredentials().APIKey}, env)
	require.NoError(t, err)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the items leave the checkpoint's size and the connector's
// memory where they were: both hold a position (a phase, an update time,
// the ids tied at it and a page cursor), never what was seen.
func TestTenThousandItemsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated items")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
