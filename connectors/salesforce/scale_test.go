package salesforce

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

// scaleRun loads a generated org of n cases, a third of them tied on
// SystemModstamp with the one before, in batches of 200 records, and
// reports how many documents came, the largest checkpoint, and how far
// the live heap rose.
func scaleRun(t *testing.T, n int) connectortest.Measurement {
	f := newFixture(t, salesforceemu.GenerateOptions{Cases: n, Tied: 3, Seed: 11}, salesforceemu.Options{BatchSize: 200})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	s := f.onlyObject(ObjectCase)
	s.PageSize = 200
	c, err := newConnector(s, creds(0), f.env(), options{rate: 1e6})
	require.NoError(t, err)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the records leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds an object, a phase, a
// SystemModstamp and an Id; a run holds one batch of records.
func TestTenThousandRecordsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated records")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
