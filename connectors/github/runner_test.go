package github

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
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
	delivered := map[string]int{}
	batches, crashAt := 0, 4
	sink := tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
		if batches++; batches == crashAt {
			return errors.New("sink crashed")
		}
		for _, d := range b.Documents {
			delivered[d.ID]++
		}
		return nil
	})
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 25, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.Error(t, err, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	want := f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem)
	assert.Equal(t, want, sortedKeys(boolSet(delivered)))
	dups := 0
	for _, n := range delivered {
		dups += n - 1
	}
	assert.LessOrEqual(t, dups, s.PerPage, "a resume repeats at most about one page")

	// Edit one item an hour later; the next poll delivers it alone.
	now = now.Add(time.Hour)
	var edited string
	f.emu.Update(func(d *githubemu.Data) {
		it := d.Repo("acme/repo-002").Items[7]
		it.Title, it.UpdatedAt = "Edited title", now.Add(-time.Minute)
		edited = itemURL("acme/repo-002", it)
	})
	clear(delivered)
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{edited}, sortedKeys(boolSet(delivered)))
	assert.Equal(t, 1, res.Documents)
}

func itemURL(repo string, it *githubemu.Item) string {
	seg := "issues"
	if it.PR {
		seg = "pull"
	}
	return "https://github.com/" + repo + "/" + seg + "/" + itoa(it.Number)
}

func boolSet(m map[string]int) map[string]bool {
	out := make(map[string]bool, len(m))
	for k := range m {
		out[k] = true
	}
	return out
}
