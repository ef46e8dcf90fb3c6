package slack_test

import (
	"context"
	"iter"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// TestConformance runs the conformance kit against the emulator with
// faults switched on: 429s with Retry-After, 500s, 503s, reset
// connections and truncated bodies, across every method; and one thread
// whose replies Slack refuses, which must be reported under its document's
// id while everything else is delivered. Each check runs in a
// testing/synctest bubble with its own emulator served in memory, so the
// connector's pacing to Slack's tiers, its backoff and the Retry-After
// waits are real and pass in fake time.
func TestConformance(t *testing.T) {
	ws := slackemu.Generate(slackemu.Config{Channels: 2, Private: 1, Messages: 8, ThreadEvery: 3, Replies: 2, BotEvery: 5, Start: t0})
	broken := ws.TopLevel("C00000002")[3]
	brokenID := ws.Permalink("C00000002", broken.TS, "")
	var (
		mu   sync.Mutex
		srvs []*slackemu.Server
	)
	// serve starts the emulator of one check, inside its bubble.
	serve := func(t testing.TB) *slackemu.Server {
		srv := slackemu.NewServer(ws, slackemu.Tokens())
		t.Cleanup(srv.Close)
		srv.BreakThread("C00000002", broken.TS, "thread_not_found")
		srv.FailEvery("*", 23, emulator.TooManyRequests)
		srv.FailEvery("*", 211, emulator.Fault{Status: 429, RetryAfter: 30 * time.Second})
		srv.FailEvery("*", 13, emulator.InternalError)
		srv.FailEvery("*", 17, emulator.ServiceUnavailable)
		srv.FailEvery("*", 19, emulator.ConnectionReset)
		srv.FailEvery("*", 11, emulator.TruncatedBody)
		mu.Lock()
		srvs = append(srvs, srv)
		mu.Unlock()
		return srv
	}
	open := func(t testing.TB, token string) tributary.Connector {
		srv := serve(t)
		c, err := slack.New(slack.Settings{IncludePrivate: true, PageSize: 3},
			slack.Credentials{BotToken: tributary.NewSecret(token), SigningSecret: tributary.NewSecret(signingSecret)},
			tributary.Env{HTTPClient: srv.Client(), WantPermissions: true})
		require.NoError(t, err)
		return signedOnDelivery{c}
	}
	without := func(ids []string) []string {
		return slices.DeleteFunc(ids, func(id string) bool { return id == brokenID })
	}
	thread := ws.TopLevel("C00000001")[0]
	gone := slackemu.TS(t0.Add(-time.Hour))
	events := []connectortest.Event{
		{Name: "reply", Event: delivery(t, map[string]any{"type": "message", "channel": "C00000001",
			"ts": ws.Replies("C00000001", thread.TS)[0].TS, "thread_ts": thread.TS}, signingSecret, time.Now()),
			WantIDs: []string{ws.Permalink("C00000001", thread.TS, "")}},
		{Name: "deleted", Event: delivery(t, map[string]any{"type": "message", "subtype": "message_deleted",
			"channel": "C00000001", "deleted_ts": gone}, signingSecret, time.Now()),
			WantDeletions: []string{ws.Permalink("C00000001", gone, "")}},
	}
	w1 := [2]time.Time{t0.Add(2 * time.Minute), t0.Add(5 * time.Minute)}
	w2 := [2]time.Time{t0.Add(5 * time.Minute), t0.Add(time.Hour)}
	connectortest.Run(t, connectortest.Harness{
		New:            func(t testing.TB) tributary.Connector { return open(t, slackemu.BotToken) },
		BadCredentials: func(t testing.TB) tributary.Connector { return open(t, "xoxb-revoked-or-wrong") },
		WantIDs:        without(expectedIDs(ws, time.Time{}, time.Time{}, false)),
		WantFailureIDs: []string{brokenID},
		Windows: []connectortest.Window{
			{Start: w1[0], End: w1[1], WantIDs: without(expectedIDs(ws, w1[0], w1[1], false))},
			{Start: w2[0], End: w2[1], WantIDs: without(expectedIDs(ws, w2[0], w2[1], false))},
		},
		Requests: func(tributary.Connector) int {
			mu.Lock()
			defer mu.Unlock()
			return srvs[len(srvs)-1].Count("*")
		},
		Events: events,
		GroupsFault: func(t testing.TB) tributary.Connector {
			c := open(t, slackemu.BotToken)
			mu.Lock()
			defer mu.Unlock()
			srvs[len(srvs)-1].FailEvery("/api/usergroups.users.list", 1, emulator.Fault{Status: http.StatusServiceUnavailable})
			return c
		},
		Synctest: true,
	})
	requests := 0
	for _, srv := range srvs {
		requests += srv.Count("*")
	}
	t.Logf("%d requests", requests)
	emulator.TallyOf(srvs).Require(t, 1, "status 429", "status 500", "status 503", "reset", "truncate")
}

// signedOnDelivery hands the kit's events to the connector signed when each
// range over HandleEvent starts, as Slack signs a delivery when it sends
// it. The kit's events are built once, before any check, and a check's
// bubble clock starts in 2000 and moves on by minutes as it backs off, so
// a signature made in advance would be refused as stale; the connector
// still verifies every delivery's signature and age.
type signedOnDelivery struct{ *slack.Connector }

// HandleEvent re-signs ev at the start of each range and delegates.
func (c signedOnDelivery) HandleEvent(ctx context.Context, ev tributary.Event) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		ev := ev
		ev.Header = signature(ev.Body, signingSecret, time.Now())
		for it, err := range c.Connector.HandleEvent(ctx, ev) {
			if !yield(it, err) {
				return
			}
		}
	}
}
