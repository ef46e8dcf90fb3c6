package zendesk

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

// deletionSink is the kit's sink that also keeps the deletions it took.
type deletionSink struct {
	connectortest.Sink
	mu      sync.Mutex
	deleted []string
}

func (s *deletionSink) Write(ctx context.Context, b tributary.Batch) error {
	if err := s.Sink.Write(ctx, b); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted = append(s.deleted, b.Deletions...)
	return nil
}

// The runner drives the connector end to end: a run that crashes halfway
// resumes from its stored checkpoint and delivers the rest, and the next
// poll delivers only the article and ticket edited since and the ticket
// deleted since.
func TestRunnerResumesAfterACrashAndPollsChanges(t *testing.T) {
	gen := smallGen
	gen.Deleted = 0
	f := newFixture(t, gen, zendeskemu.Options{ExportsPerMinute: -1})
	s := f.settings("en-us", "de")
	s.PageSize, s.ExportPageSize = 4, 4
	c := f.connector(t, s, f.env())
	now := time.Now().UTC().Add(-time.Hour)
	sink := &deletionSink{Sink: connectortest.Sink{CrashAt: 3}}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 5, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, f.expectedIDs(s, time.Time{}, time.Time{}), sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), 2*s.PageSize+5, "a resume repeats at most about a page")

	now = now.Add(time.Hour)
	changed := now.Add(-5 * time.Minute)
	var art *zendeskemu.Article
	f.emu.Update(func(d *zendeskemu.Data) {
		art = d.Articles[3]
		art.Title, art.UpdatedAt = art.Title+" (edited)", changed
		d.Tickets[4].Subject, d.Tickets[4].UpdatedAt = "Edited", changed
		d.Tickets[6].Status, d.Tickets[6].Generated = "deleted", changed
	})
	sink.Reset()
	_, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{articleID(testBase, art.Locale, art.ID), ticketID(testBase, 5)}, sink.IDs())
	assert.Equal(t, []string{ticketID(testBase, 7)}, sink.deleted)
}
