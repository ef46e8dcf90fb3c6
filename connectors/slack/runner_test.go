package slack_test

import (
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// A run that crashes half way (here, the sink fails) resumes from the last
// acknowledged checkpoint: the second run delivers the rest, repeating at
// most one history page.
func TestRunnerResumesAfterACrash(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 60, ThreadEvery: 4, Replies: 2,
			Start: time.Now().Add(-72 * time.Hour)})
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.PageSize = 10 })
		// Batches hold at most 5 entries: the crash comes within the first 50 documents.
		sink := &connectortest.Sink{CrashAt: 11}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 5}
		_, err := r.Run(t.Context(), f.c, tributary.RunOptions{})
		require.ErrorIs(t, err, connectortest.ErrSinkCrashed)
		require.NotZero(t, sink.Documents())
		require.LessOrEqual(t, sink.Documents(), 50)

		res, err := r.Run(t.Context(), f.c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.True(t, res.Resumed)
		want := expectedIDs(ws, time.Time{}, time.Time{}, false)
		assert.Equal(t, want, sink.IDs(), "every document delivered")
		assert.LessOrEqual(t, sink.Repeats(), 10, "repeats bounded by one page")
	})
}
