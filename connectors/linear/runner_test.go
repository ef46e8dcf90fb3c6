package linear

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint and delivers the rest, repeating at
// most about a page, and the next poll delivers only the issue edited
// since.
func TestRunnerResumesAfterACrashAndPollsEdits(t *testing.T) {
	gen := linearemu.GenerateOptions{Teams: 2, Private: 1, Projects: 3, Issues: 60, Comments: 1, Documents: 6, Seed: 2}
	f := newFixture(t, gen, linearemu.Options{})
	s := testSettings()
	s.PageSize = 10
	c, err := New(s, testCredentials(), f.env())
	require.NoError(t, err)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sink := &connectortest.Sink{CrashAt: 3}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 15, Now: func() time.Time { return now }}

	_, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), s.PageSize, "a resume repeats at most about one page")

	// Edit one issue an hour later; the next poll delivers it alone.
	now = now.Add(time.Hour)
	var edited string
	f.emu.Update(func(d *linearemu.Data) {
		is := d.Issues[17]
		is.Title, is.UpdatedAt = "Edited title", now.Add(-time.Minute)
		edited = d.IssueID(is)
	})
	sink.Reset()
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{edited}, sink.IDs())
	assert.Equal(t, 1, res.Documents)
}
