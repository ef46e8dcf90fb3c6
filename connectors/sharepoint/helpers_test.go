package sharepoint

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

const (
	testClient = "11111111-2222-3333-4444-555555555555"
	testSecret = "emulated~secret.value"
)

// allRoles are the application permissions the fixture's app holds.
var allRoles = []string{graphemu.SitesReadAll, graphemu.GroupMemberReadAll}

// fixture is an emulated tenant with connectors pointed at it. Requests
// go to the emulator in memory, whatever host they name.
type fixture struct {
	data *graphemu.Data
	emu  *graphemu.Server
}

func newFixture(t testing.TB, gen graphemu.GenerateOptions, opts graphemu.Options) *fixture {
	t.Helper()
	data := graphemu.Generate(gen)
	emu := graphemu.New(data, opts)
	t.Cleanup(emu.Close)
	emu.AddApp(testClient, testSecret, allRoles...)
	return &fixture{data: data, emu: emu}
}

func (f *fixture) settings() Settings {
	var s Settings
	s.SetDefaults()
	return s
}

func (f *fixture) credentials() Credentials {
	return Credentials{TenantID: f.data.TenantID, ClientID: testClient, ClientSecret: tributary.NewSecret(testSecret)}
}

func (f *fixture) env() tributary.Env {
	return tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: f.emu.Transport()}}
}

func (f *fixture) connector(t testing.TB, s Settings) *Connector {
	t.Helper()
	c, err := newConnector(s, f.credentials(), f.env(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// fastRetry keeps retries of answers without Retry-After quick in tests
// that run on the real clock.
var fastRetry = httpx.RetryPolicy{MaxAttempts: 8, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}

const graphRoot = "https://graph.microsoft.com/v1.0"

func fileID(drive, item string) string { return graphRoot + "/drives/" + drive + "/items/" + item }
func pageID(site, page string) string  { return graphRoot + "/sites/" + site + "/pages/" + page }

// addSpecials adds what every known failure needs: a file whose content
// is gone and a page whose canvas cannot be read. It returns the ids of
// the failing documents.
func addSpecials(d *graphemu.Data) (failing []string) {
	t := time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC)
	dr := d.Drives[0]
	d.AddItem(dr.ID, "", &graphemu.Item{ID: "01GONECONTENT0000000000000000000", Name: "gone.txt", MimeType: "text/plain",
		Content: []byte("lost"), NoContent: true, Created: t, Modified: t.Add(time.Hour)})
	d.AddItem(dr.ID, "", &graphemu.Item{ID: "01BINARYFILE00000000000000000000", Name: "tool.exe", MimeType: "application/octet-stream",
		Content: []byte("MZ"), Created: t, Modified: t.Add(2 * time.Hour)})
	st := d.Sites[0]
	d.AddPage(st.ID, &graphemu.Page{ID: "00000000-0000-0000-0000-00000000bad0", Name: "Broken.aspx", Title: "Broken",
		Created: t, Modified: t.Add(3 * time.Hour), Broken: true})
	return []string{fileID(dr.ID, "01GONECONTENT0000000000000000000"), pageID(st.ID, "00000000-0000-0000-0000-00000000bad0")}
}

// extractable reports whether the connector reads a file's content.
func extractable(it *graphemu.Item) bool { return it.MimeType != "application/octet-stream" }

// expectedIDs lists the ids of the documents a load yields of d whose
// modification time lies in [start, end), leaving out failing.
func expectedIDs(d *graphemu.Data, failing []string, start, end time.Time) []string {
	in := func(t time.Time) bool { return !t.Before(start) && (end.IsZero() || t.Before(end)) }
	var ids []string
	for _, dr := range d.Drives {
		for _, it := range dr.Files() {
			if id := fileID(dr.ID, it.ID); extractable(it) && in(it.Modified) && !slices.Contains(failing, id) {
				ids = append(ids, id)
			}
		}
	}
	for _, st := range d.Sites {
		for _, p := range st.Pages {
			if id := pageID(st.ID, p.ID); in(p.Modified) && !slices.Contains(failing, id) {
				ids = append(ids, id)
			}
		}
	}
	slices.Sort(ids)
	return ids
}

// modTimes returns every document's modification time, oldest first.
func modTimes(d *graphemu.Data) []time.Time {
	var ts []time.Time
	for _, dr := range d.Drives {
		for _, it := range dr.Files() {
			ts = append(ts, it.Modified)
		}
	}
	for _, st := range d.Sites {
		for _, p := range st.Pages {
			ts = append(ts, p.Modified)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}

// zero is the open end of a window.
var zero time.Time
