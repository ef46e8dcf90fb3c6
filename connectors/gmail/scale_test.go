package gmail

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

// scaleRun loads one generated mailbox of threads under a host that keeps
// Values (so checkpoints carry the history id too) and reports how many
// documents came, the largest checkpoint, and how far the live heap rose
// above what the fixture itself holds.
func scaleRun(t *testing.T, threads int) connectortest.Measurement {
	f := newFixture(t, generate(1, threads, true), googleemu.Options{})
	s := f.settings()
	s.PageSize = 100
	// The emulator logs every request (one per thread): that is the
	// fixture's memory, not the connector's, so the log is kept short.
	f.emu.LimitLog(100)
	c := f.connector(t, s)
	ctx := tributary.WithValues(t.Context(), &memValues{})
	return connectortest.Measure(t, c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil), 10)
}

// Known failure: checkpoints and memory that grow with the source. A
// mailbox of 5,000 threads leaves the checkpoint's size and the
// connector's memory where a mailbox of 500 left them: both hold a
// position (a mailbox, a page token, a history id), never what was seen.
func TestFiveThousandThreadsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 5,500 emulated threads; runs without -short and -race")
	}
	small, big := scaleRun(t, 500), scaleRun(t, 5000)
	require.Equal(t, 500, small.Documents)
	require.Equal(t, 5000, big.Documents)
	t.Logf("500 threads: checkpoint %d bytes, heap rise %d KiB; 5,000 threads: checkpoint %d bytes, heap rise %d KiB",
		small.MaxCheckpoint, small.HeapRise>>10, big.MaxCheckpoint, big.HeapRise>>10)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 8, HeapSlack: 4 << 20})
}

// historyRun loads one generated mailbox, deletes every thread, and
// measures the poll that reads the deletions from the history. It returns
// the number of distinct threads deleted: a thread whose messages are
// named on two history pages is deleted on each.
func historyRun(t *testing.T, threads int) (connectortest.Measurement, int) {
	f := newFixture(t, generate(1, threads, true), googleemu.Options{})
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings())
	ctx := tributary.WithValues(t.Context(), &memValues{})
	require.NoError(t, collect(ctx, c, time.Time{}, time.Time{}, nil).Err)
	f.emu.Update(func(d *googleemu.Data) {
		mb := d.Mailbox(f.admin())
		for _, id := range visibleThreads(mb) {
			mb.DeleteThread(id)
		}
	})
	deleted := map[string]bool{}
	now := time.Now()
	stream := func(yield func(tributary.Item, error) bool) {
		for it, err := range c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil) {
			if it.Deletion != "" {
				deleted[it.Deletion] = true
			}
			if !yield(it, err) {
				return
			}
		}
	}
	m := connectortest.Measure(t, stream, 10)
	return m, len(deleted)
}

// The same for a poll that reads 5,000 deleted threads from the history:
// its checkpoints hold a history id and a page token.
func TestFiveThousandDeletionsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("deletes 5,500 emulated threads; runs without -short and -race")
	}
	small, smallDeleted := historyRun(t, 500)
	big, bigDeleted := historyRun(t, 5000)
	require.Equal(t, 500, smallDeleted)
	require.Equal(t, 5000, bigDeleted)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 8, HeapSlack: 4 << 20})
}
