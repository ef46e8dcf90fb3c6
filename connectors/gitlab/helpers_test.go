package gitlab

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

const testToken = "glpat-emulatedtoken0123456789"

// testBase is the instance address the in-memory emulator answers for.
const testBase = "http://gitlab.test"

// fixture is an emulated GitLab with a connector pointed at it. Requests
// go to the emulator in memory, so tests run under testing/synctest.
type fixture struct {
	data *gitlabemu.Data
	emu  *gitlabemu.Server
}

func newFixture(t testing.TB, gen gitlabemu.GenerateOptions, opts gitlabemu.Options) *fixture {
	t.Helper()
	data := gitlabemu.Generate(gen)
	if opts.WebURL == "" {
		opts.WebURL = testBase
	}
	emu := gitlabemu.New(data, opts)
	emu.AddToken(testToken, gitlabemu.Token{User: data.Users[0], Scopes: gitlabemu.ReadAPI()})
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings(groups []string, projects ...string) Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testBase
	s.Groups = groups
	s.Projects = projects
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings, env tributary.Env) *Connector {
	t.Helper()
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)}, env)
	require.NoError(t, err)
	return c
}

// inScope reports whether a project lies in one of the groups (with
// subgroups) or is one of the projects.
func inScope(p *gitlabemu.Project, groups, projects []string) bool {
	path := p.PathWithNamespace()
	if slices.Contains(projects, path) {
		return true
	}
	for _, g := range groups {
		if strings.HasPrefix(path, g+"/") {
			return true
		}
	}
	return false
}

// expectedIDs lists the web addresses of every item of the projects in
// scope updated in [start, end), and with a zero start every wiki page.
func (f *fixture) expectedIDs(groups, projects []string, start, end time.Time) []string {
	var ids []string
	for _, p := range f.data.Projects {
		if !inScope(p, groups, projects) {
			continue
		}
		for _, it := range append(slices.Clone(p.Issues), p.MergeRequests...) {
			if it.UpdatedAt.Before(start) || (!end.IsZero() && !it.UpdatedAt.Before(end)) {
				continue
			}
			ids = append(ids, gitlabemu.ItemURL(testBase, p, it))
		}
		if start.IsZero() {
			for _, w := range p.Wiki {
				ids = append(ids, gitlabemu.WikiURL(testBase, p, w))
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// itemTimes returns every item's update time, oldest first.
func itemTimes(d *gitlabemu.Data) []time.Time {
	var ts []time.Time
	for _, p := range d.Projects {
		for _, it := range append(slices.Clone(p.Issues), p.MergeRequests...) {
			ts = append(ts, it.UpdatedAt)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
