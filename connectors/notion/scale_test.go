package notion

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// scaleRun loads a generated workspace of pages and database rows and
// reports how many documents came, the largest checkpoint, and how far the
// live heap rose above what the fixture itself holds.
func scaleRun(t *testing.T, pages, rows int) connectortest.Measurement {
	f := newFixture(t, notionemu.GenerateOptions{Pages: pages, Databases: 4, Rows: rows, Plain: true, Seed: 12}, notionemu.Options{})
	// The emulator logs every request (one or more per page here), which
	// is the fixture's memory, not the connector's: keep it short.
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Known failure: checkpoints that grow with the source. Ten times the
// pages and rows leave the checkpoint's size and the connector's memory
// where they were: both hold a cursor and a time, never what was seen, and
// the nodes and people remembered are bounded.
func TestTenThousandPagesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated pages and rows; runs without -short and -race")
	}
	small, big := scaleRun(t, 400, 150), scaleRun(t, 4000, 1500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
