package teams

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

const (
	testClient = "11111111-2222-3333-4444-555555555555"
	testSecret = "emulated~secret.value"
)

// allRoles are the application permissions the fixture's app holds.
var allRoles = []string{graphemu.TeamReadBasicAll, graphemu.ChannelReadBasicAll, graphemu.ChannelMessageReadAll,
	graphemu.ChannelMemberReadAll, graphemu.GroupMemberReadAll}

// fixture is an emulated tenant with connectors pointed at it. Requests
// go to the emulator in memory, whatever host they name.
type fixture struct {
	data *graphemu.Data
	emu  *graphemu.Server
}

func newFixture(t testing.TB, gen graphemu.TeamsOptions, opts graphemu.Options) *fixture {
	t.Helper()
	data := graphemu.GenerateTeams(gen)
	emu := graphemu.New(data, opts)
	t.Cleanup(emu.Close)
	emu.AddApp(testClient, testSecret, allRoles...)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	var s Settings
	s.SetDefaults()
	return s
}

func (f *fixture) credentials() Credentials {
	return Credentials{TenantID: f.data.TenantID, ClientID: testClient, ClientSecret: tributary.NewSecret(testSecret)}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	c, err := newConnector(s, f.credentials(), f.env(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fastRetry keeps retries of answers without Retry-After quick in tests
// that run on the real clock.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

const graphRoot = "https://graph.microsoft.com/v1.0"

func threadID(team, channel, root string) string {
	return graphRoot + "/teams/" + team + "/channels/" + url.PathEscape(channel) + "/messages/" + root
}

// lastActivity is a thread's UpdatedAt: the latest change of its messages.
func lastActivity(m *graphemu.Message) time.Time {
	t := m.Modified
	for _, r := range m.Replies {
		if r.Modified.After(t) {
			t = r.Modified
		}
	}
	return t.UTC()
}

// threads calls f for every thread a load yields or fails on.
func threads(d *graphemu.Data, f func(t *graphemu.Team, ch *graphemu.Channel, m *graphemu.Message)) {
	for _, t := range d.Teams {
		for _, ch := range t.Channels {
			for _, m := range ch.Messages {
				if m.Type == "message" && m.Deleted.IsZero() {
					f(t, ch, m)
				}
			}
		}
	}
}

// expectedIDs lists the ids of the threads a load yields of d whose last
// activity lies in [start, end), leaving out the broken ones.
func expectedIDs(d *graphemu.Data, start, end time.Time) []string {
	in := func(t time.Time) bool { return !t.Before(start) && (end.IsZero() || t.Before(end)) }
	var ids []string
	threads(d, func(t *graphemu.Team, ch *graphemu.Channel, m *graphemu.Message) {
		if !m.Broken && in(lastActivity(m)) {
			ids = append(ids, threadID(t.ID, ch.ID, m.ID))
		}
	})
	slices.Sort(ids)
	return ids
}

// brokenIDs lists the threads whose replies cannot be read.
func brokenIDs(d *graphemu.Data) []string {
	var ids []string
	threads(d, func(t *graphemu.Team, ch *graphemu.Channel, m *graphemu.Message) {
		if m.Broken {
			ids = append(ids, threadID(t.ID, ch.ID, m.ID))
		}
	})
	return ids
}

// activityTimes returns every thread's last activity, oldest first.
func activityTimes(d *graphemu.Data) []time.Time {
	var ts []time.Time
	threads(d, func(_ *graphemu.Team, _ *graphemu.Channel, m *graphemu.Message) { ts = append(ts, lastActivity(m)) })
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
