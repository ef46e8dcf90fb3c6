package slack_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// BenchmarkLoadBesideLimits loads 400 messages (80 threads) with 50ms of
// latency a request and no rate limits, and reports beside the documents
// per second it reaches (docs/s) the rate Slack's Tier 3 limits on
// conversations.history and conversations.replies (50 requests a minute
// each, as the emulator's Tiers) allow at the requests a document took
// (limit_docs/s), and their ratio (of-limit): above 1, the limits and not
// the connector bound a real load.
func BenchmarkLoadBesideLimits(b *testing.B) {
	ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 200, ThreadEvery: 5, Replies: 3, Start: t0})
	f := newFixture(b, ws, nil)
	f.srv.SetLatency(50 * time.Millisecond)
	require.NoError(b, slack.Unpaced(f.c))
	docs := 0
	history, replies := f.srv.Calls("conversations.history"), f.srv.Calls("conversations.replies")
	for b.Loop() {
		for _, err := range tributary.Load(b.Context(), f.c) {
			if err != nil {
				b.Fatal(err)
			}
			docs++
		}
	}
	history = f.srv.Calls("conversations.history") - history
	replies = f.srv.Calls("conversations.replies") - replies
	tiers := slackemu.Tiers
	limit := float64(docs) / max(float64(history)*60/float64(tiers["conversations.history"]),
		float64(replies)*60/float64(tiers["conversations.replies"]))
	rate := float64(docs) / b.Elapsed().Seconds()
	b.ReportMetric(rate, "docs/s")
	b.ReportMetric(limit, "limit_docs/s")
	b.ReportMetric(rate/limit, "of-limit")
}
