package discord

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/discordemu"
)

const (
	testBase  = "http://discord.test/api/v10"
	testToken = "MTE2.bot-token.0123456789abcdef"
)

// smallGen is a fixture for unit tests.
var smallGen = discordemu.GenerateOptions{Messages: 30, Days: 4, Threads: 3, ThreadMessages: 3, ForumPosts: 2, Seed: 3}

type fixture struct {
	data *discordemu.Data
	emu  *discordemu.Server
}

func newFixture(t testing.TB, gen discordemu.GenerateOptions, opts discordemu.Options) *fixture {
	t.Helper()
	data := discordemu.Generate(gen)
	emu := discordemu.New(data, opts)
	emu.AddToken(testToken)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testBase
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

// fast is a pace and retry policy for tests outside a synctest bubble.
var fast = options{rate: 1e6, retry: httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}}

func (f *fixture) connector(t testing.TB, s Settings, o options) *Connector {
	t.Helper()
	c, err := newConnector(s, Credentials{BotToken: tributary.NewSecret(testToken)}, f.env(), o)
	require.NoError(t, err)
	return c
}

// expected is a document the fixture's data makes, with its update time.
type expected struct {
	id      string
	updated time.Time
}

// readable reports whether the connector reads the channel's messages.
func readable(ch *discordemu.Channel) bool {
	return !ch.Unreadable && (ch.Type == discordemu.TypeText || ch.Type == discordemu.TypeAnnouncement || ch.Type == discordemu.TypeForum)
}

// documents lists the documents of the data: a channel's days and its
// public threads with messages. Threads with a broken message are left
// out (they are failures).
func documents(d *discordemu.Data) []expected {
	var out []expected
	for _, g := range d.Guilds {
		gid := discordemu.ID(g.ID)
		for _, ch := range g.Channels {
			if !readable(ch) {
				continue
			}
			cid := discordemu.ID(ch.ID)
			last := map[string]time.Time{}
			for _, m := range ch.Messages {
				at := discordemu.TimeOf(m.ID)
				last[at.Format(time.DateOnly)] = at
			}
			for date, at := range last {
				out = append(out, expected{dayID(gid, cid, date), at})
			}
			for _, th := range g.Threads {
				if th.ParentID != ch.ID || th.Type == discordemu.TypePrivateThread || len(th.Messages) == 0 || broken(th) {
					continue
				}
				out = append(out, expected{threadURL(gid, discordemu.ID(th.ID)), discordemu.TimeOf(th.LastMessageID())})
			}
		}
	}
	return out
}

func broken(th *discordemu.Channel) bool {
	return slices.ContainsFunc(th.Messages, func(m *discordemu.Message) bool { return m.Broken })
}

// expectedIDs lists the documents updated in [start, end), sorted.
func expectedIDs(d *discordemu.Data, start, end time.Time) []string {
	var ids []string
	for _, e := range documents(d) {
		if !e.updated.Before(start) && (end.IsZero() || e.updated.Before(end)) {
			ids = append(ids, e.id)
		}
	}
	slices.Sort(ids)
	return ids
}

// times returns the documents' update times, oldest first.
func times(d *discordemu.Data) []time.Time {
	var ts []time.Time
	for _, e := range documents(d) {
		ts = append(ts, e.updated)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

func ids(docs []*tributary.Document) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
