package github

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// scaleRun loads a generated organization of repos repositories with items
// each and reports how many documents came, the largest checkpoint, and how
// far the live heap rose above what the fixture itself holds.
func scaleRun(t *testing.T, repos, items int) connectortest.Measurement {
	f := newFixture(t, githubemu.GenerateOptions{Repos: repos, Items: items, PullShare: 0.3, Seed: 11}, githubemu.Options{})
	s := f.settings()
	s.Owner = "acme"
	c := f.connector(t, s, f.env())
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Known failure: checkpoints that grow with the source. Ten times the
// items leave the checkpoint's size and the connector's memory where they
// were: both hold a position, never what was seen.
func TestTenThousandItemsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated items")
	}
	small, big := scaleRun(t, 4, 250), scaleRun(t, 4, 2500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 8, HeapSlack: 4 << 20})
}
