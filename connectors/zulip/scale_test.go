package zulip

import (
	"context"
	"testing"
	"time"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zulipemu"
)

// scaleRun loads ten streams of topics topics of two messages each and
// reports the documents, the largest checkpoint and how far the live heap
// rose above the fixture's own.
func scaleRun(t *testing.T, topics int) connectortest.Measurement {
	f := newFixture(t, zulipemu.GenerateOptions{Users: 8, Streams: 10, Topics: topics, Messages: 2, PrivateEvery: 4, Seed: 5, Start: past},
		zulipemu.Options{})
	// The emulator's request log is the fixture's memory, not the
	// connector's.
	f.emu.LimitLog(100)
	c, err := New(testSettings(), adminCredentials(), f.env())
	if err != nil {
		t.Fatal(err)
	}
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 50)
}

// Ten times the topics leave the checkpoint and the connector's memory
// where they were: a checkpoint holds a stream and a topic name, and a
// load holds one stream's topic list and one topic's messages at a time.
func TestTenThousandTopicsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated topics")
	}
	small, big := scaleRun(t, 100), scaleRun(t, 1000)
	if small.Documents != 1000 || big.Documents != 10000 {
		t.Fatalf("documents %d and %d, want 1000 and 10000", small.Documents, big.Documents)
	}
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 8, HeapSlack: 4 << 20})
}
