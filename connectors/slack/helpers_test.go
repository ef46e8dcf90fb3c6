package slack_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/slackemu"
)

// fixture is an emulated workspace with a connector pointed at it.
type fixture struct {
	ws  *slackemu.Workspace
	srv *slackemu.Server
	c   *slack.Connector
}

func newFixture(t testing.TB, ws *slackemu.Workspace, configure func(*slack.Settings, *tributary.Env)) *fixture {
	t.Helper()
	srv := slackemu.NewServer(ws, slackemu.Tokens())
	t.Cleanup(srv.Close)
	s := slack.Settings{IncludePrivate: true}
	env := tributary.Env{HTTPClient: srv.Client()}
	if configure != nil {
		configure(&s, &env)
	}
	c, err := slack.New(s, slack.Credentials{BotToken: tributary.NewSecret(slackemu.BotToken)}, env)
	require.NoError(t, err)
	return &fixture{ws: ws, srv: srv, c: c}
}

// expectedIDs lists the ids a load must yield: one per top-level message
// that is not a bot message, with activity in [start, end).
func expectedIDs(ws *slackemu.Workspace, start, end time.Time, bots bool) []string {
	var ids []string
	for _, ch := range ws.Channels() {
		for _, m := range ws.TopLevel(ch.ID) {
			if m.BotID != "" && !bots {
				continue
			}
			act := m.TS
			if rs := ws.Replies(ch.ID, m.TS); len(rs) > 0 {
				act = rs[len(rs)-1].TS
			}
			if m.Edited != nil && later(m.Edited.TS, act) {
				act = m.Edited.TS
			}
			at := tsTime(act)
			if (start.IsZero() || !at.Before(start)) && (end.IsZero() || at.Before(end)) {
				ids = append(ids, ws.Permalink(ch.ID, m.TS, ""))
			}
		}
	}
	slices.Sort(ids)
	return ids
}

func later(a, b string) bool {
	x, _ := slackemu.ParseTS(a)
	y, _ := slackemu.ParseTS(b)
	return x > y
}

func tsTime(ts string) time.Time {
	us, _ := slackemu.ParseTS(ts)
	return time.UnixMicro(us).UTC()
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *slack.Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
