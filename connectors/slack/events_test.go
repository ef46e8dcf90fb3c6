package slack_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

const signingSecret = "8f742231b10e8888abcd99yyyzzz85a5"

// delivery signs an Events API body as Slack does, at time at.
func delivery(t testing.TB, event map[string]any, secret string, at time.Time) tributary.Event {
	t.Helper()
	body, err := json.Marshal(map[string]any{"type": "event_callback", "team_id": "T0EMULATED", "event": event})
	require.NoError(t, err)
	return tributary.Event{Type: tributary.EventWebhook, Name: "message", Body: body, Header: signature(body, secret, at)}
}

// signature returns the headers Slack sends with a delivery of body signed
// with secret at time at.
func signature(body []byte, secret string, at time.Time) map[string][]string {
	m := hmac.New(sha256.New, []byte(secret))
	fmt.Fprintf(m, "v0:%d:%s", at.Unix(), body)
	return map[string][]string{
		"X-Slack-Request-Timestamp": {fmt.Sprint(at.Unix())},
		"X-Slack-Signature":         {"v0=" + hex.EncodeToString(m.Sum(nil))},
	}
}

func eventItems(t testing.TB, c *slack.Connector, ev tributary.Event) (docs []*tributary.Document, deletions []string, nodes int, err error) {
	for it, e := range c.HandleEvent(t.Context(), ev) {
		if e != nil {
			return docs, deletions, nodes, e
		}
		switch {
		case it.Document != nil:
			require.Equal(t, 1, nodes, "node before document")
			docs = append(docs, it.Document)
		case it.Deletion != "":
			deletions = append(deletions, it.Deletion)
		case it.Node != nil:
			nodes++
		}
	}
	return docs, deletions, nodes, nil
}

func TestEventsUpdateAndDeleteThreads(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := slackemu.Generate(slackemu.Config{Channels: 2, Messages: 6, ThreadEvery: 3, Replies: 1, Start: t0})
		f := newFixture(t, ws, func(s *slack.Settings, _ *tributary.Env) { s.Channels = []string{"channel-1"} })
		creds := slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken), SigningSecret: tributary.NewSecret(signingSecret)}
		c, err := slack.New(slack.Settings{Channels: []string{"channel-1"}}, creds, tributary.Env{HTTPClient: f.srv.Client()})
		require.NoError(t, err)
		now := time.Now()
		msgs := ws.TopLevel("C00000001")
		parent := msgs[0]

		// A new reply to an old thread: the whole thread, read afresh.
		later := t0.Add(30 * 24 * time.Hour) // message times; now is the bubble's clock
		replyTS := slackemu.TS(later)
		require.NoError(t, ws.Reply("C00000001", parent.TS, slackemu.Message{TS: replyTS, User: "U000000002", Text: "new reply"}))
		docs, dels, _, err := eventItems(t, c, delivery(t, map[string]any{"type": "message", "channel": "C00000001",
			"user": "U000000002", "text": "new reply", "ts": replyTS, "thread_ts": parent.TS}, signingSecret, now))
		require.NoError(t, err)
		assert.Empty(t, dels)
		require.Len(t, docs, 1)
		assert.Equal(t, ws.Permalink("C00000001", parent.TS, ""), docs[0].ID)
		assert.Equal(t, "new reply", docs[0].Sections[len(docs[0].Sections)-1].Text)

		// An edit of a top-level message.
		require.NoError(t, ws.Edit("C00000001", msgs[1].TS, "edited", slackemu.TS(later)))
		docs, _, _, err = eventItems(t, c, delivery(t, map[string]any{"type": "message", "subtype": "message_changed",
			"channel": "C00000001", "message": map[string]any{"ts": msgs[1].TS, "text": "edited"}}, signingSecret, now))
		require.NoError(t, err)
		require.Len(t, docs, 1)
		assert.Equal(t, "edited", docs[0].Sections[0].Text)

		// A deleted message without replies: its document goes.
		require.NoError(t, ws.Delete("C00000001", msgs[2].TS))
		docs, dels, _, err = eventItems(t, c, delivery(t, map[string]any{"type": "message", "subtype": "message_deleted",
			"channel": "C00000001", "deleted_ts": msgs[2].TS, "previous_message": map[string]any{"ts": msgs[2].TS}}, signingSecret, now))
		require.NoError(t, err)
		assert.Empty(t, docs)
		assert.Equal(t, []string{ws.Permalink("C00000001", msgs[2].TS, "")}, dels)

		// Channels the connector does not read, and channel events, yield
		// nothing.
		for _, ev := range []map[string]any{
			{"type": "message", "channel": "C00000002", "ts": ws.TopLevel("C00000002")[0].TS, "text": "elsewhere"},
			{"type": "message", "subtype": "channel_join", "channel": "C00000001", "ts": msgs[1].TS},
		} {
			docs, dels, nodes, err := eventItems(t, c, delivery(t, ev, signingSecret, now))
			require.NoError(t, err)
			assert.Empty(t, docs)
			assert.Empty(t, dels)
			assert.Zero(t, nodes)
		}
	})
}

func TestEventsRefuseForgedAndStaleDeliveries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ws := smallWorkspace()
		srv := slackemu.NewServer(ws, slackemu.Tokens())
		defer srv.Close()
		open := func(secret string) *slack.Connector {
			c, err := slack.New(slack.Settings{}, slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken), SigningSecret: tributary.NewSecret(secret)},
				tributary.Env{HTTPClient: srv.Client()})
			require.NoError(t, err)
			return c
		}
		ev := map[string]any{"type": "message", "channel": "C00000001", "ts": ws.TopLevel("C00000001")[0].TS}
		now := time.Now()
		_, _, _, err := eventItems(t, open(signingSecret), delivery(t, ev, "another secret", now))
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
		_, _, _, err = eventItems(t, open(signingSecret), delivery(t, ev, signingSecret, now.Add(-10*time.Minute)))
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions, "a replayed delivery")
		unsigned := delivery(t, ev, signingSecret, now)
		unsigned.Header = nil
		_, _, _, err = eventItems(t, open(signingSecret), unsigned)
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
		_, _, _, err = eventItems(t, open(""), delivery(t, ev, signingSecret, now))
		assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
		assert.Zero(t, srv.Count("*"), "nothing is fetched for a refused delivery")
		c := open(signingSecret)
		assert.NotContains(t, fmt.Sprintf("%v %+v %#v", c, c, c), signingSecret)
	})
}
