package confluence

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// scaleRun loads a generated site of spaces with pages each and measures
// the stream: its documents, its largest checkpoint and the rise of the
// live heap above what the fixture itself holds.
func scaleRun(t *testing.T, spaces, pages int) connectortest.Measurement {
	f := newFixture(t, confluenceemu.GenerateOptions{Spaces: spaces, Pages: pages, Seed: 11}, confluenceemu.Options{})
	s := f.settings()
	s.IncludeComments = false
	c := f.connector(t, s)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Known failure: checkpoints that grow with the source. Ten times the
// pages leave the checkpoint's size and the connector's memory where they
// were: both hold a position, never what was seen.
func TestTenThousandPagesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated pages")
	}
	small, big := scaleRun(t, 4, 250), scaleRun(t, 4, 2500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 1024, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
