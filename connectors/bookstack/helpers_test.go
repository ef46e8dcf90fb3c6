package bookstack

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
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

const testBase = "http://wiki.test"

// smallGen is a fixture for unit tests: two shelves, three books (the
// first on both shelves, the last on none), chapters, tied and restricted
// pages.
var smallGen = bookstackemu.GenerateOptions{Shelves: 2, Books: 3, ChaptersPerBook: 2, PagesPerBook: 5, Tied: 4, Restricted: 2, Seed: 3}

type fixture struct {
	data *bookstackemu.Data
	emu  *bookstackemu.Server
}

func newFixture(t testing.TB, gen bookstackemu.GenerateOptions, opts bookstackemu.Options) *fixture {
	t.Helper()
	data := bookstackemu.Generate(gen)
	emu := bookstackemu.New(data, opts)
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

func adminCredentials() Credentials {
	return Credentials{TokenID: bookstackemu.AdminTokenID, TokenSecret: tributary.NewSecret(bookstackemu.AdminTokenSecret)}
}

func readerCredentials() Credentials {
	return Credentials{TokenID: bookstackemu.ReaderTokenID, TokenSecret: tributary.NewSecret(bookstackemu.ReaderTokenSecret)}
}

func (f *fixture) connector(t testing.TB, s Settings, env tributary.Env, o options) *Connector {
	t.Helper()
	c, err := newConnector(s, adminCredentials(), env, o)
	require.NoError(t, err)
	return c
}

// pageID is the document id of a page.
func pageID(id int) string { return testBase + "/link/" + strconv.Itoa(id) }

// expectedIDs lists the live pages updated in [start, end).
func (f *fixture) expectedIDs(start, end time.Time) []string {
	var ids []string
	for _, p := range f.data.LivePages() {
		if !p.UpdatedAt.Before(start) && (end.IsZero() || p.UpdatedAt.Before(end)) {
			ids = append(ids, pageID(p.ID))
		}
	}
	slices.Sort(ids)
	return ids
}

// times returns the update times of the live pages, oldest first.
func (f *fixture) times() []time.Time {
	var ts []time.Time
	for _, p := range f.data.LivePages() {
		ts = append(ts, p.UpdatedAt)
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
