package teams

import (
	"context"
	"slices"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// recorder is a sink that keeps what it was given.
type recorder struct {
	mu        sync.Mutex
	docs      map[string]*tributary.Document
	deletions []string
}

func (s *recorder) Write(_ context.Context, b tributary.Batch) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range b.Documents {
		s.docs[d.ID] = d
	}
	s.deletions = append(s.deletions, b.Deletions...)
	return nil
}

// Through the runner and a store that keeps Values: the run after the
// first continues each channel's delta, so a thread whose root was
// deleted between runs is a deletion and an edited one arrives again with
// its new text.
func TestRunsDeliverDeletionsAndEdits(t *testing.T) {
	f := newFixture(t, graphemu.TeamsOptions{Teams: 2, Channels: 2, Threads: 4, Replies: 1, Seed: 9}, graphemu.Options{PageSize: 3})
	c := f.connector(t, f.settings())
	sink := &recorder{docs: map[string]*tributary.Document{}}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 5}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Len(t, sink.docs, len(expectedIDs(f.data, zero, zero)))

	ch := f.data.Teams[1].Channels[1]
	var live []*graphemu.Message
	for _, m := range ch.Messages {
		if m.Type == "message" {
			live = append(live, m)
		}
	}
	deleted, edited := live[0], live[1]
	f.emu.Update(func(d *graphemu.Data) {
		d.DeleteMessage(ch.TeamID, ch.ID, deleted.ID, "")
		d.EditMessage(ch.TeamID, ch.ID, edited.ID, "", "<p>Edited between runs</p>")
	})
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Equal(t, []string{threadID(ch.TeamID, ch.ID, deleted.ID)}, sink.deletions)
	d := sink.docs[threadID(ch.TeamID, ch.ID, edited.ID)]
	require.NotNil(t, d)
	require.Contains(t, d.Sections[0].Text, "Edited between runs")
	require.False(t, slices.ContainsFunc(sink.deletions, func(id string) bool { return id == d.ID }))
}
