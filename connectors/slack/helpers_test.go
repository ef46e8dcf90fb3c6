package slack_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/slack"
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

// collected is everything one stream yielded.
type collected struct {
	docs        []*tributary.Document
	nodes       []*tributary.HierarchyNode
	failures    []*tributary.Failure
	checkpoints []tributary.Checkpoint
	err         error
}

func (c collected) ids() []string {
	var ids []string
	for _, d := range c.docs {
		ids = append(ids, d.ID)
	}
	slices.Sort(ids)
	return ids
}

func collect(ctx context.Context, c *slack.Connector, start, end time.Time, cp tributary.Checkpoint) collected {
	var out collected
	for it, err := range c.LoadFromCheckpoint(ctx, start, end, cp) {
		if err != nil {
			out.err = err
			break
		}
		switch {
		case it.Document != nil:
			out.docs = append(out.docs, it.Document)
		case it.Node != nil:
			out.nodes = append(out.nodes, it.Node)
		case it.Failure != nil:
			out.failures = append(out.failures, it.Failure)
		case it.Checkpoint != nil:
			out.checkpoints = append(out.checkpoints, it.Checkpoint)
		}
	}
	return out
}
