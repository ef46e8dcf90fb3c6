package outline

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// scaleRun loads a generated workspace of four collections of nested
// documents and reports how many documents came, the largest checkpoint,
// and how far the live heap rose above what the fixture itself holds.
func scaleRun(t *testing.T, perCollection int) connectortest.Measurement {
	f := newFixture(t, outlineemu.GenerateOptions{Collections: 4, Documents: perCollection, Plain: true, Seed: 12}, outlineemu.Options{})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Ten times the documents leave the checkpoint's size and the connector's
// memory where they were: the checkpoint holds a collection, an offset, a
// time and the ids tied at it, never what was seen, and the nodes,
// documents and people remembered are bounded.
func TestTenThousandDocumentsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated documents; runs without -short and -race")
	}
	small, big := scaleRun(t, 250), scaleRun(t, 2500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
