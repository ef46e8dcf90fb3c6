package confluence

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint and delivers the rest, and the next
// poll delivers only the page edited since.
func TestRunnerResumesAfterACrashAndPollsEdits(t *testing.T) {
	f := newFixture(t, gen3, confluenceemu.Options{})
	s := f.settings()
	s.PageSize = 20
	c := f.connector(t, s)
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
	want := f.expectedIDs(nil, time.Time{}, time.Time{})
	got := make([]string, 0, len(delivered))
	dups := 0
	for id, n := range delivered {
		got = append(got, id)
		dups += n - 1
	}
	slices.Sort(got)
	assert.Equal(t, want, got)
	assert.LessOrEqual(t, dups, 2*s.PageSize, "a resume repeats at most about a page")

	// Edit one page an hour later; the next poll delivers it alone.
	now = now.Add(time.Hour)
	var edited string
	f.emu.Update(func(d *confluenceemu.Data) {
		p := d.Pages[42]
		p.Body, p.When, p.Version = "<p>Edited</p>", now.Add(-time.Minute), p.Version+1
		edited = f.site() + confluenceemu.PageWebUI(confluenceemu.Cloud, p)
	})
	clear(delivered)
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, map[string]int{edited: 1}, delivered)
	assert.Equal(t, 1, res.Documents)
}
