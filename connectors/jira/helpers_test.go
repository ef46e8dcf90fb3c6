package jira

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
	"github.com/tributary-dev/tributary/internal/jiraemu"
)

const (
	testAPIToken = "ATATT3xFfGF0emulated"
	testPAT      = "NjQ4MzEyemulatedPAT"
	// testSite is the site the in-memory emulator answers for.
	testSite = "https://acme.atlassian.test"
)

// fixture is an emulated Jira with connectors pointed at it. Requests go
// to the emulator in memory, so tests may run under testing/synctest.
type fixture struct {
	data *jiraemu.Data
	emu  *jiraemu.Server
}

func newFixture(t testing.TB, gen jiraemu.GenerateOptions, opts jiraemu.Options) *fixture {
	t.Helper()
	data := jiraemu.Generate(gen)
	emu := jiraemu.New(data, opts)
	emu.AddAPIToken(data.Users[0], testAPIToken)
	emu.AddPAT(data.Users[0], testPAT)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings(deployment string, projects ...string) Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL, s.Deployment, s.Projects = testSite, deployment, projects
	return s
}

func (f *fixture) credentials(deployment string) Credentials {
	if deployment == Server {
		return Credentials{PersonalAccessToken: tributary.NewSecret(testPAT)}
	}
	return Credentials{Email: f.data.Users[0].Email, APIToken: tributary.NewSecret(testAPIToken)}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	c, err := newConnector(s, f.credentials(s.Deployment), f.env(), fastRetry)
	require.NoError(t, err)
	return c
}

// fastRetry keeps retries of statuses without Retry-After quick in tests
// that run on the real clock.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

// expectedIDs lists the browse URL of every issue of the projects whose
// update time lies in [start, end).
func expectedIDs(d *jiraemu.Data, projects []string, start, end time.Time) []string {
	var ids []string
	for _, p := range d.Projects {
		if len(projects) > 0 && !slices.Contains(projects, p.Key) {
			continue
		}
		for _, is := range p.Issues {
			if is.Updated.Before(start) || (!end.IsZero() && !is.Updated.Before(end)) {
				continue
			}
			ids = append(ids, testSite+"/browse/"+is.Key)
		}
	}
	slices.Sort(ids)
	return ids
}

// updateTimes returns every issue's update time, oldest first.
func updateTimes(d *jiraemu.Data) []time.Time {
	var ts []time.Time
	for _, p := range d.Projects {
		for _, is := range p.Issues {
			ts = append(ts, is.Updated)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
