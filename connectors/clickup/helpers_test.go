package clickup

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
	"github.com/tributary-dev/tributary/internal/clickupemu"
)

const (
	testBase  = "http://clickup.test/api/v2"
	testToken = "pk_81000_0123456789ABCDEF"
)

// smallGen is a fixture for unit tests: two spaces (the second private),
// a private backlog, subtasks, comments, closed and archived tasks.
var smallGen = clickupemu.GenerateOptions{Tasks: 24, Subtasks: 3, Comments: 3, Closed: 2, Archived: 2, Seed: 3}

type fixture struct {
	data *clickupemu.Data
	emu  *clickupemu.Server
}

func newFixture(t testing.TB, gen clickupemu.GenerateOptions, opts clickupemu.Options) *fixture {
	t.Helper()
	data := clickupemu.Generate(gen)
	emu := clickupemu.New(data, opts)
	emu.AddToken(testToken, data.Users[0].ID)
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
	c, err := newConnector(s, Credentials{APIToken: tributary.NewSecret(testToken)}, f.env(), o)
	require.NoError(t, err)
	return c
}

// tasks returns every live task of the fixture the default settings read.
func (f *fixture) tasks() []*clickupemu.Task {
	var out []*clickupemu.Task
	for _, team := range f.data.Teams {
		for _, l := range team.Lists() {
			for _, k := range l.List.Tasks {
				if !k.Archived {
					out = append(out, k)
				}
			}
		}
	}
	return out
}

// expectedIDs lists the live tasks updated in [start, end).
func (f *fixture) expectedIDs(start, end time.Time) []string {
	var ids []string
	for _, k := range f.tasks() {
		at := k.Updated.Truncate(time.Millisecond)
		if !at.Before(start) && (end.IsZero() || at.Before(end)) {
			ids = append(ids, TaskID(k.ID))
		}
	}
	slices.Sort(ids)
	return ids
}

// times returns the update times of the live tasks, oldest first.
func (f *fixture) times() []time.Time {
	var ts []time.Time
	for _, k := range f.tasks() {
		ts = append(ts, k.Updated.Truncate(time.Millisecond))
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
