package imap

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
)

// scaleRun loads a mailbox of n small messages in pages of 250 UIDs and
// measures the stream.
func scaleRun(t *testing.T, n int) connectortest.Measurement {
	f := newFixture(t)
	for i := range n {
		at := baseTime.Add(time.Duration(i) * time.Second)
		f.emu.Append("INBOX", letter("Grace <grace@example.com>", "ada@example.com", fmt.Sprintf("Message %d", i),
			fmt.Sprintf("Message %d of the scale mailbox, with a line of text.", i), at), at)
	}
	s := f.settings()
	s.PageSize = 250
	c := f.connector(t, s)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the messages (1,000 and 10,000, twice the 5,000 of a large
// mailbox) leave the checkpoint's size and the connector's memory where
// they were: a checkpoint holds a mailbox, a UIDVALIDITY and a UID, never
// what was seen.
func TestTenThousandMessagesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated messages")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 8, HeapSlack: 4 << 20})
}

// threadScaleRun loads a mailbox of n messages in threads of five in
// thread mode and measures the stream.
func threadScaleRun(t *testing.T, n int) connectortest.Measurement {
	f := newFixture(t)
	for i := range n {
		at := baseTime.Add(time.Duration(i) * time.Second)
		root := fmt.Sprintf("m%d@example.com", i-i%5)
		var refs []string
		if i%5 > 0 {
			refs = []string{root}
		}
		f.emu.Append("INBOX", reply(fmt.Sprintf("m%d@example.com", i), "grace@example.com", fmt.Sprintf("Thread %d", i/5), at, refs...), at)
	}
	s := f.settings()
	s.PageSize = 250
	s.Threads = true
	c := f.connector(t, s)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// In thread mode too, ten times the messages leave checkpoints and memory
// where they were: a thread is assembled from a SEARCH when its latest
// message is read, and nothing is kept across pages.
func TestTenThousandMessagesInThreadsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated messages")
	}
	small, big := threadScaleRun(t, 1000), threadScaleRun(t, 10000)
	require.Equal(t, 200, small.Documents)
	require.Equal(t, 2000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 8, HeapSlack: 4 << 20})
}
