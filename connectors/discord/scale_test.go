package discord

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/discordemu"
)

// scaleRun loads one guild whose #general holds n messages, a hundred a
// day, and reports how many documents came, the largest checkpoint, and
// how far the live heap rose.
func scaleRun(t *testing.T, n int) connectortest.Measurement {
	f := newFixture(t, discordemu.GenerateOptions{Messages: n, Days: n / 100, Threads: -1, ForumPosts: -1, Seed: 11,
		Start: time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		discordemu.Options{RouteLimit: 1 << 30, GlobalPerSecond: 1 << 30})
	// Only #general: the other channels would triple the fixture.
	g := f.data.Guilds[0]
	for _, ch := range g.Channels[2:] {
		ch.Messages = nil
	}
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings(), fast)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the messages leave the checkpoint's size and the connector's
// memory where they were: a checkpoint holds a guild, a channel and a
// message id; a run holds one day's messages.
func TestTenThousandMessagesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated messages")
	}
	small, big := scaleRun(t, 1000), scaleRun(t, 10000)
	require.Equal(t, 10, small.Documents)
	require.Equal(t, 100, big.Documents)
	t.Logf("small: %+v", small)
	t.Logf("big: %+v", big)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 256, CheckpointSlack: 16, HeapSlack: 4 << 20})
}
