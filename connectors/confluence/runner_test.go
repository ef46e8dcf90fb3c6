package confluence

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
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
	sink := &connectortest.Sink{CrashAt: 4}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 25, Now: func() time.Time { return now }}
	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, f.expectedIDs(nil, time.Time{}, time.Time{}), sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), 2*s.PageSize, "a resume repeats at most about a page")

	// Edit one page an hour later; the next poll delivers it alone.
	now = now.Add(time.Hour)
	var edited string
	f.emu.Update(func(d *confluenceemu.Data) {
		p := d.Pages[42]
		p.Body, p.When, p.Version = "<p>Edited</p>", now.Add(-time.Minute), p.Version+1
		edited = f.site() + confluenceemu.PageWebUI(confluenceemu.Cloud, p)
	})
	sink.Reset()
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{edited}, sink.IDs())
	assert.Equal(t, 1, sink.Documents())
	assert.Equal(t, 1, res.Documents)
}
