package clickup

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

// scaleRun loads a generated workspace whose tasks are all in one list,
// with a comment each at most, and reports how many documents came, the
// largest checkpoint, and how far the live heap rose.
func scaleRun(t *testing.T, tasks int) connectortest.Measurement {
	f := newFixture(t, clickupemu.GenerateOptions{Spaces: 1, Lists: 1, Tasks: tasks, Comments: 1, Seed: 11},
		clickupemu.Options{PerMinute: -1})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings(), fast)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the tasks in one list leave the checkpoint's size and the
// connector's memory where they were: a checkpoint holds a list, a time,
// the ids tied at it and a page; a run holds a page of tasks and the
// walk of the workspace's lists.
func TestTenThousandTasksKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated tasks")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 2048, CheckpointSlack: 64, HeapSlack: 4 << 20})
}
