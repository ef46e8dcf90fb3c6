package blob

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// scaleObjects returns n small text objects spread over folders of 100.
func scaleObjects(n int) []object {
	objs := make([]object, n)
	for i := range objs {
		objs[i] = object{key: fmt.Sprintf("scale/folder-%03d/object-%06d.txt", i/100, i),
			body: fmt.Sprintf("Object %d of the scale bucket, with a line of text.", i), modified: baseTime.Add(time.Duration(i) * time.Second)}
	}
	return objs
}

// scaleRun loads a bucket of n objects in pages of 250 and measures the
// stream. The emulator's request log (one entry per object read) is the
// fixture's memory, not the connector's: it is emptied as the stream goes.
func scaleRun(t *testing.T, n int) connectortest.Measurement {
	f := newFixture(t, scaleObjects(n))
	s := f.settings()
	s.PageSize = 250
	c := f.connector(t, s)
	stream := c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil)
	return connectortest.Measure(t, func(yield func(tributary.Item, error) bool) {
		n := 0
		for it, err := range stream {
			if n++; n%100 == 0 {
				f.emu.ResetLog()
			}
			if !yield(it, err) {
				return
			}
		}
	}, 5)
}

// Ten times the objects leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds a key and a token, never what
// was seen.
func TestTenThousandObjectsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated objects")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 8, HeapSlack: 4 << 20})
}
