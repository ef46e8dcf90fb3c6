package asana

import (
	"context"
	"net/http"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/asanaemu"
)

const (
	testBase  = "http://asana.test/api/1.0"
	testToken = "2/1201000000000001/1209000000000001:0123456789abcdef"
)

// smallGen is a fixture for unit tests: three projects (public, private to
// a team, private), comments, and a task shared by two projects.
var smallGen = asanaemu.GenerateOptions{Projects: 3, Tasks: 4, Stories: 2, Shared: 1, Seed: 3}

type fixture struct {
	data *asanaemu.Data
	emu  *asanaemu.Server
}

func newFixture(t testing.TB, gen asanaemu.GenerateOptions, opts asanaemu.Options) *fixture {
	t.Helper()
	data := asanaemu.Generate(gen)
	emu := asanaemu.New(data, opts)
	emu.AddToken(testToken, asanaemu.MeGID)
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
	c, err := newConnector(s, Credentials{AccessToken: tributary.NewSecret(testToken)}, f.env(), o)
	require.NoError(t, err)
	return c
}

// tasks are the live tasks of the fixture's projects (not subtasks)
// modified in [start, end).
func (f *fixture) tasks(start, end time.Time) []*asanaemu.Task {
	var out []*asanaemu.Task
	for _, t := range f.data.LiveTasks() {
		if len(t.Projects) > 0 && !t.ModifiedAt.Before(start) && (end.IsZero() || t.ModifiedAt.Before(end)) {
			out = append(out, t)
		}
	}
	return out
}

func (f *fixture) expectedIDs(start, end time.Time) []string {
	var ids []string
	for _, t := range f.tasks(start, end) {
		ids = append(ids, TaskID(t.GID))
	}
	slices.Sort(ids)
	return ids
}

// times are the modification times of the live tasks, oldest first.
func (f *fixture) times() []time.Time {
	var ts []time.Time
	for _, t := range f.tasks(time.Time{}, time.Time{}) {
		ts = append(ts, t.ModifiedAt)
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

// memValues is a host's Values in memory: what is put is seen at once.
type memValues struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (v *memValues) Get(_ context.Context, keys []string) (map[string][]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string][]byte{}
	for _, k := range keys {
		if b, ok := v.m[k]; ok {
			out[k] = slices.Clone(b)
		}
	}
	return out, nil
}

func (v *memValues) Put(key string, value []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string][]byte{}
	}
	if value == nil {
		delete(v.m, key)
		return
	}
	v.m[key] = slices.Clone(value)
}
