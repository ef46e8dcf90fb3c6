package jira

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

// scaleRun loads generated projects and reports how many documents came,
// the largest checkpoint, and how far the live heap rose above what the
// fixture itself holds.
func scaleRun(t *testing.T, projects, issues int) connectortest.Measurement {
	f := newFixture(t, jiraemu.GenerateOptions{Projects: projects, Issues: issues, TimeZone: "Europe/Berlin", Seed: 11}, jiraemu.Options{})
	s := f.settings(Cloud)
	s.PageSize = 100
	s.IncludeComments = false
	c := f.connector(t, s)
	return connectortest.Measure(t, c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil), 10)
}

// Known failure: checkpoints that grow with the source. Ten times the
// issues leave the checkpoint's size and the connector's memory where they
// were: both hold a position, never what was seen.
func TestTenThousandIssuesKeepMemoryAndCheckpointsFlat(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads 11,000 emulated issues; runs without -short and -race")
	}
	small, big := scaleRun(t, 4, 250), scaleRun(t, 4, 2500)
	require.Equal(t, 1000, small.Documents)
	require.Equal(t, 10000, big.Documents)
	// The checkpoint keeps the keys of issues tied at the cursor's update
	// time (at most maxTied): a larger site has more ties, which may add a
	// key or two, never more than the bound.
	connectortest.CheckFlat(t, small, big, connectortest.Flat{MaxCheckpoint: 512, CheckpointSlack: 32, HeapSlack: 4 << 20})
}
