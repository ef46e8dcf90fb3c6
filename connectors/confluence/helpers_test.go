package confluence

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
	"github.com/tributary-dev/tributary/internal/confluenceemu"
)

const (
	testEmail = "reader@example.com"
	testToken = "ATATT3xemulatedtoken"
	testPAT   = "NjQ1emulatedpat"
	cloudSite = "https://example.atlassian.net/wiki"
	dcSite    = "https://confluence.example.com"
)

// fixture is an emulated Confluence with connectors pointed at it, in
// memory, so tests run under testing/synctest.
type fixture struct {
	data   *confluenceemu.Data
	emu    *confluenceemu.Server
	flavor confluenceemu.Flavor
}

func newFixture(t testing.TB, gen confluenceemu.GenerateOptions, opts confluenceemu.Options) *fixture {
	t.Helper()
	data := confluenceemu.Generate(gen)
	emu := confluenceemu.New(data, opts)
	emu.AddAPIToken(testEmail, testToken, data.Users[0])
	emu.AddPAT(testPAT, data.Users[0])
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu, flavor: opts.Flavor}
}

func (f *fixture) site() string {
	if f.flavor == confluenceemu.DataCenter {
		return dcSite
	}
	return cloudSite
}

func (f *fixture) settings(spaces ...string) Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = f.site()
	s.Spaces = spaces
	return s
}

func (f *fixture) credentials() Credentials {
	if f.flavor == confluenceemu.DataCenter {
		return Credentials{PersonalAccessToken: tributary.NewSecret(testPAT)}
	}
	return Credentials{Email: testEmail, APIToken: tributary.NewSecret(testToken)}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	c, err := newConnector(s, f.credentials(), f.env(), fastRetry)
	require.NoError(t, err)
	return c
}

// fastRetry keeps tests that run outside synctest quick.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

// expectedIDs lists the web address of every page of the spaces (all when
// none named) whose version time lies in [start, end).
func (f *fixture) expectedIDs(spaces []string, start, end time.Time) []string {
	var ids []string
	for _, p := range f.data.Pages {
		if len(spaces) > 0 && !slices.Contains(spaces, p.Space.Key) {
			continue
		}
		if p.When.Before(start) || (!end.IsZero() && !p.When.Before(end)) {
			continue
		}
		ids = append(ids, f.site()+confluenceemu.PageWebUI(f.flavor, p))
	}
	slices.Sort(ids)
	return ids
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}

// pageTimes returns every page's version time, oldest first.
func pageTimes(d *confluenceemu.Data) []time.Time {
	var ts []time.Time
	for _, p := range d.Pages {
		ts = append(ts, p.When)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
