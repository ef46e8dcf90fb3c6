package clickup

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

func TestRefetchDeletesWhatLoadNoLongerAdmits(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	tasks := f.tasks()
	gone, archived, closed, kept := tasks[0], tasks[1], tasks[2], tasks[3]
	f.emu.Update(func(d *clickupemu.Data) {
		require.True(t, d.DeleteTask(gone.ID))
		archived.Archived = true
		closed.Closed, closed.Status = true, "complete"
		kept.Name = "renamed"
	})
	s := f.settings()
	s.IncludeClosed = false
	c := f.connector(t, s, fast)
	got := connectortest.Collect(c.Refetch(t.Context(), []string{TaskID(gone.ID), TaskID(archived.ID), TaskID(closed.ID),
		TaskID(kept.ID), TaskID(kept.ID), "https://example.com/t/1"}))
	require.NoError(t, got.Err)
	assert.ElementsMatch(t, []string{TaskID(gone.ID), TaskID(archived.ID), TaskID(closed.ID)}, got.Deletions)
	require.Len(t, got.Documents, 1, "asked twice, fetched once")
	assert.Equal(t, "renamed", got.Documents[0].Title)
	assert.NotEmpty(t, got.Nodes, "the task's nodes come first")
	require.Len(t, got.Failures, 1)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrForeignURL)
}

func TestProbe(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	rs := f.connector(t, f.settings(), fast).Probe(t.Context())
	require.Len(t, rs, 3)
	for _, r := range rs {
		assert.Equal(t, tributary.ProbePassed, r.Status, r.Capability)
	}
	s := f.settings()
	s.Workspaces = []string{"42"}
	rs = f.connector(t, s, fast).Probe(t.Context())
	assert.Equal(t, tributary.ProbeFailed, rs[0].Status)
	assert.Equal(t, []string{"workspace 42"}, rs[0].Missing)

	f.emu.FailNext("*", 10, clickupemu.BadGateway)
	c := f.connector(t, f.settings(), options{rate: 1e6, retry: fast.retry})
	rs = c.Probe(t.Context())
	assert.Equal(t, tributary.ProbeIndeterminate, rs[0].Status, "a server error is no verdict")
}

func TestPollWindowIsHalfOpenInMilliseconds(t *testing.T) {
	f := newFixture(t, smallGen, clickupemu.Options{})
	ts := f.times()
	start, end := ts[3], ts[len(ts)-4]
	got := collect(t.Context(), f.connector(t, f.settings(), fast), start, end, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs(start, end), ids(got.Documents))
	got = collect(t.Context(), f.connector(t, f.settings(), fast), start.Add(500*time.Microsecond), end.Add(-500*time.Microsecond), nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs(start.Add(time.Millisecond), end), ids(got.Documents), "bounds inside a millisecond")
}
