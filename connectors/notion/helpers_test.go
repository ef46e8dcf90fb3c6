package notion

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
	"github.com/tributary-dev/tributary/internal/notionemu"
)

const (
	testToken = "ntn_4831emulatedIntegrationSecret"
	// testAPI is the address the in-memory emulator answers for.
	testAPI = "https://api.notion.test"
)

// fixture is an emulated Notion with connectors pointed at it. Requests
// go to the emulator in memory, so tests may run under testing/synctest.
type fixture struct {
	data *notionemu.Data
	emu  *notionemu.Server
}

func newFixture(t testing.TB, gen notionemu.GenerateOptions, opts notionemu.Options) *fixture {
	t.Helper()
	data := notionemu.Generate(gen)
	emu := notionemu.New(data, opts)
	emu.AddToken(testToken)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testAPI
	s.RequestsPerSecond = 10
	return s
}

func (f *fixture) credentials() Credentials {
	return Credentials{Token: tributary.NewSecret(testToken)}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	c, err := newConnector(s, f.credentials(), f.env(), fast)
	require.NoError(t, err)
	return c
}

// fastRetry keeps retries of statuses without Retry-After quick in tests
// that run on the real clock.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

// fast is fastRetry with no client-side pace to speak of.
var fast = options{retry: fastRetry, rate: 1e6}

// visible reports whether the integration can read the page.
func visible(d *notionemu.Data, p *notionemu.Page) bool {
	if p.Unshared || p.Archived {
		return false
	}
	if p.Parent.Type == notionemu.ParentDatabase {
		db := d.Database(p.Parent.ID)
		return db != nil && !db.Unshared && !db.Archived
	}
	return true
}

// docID is the document id of an emulated page.
func docID(p *notionemu.Page) string { return pageID(p.ID) }

// expectedIDs lists the ids of the visible pages and rows whose reported
// edit time (to the minute) lies in [start, end).
func expectedIDs(d *notionemu.Data, start, end time.Time) []string {
	var ids []string
	for _, p := range d.Pages {
		t := p.Edited.UTC().Truncate(time.Minute)
		if !visible(d, p) || t.Before(start) || (!end.IsZero() && !t.Before(end)) {
			continue
		}
		ids = append(ids, docID(p))
	}
	slices.Sort(ids)
	return ids
}

// editTimes returns every page's reported edit time, oldest first.
func editTimes(d *notionemu.Data) []time.Time {
	var ts []time.Time
	for _, p := range d.Pages {
		ts = append(ts, p.Edited.UTC().Truncate(time.Minute))
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
