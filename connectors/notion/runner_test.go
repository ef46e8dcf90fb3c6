package notion

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/notionemu"
)

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint and delivers the rest, and the next
// poll delivers only the page and the row edited since.
func TestRunnerResumesAfterACrashAndPollsEdits(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 40, Databases: 2, Rows: 20, Plain: true, Seed: 40}, notionemu.Options{})
	s := f.settings()
	s.PageSize = 10
	c := f.connector(t, s)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sink := &connectortest.Sink{CrashAt: 3}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 15, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), 2*s.PageSize, "a resume repeats at most about a page")

	// Edit a page and a row an hour later; the next poll delivers them alone.
	now = now.Add(time.Hour)
	var edited []string
	f.emu.Update(func(d *notionemu.Data) {
		for _, p := range []*notionemu.Page{d.Pages[7], d.Pages[len(d.Pages)-3]} {
			p.Title, p.Edited = p.Title+" (edited)", now.Add(-2*time.Minute)
			edited = append(edited, docID(p))
		}
	})
	sink.Reset()
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.ElementsMatch(t, edited, sink.IDs())
	assert.Equal(t, 2, res.Documents)
}

// A page edited just after a window's end is reported at the minute
// before it; the runner's lookback makes the next window reach back over
// that minute, so the edit is delivered.
func TestMinuteEditAfterWindowEndIsPolled(t *testing.T) {
	f := newFixture(t, notionemu.GenerateOptions{Pages: 5, Plain: true, Seed: 41}, notionemu.Options{})
	c := f.connector(t, f.settings())
	now := time.Date(2026, 1, 1, 10, 5, 30, 0, time.UTC)
	sink := &connectortest.Sink{}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now }}
	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	edited := f.data.Pages[2]
	f.emu.Update(func(*notionemu.Data) { edited.Edited = now.Add(10 * time.Second) }) // reported as 10:05
	now = now.Add(90 * time.Second)
	sink.Reset()
	_, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{docID(edited)}, sink.IDs())
}
