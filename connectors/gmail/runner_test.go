package gmail

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/googleemu"
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

// Through the Runner, whose store keeps the history ids between runs, a
// second run delivers the deletions of threads deleted or moved to the
// trash since the first, and a new message.
func TestRunnerPollsHistory(t *testing.T) {
	f := newFixture(t, generate(2, 6, false), googleemu.Options{})
	c := f.connector(t, f.settings())
	sink := &recorder{docs: map[string]*tributary.Document{}}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 10}
	_, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.Len(t, sink.docs, len(expectedIDs(f.data, nil, time.Time{}, time.Time{})))

	email := f.admin()
	var threads []string
	now := time.Now().UTC().Truncate(time.Second)
	f.emu.Update(func(d *googleemu.Data) {
		mb := d.Mailbox(email)
		threads = visibleThreads(mb)
		mb.DeleteThread(threads[0])
		mb.AddLabels(threads[1], googleemu.LabelTrash)
		mb.Add(threads[2], now, googleemu.Mail{From: "partner@vendor.test", To: []string{email}, Subject: "Re: x", Date: now, Text: "New."}.Build(),
			googleemu.LabelInbox)
	})
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	require.ElementsMatch(t, []string{threadID(email, threads[0]), threadID(email, threads[1])}, sink.deletions, "%+v", res)
	require.Equal(t, now, sink.docs[threadID(email, threads[2])].UpdatedAt)
}
