package bookstack

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

// scaleRun loads a generated instance of books of 200 pages in four
// chapters, with access, and reports how many documents came, the largest
// checkpoint, and how far the live heap rose.
func scaleRun(t *testing.T, books int) connectortest.Measurement {
	f := newFixture(t, bookstackemu.GenerateOptions{Shelves: 3, Books: books, ChaptersPerBook: 4, PagesPerBook: 200, Tied: 300,
		Restricted: 20, Seed: 11}, bookstackemu.Options{})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, f.settings(), env, fast)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the pages leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds a phase, a time and an id; a
// run holds a page of listed pages, the books and chapters it read
// (bounded caches) and the shelves, whose number does not grow here.
func TestTenThousandPagesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated pages")
	}
	small, big := scaleRun(t, 5), scaleRun(t, 50)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
