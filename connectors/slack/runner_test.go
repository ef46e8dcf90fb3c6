package slack_test

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
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
		var delivered []string
		crash := errors.New("sink crashed")
		sink := func(limit int) tributary.Sink {
			return tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
				if limit >= 0 && len(delivered)+len(b.Documents) > limit {
					return crash
				}
				for _, d := range b.Documents {
					delivered = append(delivered, d.ID)
				}
				return nil
			})
		}
		store := &tributary.MemoryStore{}
		r := &tributary.Runner{Store: store, Sink: sink(50), BatchDocs: 5}
		_, err := r.Run(t.Context(), f.c, tributary.RunOptions{})
		require.ErrorIs(t, err, crash)
		require.NotEmpty(t, delivered)
		require.LessOrEqual(t, len(delivered), 50)

		r.Sink = sink(-1)
		res, err := r.Run(t.Context(), f.c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.True(t, res.Resumed)
		want := expectedIDs(ws, time.Time{}, time.Time{}, false)
		got := slices.Sorted(slices.Values(delivered))
		assert.Equal(t, want, slices.Compact(got), "every document delivered")
		assert.LessOrEqual(t, len(delivered)-len(want), 10, "repeats bounded by one page")
	})
}
