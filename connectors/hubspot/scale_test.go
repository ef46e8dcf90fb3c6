package hubspot

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

// scaleRun loads a generated account of contacts and deals with a note
// each at most, and reports how many documents came, the largest
// checkpoint, and how far the live heap rose.
func scaleRun(t *testing.T, contacts, deals int) connectortest.Measurement {
	f := newFixture(t, hubspotemu.GenerateOptions{Contacts: contacts, Deals: deals, Notes: 1, Seed: 11},
		hubspotemu.Options{TenSecondly: 1 << 30, SearchPerSecond: 1 << 30})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	s := f.settings()
	s.Objects = []string{TypeContacts, TypeDeals}
	c := f.connector(t, s, fast)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the records leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds a type, a time, a page of
// tied ids and an offset; a run holds a page of records with their
// engagements and the account's owners.
func TestTenThousandRecordsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated records")
	}
	small, big := scaleRun(t, 600, 400), scaleRun(t, 6000, 4000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
