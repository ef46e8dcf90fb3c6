package github

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// scaleRun loads a generated organization of repos repositories with items
// each and reports how many documents came, the largest checkpoint, and how
// far the live heap rose above what the fixture itself holds.
func scaleRun(t *testing.T, repos, items int) (docs, maxCheckpoint int, heapRise uint64) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: repos, Items: items, PullShare: 0.3, Seed: 11}, githubemu.Options{})
	s := f.settings()
	s.Owner = "acme"
	c := f.connector(t, s, f.env())
	m := connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
	return m.Documents, m.MaxCheckpoint, m.HeapRise
}

// Known failure: checkpoints that grow with the source. Ten times the
// items leave the checkpoint's size and the connector's memory where they
// were: both hold a position, never what was seen.
func TestTenThousandItemsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated items")
	}
	smallDocs, smallCP, smallRise := scaleRun(t, 4, 250)
	bigDocs, bigCP, bigRise := scaleRun(t, 4, 2500)
	require.Equal(t, 1000, smallDocs)
	require.Equal(t, 10000, bigDocs)
	t.Logf("checkpoint bytes: %d vs %d; live heap rise: %d KiB vs %d KiB", smallCP, bigCP, smallRise>>10, bigRise>>10)
	assert.Less(t, bigCP, 512)
	assert.LessOrEqual(t, bigCP, smallCP+8, "checkpoint size does not depend on the number of items")
	assert.Less(t, bigRise, smallRise+4<<20, "memory does not grow with the number of items")
}
