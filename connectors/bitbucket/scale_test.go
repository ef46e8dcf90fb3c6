package bitbucket

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

// scaleRun loads a generated workspace of four repositories with prs pull
// requests each (one comment at most) and reports how many documents
// came, the largest checkpoint, and how far the live heap rose above what
// the fixture itself holds.
func scaleRun(t *testing.T, prs int) connectortest.Measurement {
	f := newFixture(t, bitbucketemu.GenerateOptions{Repositories: 4, PullRequests: prs, Comments: 1, PrivateEvery: 2, Seed: 11},
		bitbucketemu.Options{RateLimit: 1 << 30})
	// The emulator's request log is the fixture's memory, not the
	// connector's: keep it short.
	f.emu.LimitLog(100)
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, f.settings([]string{"acme"}), env)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 5)
}

// Ten times the pull requests leave the checkpoint's size and the
// connector's memory where they were: both hold a position, never what
// was seen. The checkpoint's slack is for the ids of pull requests sharing
// the cursor's update time, which gain a digit and are likelier in a
// larger repository; a checkpoint holds at most a page of them.
func TestTenThousandPullRequestsKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated pull requests")
	}
	small, big := scaleRun(t, 250), scaleRun(t, 2500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 48, HeapSlack: 4 << 20})
}
