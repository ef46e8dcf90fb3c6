package gmail

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
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

const testAccount = "indexer@emulated-project.iam.gserviceaccount.com"

// allScopes are the scopes the fixture's delegation grants.
var allScopes = []string{googleemu.ScopeGmailReadonly, googleemu.ScopeUserReadonly, googleemu.ScopeGmailSettings}

// fixture is an emulated Workspace domain with mailboxes, and connectors
// pointed at it. Requests go to the emulator in memory, whatever host they
// name.
type fixture struct {
	data *googleemu.Data
	emu  *googleemu.Server
	key  []byte
}

func generate(users, threads int, light bool) *googleemu.Data {
	d := googleemu.Generate(googleemu.GenerateOptions{Users: users, Seed: 7})
	googleemu.GenerateMail(d, googleemu.MailOptions{ThreadsPerUser: threads, Seed: 7, Light: light})
	return d
}

func newFixture(t testing.TB, data *googleemu.Data, opts googleemu.Options) *fixture {
	t.Helper()
	emu := googleemu.New(data, opts)
	t.Cleanup(emu.Close)
	key := emu.AddServiceAccount(testAccount, DefaultTokenURI, allScopes...)
	return &fixture{data: data, emu: emu, key: key}
}

func (f *fixture) admin() string { return f.data.Users[0].Email }

func (f *fixture) settings() Settings {
	var s Settings
	s.SetDefaults()
	s.AdminEmail = f.admin()
	s.RequestsPerSecond = 10000 // the emulator has no quota
	return s
}

func (f *fixture) credentials() Credentials {
	return Credentials{ServiceAccountKey: tributary.NewSecret(string(f.key))}
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

// fastRetry keeps retries of answers without Retry-After quick in tests
// that run on the real clock.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

// threadTimes returns, per document id, the latest time of the thread's
// messages outside the spam and the trash; threads wholly there are left
// out.
func threadTimes(d *googleemu.Data) map[string]time.Time {
	out := map[string]time.Time{}
	for email, mb := range d.Mailboxes {
		for _, m := range mb.Messages() {
			if slices.Contains(m.LabelIDs, googleemu.LabelSpam) || slices.Contains(m.LabelIDs, googleemu.LabelTrash) {
				continue
			}
			id := threadID(strings.ToLower(email), m.ThreadID)
			if m.Internal.After(out[id]) {
				out[id] = m.Internal
			}
		}
	}
	return out
}

// expectedIDs lists the ids of the threads whose latest message lies in
// [start, end), leaving out failing.
func expectedIDs(d *googleemu.Data, failing []string, start, end time.Time) []string {
	var ids []string
	for id, t := range threadTimes(d) {
		if t.Before(start) || !end.IsZero() && !t.Before(end) || slices.Contains(failing, id) {
			continue
		}
		ids = append(ids, id)
	}
	slices.Sort(ids)
	return ids
}

// sortedTimes returns every thread's time, oldest first.
func sortedTimes(d *googleemu.Data) []time.Time {
	var ts []time.Time
	for _, t := range threadTimes(d) {
		ts = append(ts, t)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
