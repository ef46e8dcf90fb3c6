package bitbucket

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

// The test credentials: an app password of the emulated workspaces'
// administrator.
const (
	testUser     = "ana"
	testPassword = "ATBBemulatedAppPassword0123"
	testToken    = "ATCTTemulatedAccessToken0123"
)

// testWeb and testAPI are the addresses the in-memory emulator answers
// for.
const (
	testWeb = "http://bitbucket.test"
	testAPI = "http://api.bitbucket.test/2.0"
)

// fixture is an emulated Bitbucket with connectors pointed at it. Requests
// go to the emulator in memory, so tests run under testing/synctest.
type fixture struct {
	data *bitbucketemu.Data
	emu  *bitbucketemu.Server
}

func newFixture(t testing.TB, gen bitbucketemu.GenerateOptions, opts bitbucketemu.Options) *fixture {
	t.Helper()
	data := bitbucketemu.Generate(gen)
	if opts.WebURL == "" {
		opts.WebURL = testWeb
	}
	emu := bitbucketemu.New(data, opts)
	emu.AddAppPassword(testUser, testPassword, data.Users[0])
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings(workspaces []string, repos ...string) Settings {
	s := Settings{}
	s.SetDefaults()
	s.APIURL, s.WebURL = testAPI, testWeb
	s.Workspaces, s.Repositories = workspaces, repos
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func appPassword() Credentials {
	return Credentials{Username: testUser, AppPassword: tributary.NewSecret(testPassword)}
}

func (f *fixture) connector(t testing.TB, s Settings, env tributary.Env) *Connector {
	t.Helper()
	c, err := New(s, appPassword(), env)
	require.NoError(t, err)
	return c
}

// inScope reports whether a repository lies in one of the workspaces or
// is one of the repositories.
func inScope(r *bitbucketemu.Repository, workspaces, repos []string) bool {
	return slices.Contains(workspaces, r.Workspace.Slug) || slices.Contains(repos, r.FullName())
}

// expectedIDs lists the web addresses of every pull request of the
// repositories in scope updated in [start, end).
func (f *fixture) expectedIDs(workspaces, repos []string, start, end time.Time) []string {
	var ids []string
	for _, r := range f.data.Repositories {
		if !inScope(r, workspaces, repos) {
			continue
		}
		for _, p := range r.PullRequests {
			if p.UpdatedOn.Before(start) || (!end.IsZero() && !p.UpdatedOn.Before(end)) {
				continue
			}
			ids = append(ids, bitbucketemu.PullRequestURL(testWeb, r, p))
		}
	}
	slices.Sort(ids)
	return ids
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
