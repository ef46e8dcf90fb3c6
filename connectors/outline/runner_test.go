package outline

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// deletingSink is a connectortest.Sink that also keeps the deletions it
// takes.
type deletingSink struct {
	connectortest.Sink
	mu      sync.Mutex
	deleted []string
}

func (s *deletingSink) Write(ctx context.Context, b tributary.Batch) error {
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
// poll delivers only the document edited since and deletes the one
// archived.
func TestRunnerResumesAfterACrashAndPollsChanges(t *testing.T) {
	f := newFixture(t, outlineemu.GenerateOptions{Collections: 3, Documents: 20, Plain: true, Seed: 40}, outlineemu.Options{})
	s := f.settings()
	s.PageSize = 10
	c := f.connector(t, s)
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	sink := &deletingSink{Sink: connectortest.Sink{CrashAt: 3}}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 15, Now: func() time.Time { return now }}

	_, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.ErrorIs(t, err, connectortest.ErrSinkCrashed, "the crash ends the first run")
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.True(t, res.Resumed)
	assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), sink.IDs())
	assert.LessOrEqual(t, sink.Repeats(), 2*s.PageSize, "a resume repeats at most about a page")

	now = now.Add(time.Hour)
	edited, archived := f.data.Documents[7], f.data.Documents[33]
	f.emu.Update(func(d *outlineemu.Data) {
		edited.Title, edited.UpdatedAt = edited.Title+" (edited)", now.Add(-2*time.Minute)
		archived.ArchivedAt = now.Add(-time.Minute)
		d.Events = append(d.Events, &outlineemu.Event{ID: "archive-1", Name: "documents.archive", DocumentID: archived.ID,
			CollectionID: archived.CollectionID, ActorID: d.Users[0].ID, CreatedAt: archived.ArchivedAt})
	})
	sink.Reset()
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, []string{idOf(edited)}, sink.IDs())
	assert.Equal(t, 1, res.Documents)
	assert.Equal(t, []string{idOf(archived)}, sink.deleted)
}
