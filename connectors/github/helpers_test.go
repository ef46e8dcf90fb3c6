package github

import (
	"context"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

const testToken = "ghp_emulatedtoken0123456789"

// testBase is the API root the in-memory emulator answers for.
const testBase = "http://api.github.test"

// fixture is an emulated GitHub with a connector pointed at it. Requests
// go to the emulator in memory, so tests run under testing/synctest.
type fixture struct {
	data *githubemu.Data
	emu  *githubemu.Server
}

func newFixture(t testing.TB, gen githubemu.GenerateOptions, opts githubemu.Options) *fixture {
	t.Helper()
	data := githubemu.Generate(gen)
	emu := githubemu.New(data, opts)
	emu.AddToken(testToken, githubemu.Token{User: data.Users[1], Permissions: githubemu.FullAccess(), Classic: true})
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings(repos ...string) Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testBase
	s.Repositories = repos
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

// expectedIDs lists the html_url of every item of the repositories whose
// update time lies in [start, end), as the emulator builds it.
func (f *fixture) expectedIDs(repos []string, start, end time.Time, kind func(*githubemu.Item) bool) []string {
	var ids []string
	for _, r := range f.data.Repos {
		if !slices.Contains(repos, r.FullName()) {
			continue
		}
		for _, it := range r.Items {
			if !kind(it) || it.UpdatedAt.Before(start) || (!end.IsZero() && !it.UpdatedAt.Before(end)) {
				continue
			}
			seg := "issues"
			if it.PR {
				seg = "pull"
			}
			ids = append(ids, "https://github.com/"+r.FullName()+"/"+seg+"/"+itoa(it.Number))
		}
	}
	slices.Sort(ids)
	return ids
}

func anyItem(*githubemu.Item) bool { return true }

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}

func itoa(n int) string { return strconv.Itoa(n) }

func sortDesc(ts []time.Time) {
	slices.SortFunc(ts, func(a, b time.Time) int { return b.Compare(a) })
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func decodeRaw(t testing.TB, b []byte) []json.RawMessage {
	t.Helper()
	var raw []json.RawMessage
	require.NoError(t, json.Unmarshal(b, &raw))
	return raw
}
