package outline

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
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

const (
	testKey = "ol_api_4831emulatedOutlineKey"
	// testBase is the address the in-memory emulator answers for.
	testBase = "https://outline.test"
)

// fixture is an emulated Outline with connectors pointed at it. Requests
// go to the emulator in memory, so tests may run under testing/synctest.
type fixture struct {
	data *outlineemu.Data
	emu  *outlineemu.Server
}

func newFixture(t testing.TB, gen outlineemu.GenerateOptions, opts outlineemu.Options) *fixture {
	t.Helper()
	data := outlineemu.Generate(gen)
	emu := outlineemu.New(data, opts)
	emu.AddKey(testKey, data.Users[0].ID)
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = testBase
	return s
}

func (f *fixture) credentials() Credentials { return Credentials{APIKey: tributary.NewSecret(testKey)} }

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

// idOf is the document id of an emulated document.
func idOf(d *outlineemu.Document) string { return docID(testBase, d.URLID) }

// expectedIDs lists the ids of the documents the admin's key lists whose
// update time lies in [start, end), broken ones left out.
func expectedIDs(d *outlineemu.Data, start, end time.Time) []string {
	var ids []string
	for _, doc := range d.Documents {
		col := d.Collection(doc.CollectionID)
		if !doc.Live() || doc.Broken || col == nil || col.Deleted || doc.UpdatedAt.Before(start) || !end.IsZero() && !doc.UpdatedAt.Before(end) {
			continue
		}
		ids = append(ids, idOf(doc))
	}
	slices.Sort(ids)
	return ids
}

// updateTimes returns every listed document's update time, oldest first.
func updateTimes(d *outlineemu.Data) []time.Time {
	var ts []time.Time
	for _, doc := range d.Documents {
		if doc.Live() {
			ts = append(ts, doc.UpdatedAt)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}

// ids returns the ids of documents, sorted.
func ids(docs []*tributary.Document) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}
