package zendesk

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

// scaleRun loads a generated account of categories×5 sections of articles
// and of tickets with a comment each, and reports how many documents came,
// the largest checkpoint, and how far the live heap rose.
func scaleRun(t *testing.T, categories, articles, tickets int) connectortest.Measurement {
	f := newFixture(t, zendeskemu.GenerateOptions{Categories: categories, Sections: 5, Articles: articles, Tickets: tickets,
		Comments: 1, Seed: 11, Start: past}, zendeskemu.Options{ExportsPerMinute: -1})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	s := f.settings()
	s.PageSize, s.ExportPageSize = 50, 500 // so that both runs page through both listings
	c := f.connector(t, s, f.env())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the articles and tickets leave the checkpoint's size and the
// connector's memory where they were: a checkpoint holds a phase, a
// locale and a cursor; a run holds a page, the Help Center's sections and
// a bounded memo of users.
func TestTenThousandItemsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated items")
	}
	small, big := scaleRun(t, 2, 10, 900), scaleRun(t, 4, 50, 9000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
