package hubspot

import (
	"context"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/hubspotemu"
)

const (
	testBase  = "http://hubspot.test"
	testToken = "pat-na1-0123456789abcdef"
	// testApp is where the emulated account's records live.
	testApp = "https://app.hubspot.com/contacts/7700123"
)

// smallGen is a fixture for unit tests: every type, notes and e-mails,
// and archived records.
var smallGen = hubspotemu.GenerateOptions{Companies: 6, Contacts: 8, Deals: 5, Tickets: 4, Notes: 3, Emails: 2, Archived: 1, Seed: 3}

type fixture struct {
	data *hubspotemu.Data
	emu  *hubspotemu.Server
}

func newFixture(t testing.TB, gen hubspotemu.GenerateOptions, opts hubspotemu.Options) *fixture {
	t.Helper()
	data := hubspotemu.Generate(gen)
	emu := hubspotemu.New(data, opts)
	emu.AddToken(testToken, hubspotemu.AllScopes()...)
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
var fast = options{rate: 1e6, search: 1e6,
	retry: httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}}

func (f *fixture) connector(t testing.TB, s Settings, o options) *Connector {
	t.Helper()
	c, err := newConnector(s, Credentials{AccessToken: tributary.NewSecret(testToken)}, f.env(), o)
	require.NoError(t, err)
	return c
}

// recordID is the document id of a record.
func recordID(o *hubspotemu.Object) string {
	return testApp + "/record/" + hubspotemu.ObjectTypes[o.Type] + "/" + strconv.FormatInt(o.ID, 10)
}

// expectedIDs lists the live records of the settings' types modified in
// [start, end).
func (f *fixture) expectedIDs(s Settings, start, end time.Time) []string {
	var ids []string
	for _, typ := range s.Objects {
		for _, o := range f.data.Objects[typ] {
			at := o.UpdatedAt.Truncate(time.Millisecond)
			if !o.Archived() && !at.Before(start) && (end.IsZero() || at.Before(end)) {
				ids = append(ids, recordID(o))
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// times returns the modification times of the live records, oldest first.
func (f *fixture) times(s Settings) []time.Time {
	var ts []time.Time
	for _, typ := range s.Objects {
		for _, o := range f.data.Objects[typ] {
			if !o.Archived() {
				ts = append(ts, o.UpdatedAt.Truncate(time.Millisecond))
			}
		}
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
