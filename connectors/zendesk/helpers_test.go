package zendesk

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/zendeskemu"
)

// testBase is the account address the in-memory emulator answers for.
const testBase = "http://zendesk.test"

const (
	adminEmail = "user0@example.com"
	agentEmail = "user1@example.com"
	testToken  = "zdtoken0123456789abcdef"
	oauthToken = "zdoauth0123456789abcdef"
)

// past is when generated fixtures start: before the year 2000 at which a
// testing/synctest bubble's clock starts, so that the export, which
// leaves out the last minute, holds every ticket inside a bubble too.
var past = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)

// smallGen is a fixture for unit tests: two locales, restricted and
// draft articles, tickets with comments and two deleted tickets.
var smallGen = zendeskemu.GenerateOptions{Categories: 2, Sections: 3, Articles: 2, Locales: []string{"en-us", "de"},
	Tickets: 12, Comments: 3, Deleted: 2, RestrictedEvery: 4, DraftEvery: 5, Seed: 3, Start: past}

// fixture is an emulated Zendesk with a connector pointed at it. Requests
// go to the emulator in memory, so tests run under testing/synctest.
type fixture struct {
	data *zendeskemu.Data
	emu  *zendeskemu.Server
}

func newFixture(t testing.TB, gen zendeskemu.GenerateOptions, opts zendeskemu.Options) *fixture {
	t.Helper()
	data := zendeskemu.Generate(gen)
	emu := zendeskemu.New(data, opts)
	emu.AddAPIToken(adminEmail, testToken)
	emu.AddAPIToken(agentEmail, testToken)
	emu.AddOAuthToken(oauthToken, data.Users[0].ID)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings(locales ...string) Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testBase
	if len(locales) > 0 {
		s.Locales = locales
	}
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func adminCredentials() Credentials {
	return Credentials{Email: adminEmail, APIToken: tributary.NewSecret(testToken)}
}

func (f *fixture) connector(t testing.TB, s Settings, env tributary.Env) *Connector {
	t.Helper()
	c, err := newConnector(s, adminCredentials(), env, options{rate: 1000})
	require.NoError(t, err)
	return c
}

// expectedIDs lists the ids of the documents a connector with the
// settings yields for [start, end).
func (f *fixture) expectedIDs(s Settings, start, end time.Time) []string {
	in := func(t time.Time) bool { return !t.Before(start) && (end.IsZero() || t.Before(end)) }
	var ids []string
	if s.IncludeArticles {
		for _, a := range f.data.Articles {
			if slices.Contains(s.Locales, a.Locale) && (!a.Draft || s.IncludeDrafts) && in(a.UpdatedAt) {
				ids = append(ids, articleID(testBase, a.Locale, a.ID))
			}
		}
	}
	if s.IncludeTickets {
		for _, t := range f.data.Tickets {
			if t.Status != "deleted" && in(t.UpdatedAt) {
				ids = append(ids, ticketID(testBase, t.ID))
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// itemTimes returns the update times of every article and ticket, oldest
// first.
func itemTimes(d *zendeskemu.Data) []time.Time {
	var ts []time.Time
	for _, a := range d.Articles {
		ts = append(ts, a.UpdatedAt)
	}
	for _, t := range d.Tickets {
		ts = append(ts, t.UpdatedAt)
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

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
