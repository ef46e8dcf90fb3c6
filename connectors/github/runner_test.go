package github

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint and delivers the rest, and the next
// poll delivers only the item edited since.
func TestRunnerResumesAfterACrashAndPollsEdits(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	s := f.settings(twoRepos...)
	s.PerPage = 20
	c := f.connector(t, s, f.env())
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sink := &connectortest.Sink{CrashAt: 4}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 25, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), s.PerPage, "a resume repeats at most about one page")

	// Edit one item an hour later; the next poll delivers it alone.
	now = now.Add(time.Hour)
	var edited string
	f.emu.Update(func(d *githubemu.Data) {
		it := d.Repo("acme/repo-002").Items[7]
		it.Title, it.UpdatedAt = "Edited title", now.Add(-time.Minute)
		edited = itemURL("acme/repo-002", it)
	})
	sink.Reset()
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{edited}, sink.IDs())
	assert.Equal(t, 1, res.Documents)
}

func itemURL(repo string, it *githubemu.Item) string {
	seg := "issues"
	if it.PR {
		seg = "pull"
	}
	return "https://github.com/" + repo + "/" + seg + "/" + itoa(it.Number)
}
