package box

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/boxemu"
)

// scaleRun loads a generated tree of folders four deep and reports how
// many documents came, the largest checkpoint, and how far the live heap
// rose.
func scaleRun(t *testing.T, folders, files int) connectortest.Measurement {
	f := newFixture(t, boxemu.GenerateOptions{Folders: folders, FilesPerFolder: files, Depth: 4, Seed: 11}, boxemu.Options{}, false)
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	s := f.settings()
	s.PageSize = 500
	c := f.connector(t, s, Credentials{}, f.env())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the files leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds the stack of folders from
// the root with a marker each; a run holds a page per level.
func TestTenThousandFilesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated files")
	}
	small, big := scaleRun(t, 10, 25), scaleRun(t, 100, 25)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
