package linear

import (
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/linearemu"
)

const (
	testKey   = "lin_api_emulatedkey0123456789abcdef"
	testOAuth = "lin_oauth_emulatedtoken0123456789"
)

// testAPI is the endpoint the in-memory emulator answers at.
const testAPI = "https://api.linear.test/graphql"

// fixture is an emulated workspace with a connector pointed at it.
// Requests go to the emulator in memory, so tests run under
// testing/synctest.
type fixture struct {
	data *linearemu.Data
	emu  *linearemu.Server
}

func newFixture(t testing.TB, gen linearemu.GenerateOptions, opts linearemu.Options) *fixture {
	t.Helper()
	data := linearemu.Generate(gen)
	emu := linearemu.New(data, opts)
	emu.AddAPIKey(testKey, data.Users[0])
	emu.AddOAuthToken(testOAuth, data.Users[0], "read")
	t.Cleanup(emu.Close)
	return &fixture{data: data, emu: emu}
}

func testSettings() Settings {
	s := Settings{}
	s.SetDefaults()
	s.APIURL = testAPI
	return s
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

// expectedIDs lists the ids of every issue, project and document updated
// in [start, end), as the viewer (a member of every team) sees them.
func expectedIDs(d *linearemu.Data, start, end time.Time) []string {
	in := func(t time.Time) bool { return !t.Before(start) && (end.IsZero() || t.Before(end)) }
	var ids []string
	for _, is := range d.Issues {
		if in(is.UpdatedAt) && is.ArchivedAt == nil {
			ids = append(ids, d.IssueID(is))
		}
	}
	for _, p := range d.Projects {
		if in(p.UpdatedAt) && p.ArchivedAt == nil {
			ids = append(ids, d.ProjectID(p))
		}
	}
	for _, doc := range d.Documents {
		if in(doc.UpdatedAt) && doc.ArchivedAt == nil {
			ids = append(ids, d.DocumentID(doc))
		}
	}
	slices.Sort(ids)
	return ids
}

// updateTimes returns every document's update time, oldest first.
func updateTimes(d *linearemu.Data) []time.Time {
	var ts []time.Time
	for _, is := range d.Issues {
		ts = append(ts, is.UpdatedAt)
	}
	for _, p := range d.Projects {
		ts = append(ts, p.UpdatedAt)
	}
	for _, doc := range d.Documents {
		ts = append(ts, doc.UpdatedAt)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

func testCredentials() Credentials { return Credentials{APIKey: tributary.NewSecret(testKey)} }
