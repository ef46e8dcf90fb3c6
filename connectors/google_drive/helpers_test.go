package googledrive

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

const (
	testAccount = "indexer@emulated-project.iam.gserviceaccount.com"
	testOwner   = "ext@partner.test"
)

// allScopes are the scopes the fixture's delegation grants.
var allScopes = []string{googleemu.ScopeDriveReadonly, googleemu.ScopeUserReadonly, googleemu.ScopeGroupReadonly}

// fixture is an emulated Workspace domain with connectors pointed at it.
// Requests go to the emulator in memory, whatever host they name.
type fixture struct {
	data *googleemu.Data
	emu  *googleemu.Server
	key  []byte
}

func newFixture(t testing.TB, gen googleemu.GenerateOptions, opts googleemu.Options) *fixture {
	t.Helper()
	data := googleemu.Generate(gen)
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

// addSpecials adds the files every known failure needs: an unexportable
// Doc, an abusive and an undownloadable file, a shortcut loop, a shortcut
// to a file another pass reads, and a folder an outside owner shared with
// the administrator, holding files and a subfolder. It returns the ids of
// the failing documents.
func addSpecials(d *googleemu.Data) (failing []string) {
	drive := d.Drives[0].ID
	t := time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC)
	add := func(f *googleemu.File) *googleemu.File {
		if f.Created.IsZero() {
			f.Created, f.Modified = t, t.Add(time.Hour)
		}
		d.Files = append(d.Files, f)
		return f
	}
	add(&googleemu.File{ID: "1BigDoc", Name: "Huge report", MimeType: googleemu.MimeDoc, DriveID: drive, Parent: drive, Text: "big", ExportTooLarge: true})
	add(&googleemu.File{ID: "1Malware", Name: "setup.txt", MimeType: "text/plain", DriveID: drive, Parent: drive, Content: []byte("x"), Abusive: true})
	add(&googleemu.File{ID: "1Locked", Name: "locked.txt", MimeType: "text/plain", Owner: d.Users[1].Email, Content: []byte("x"), NoDownload: true})
	add(&googleemu.File{ID: "1LoopA", Name: "loop a", MimeType: googleemu.MimeShortcut, DriveID: drive, Parent: drive, ShortcutTarget: "1LoopB"})
	add(&googleemu.File{ID: "1LoopB", Name: "loop b", MimeType: googleemu.MimeShortcut, DriveID: drive, Parent: drive, ShortcutTarget: "1LoopA"})
	add(&googleemu.File{ID: "1ToBig", Name: "to big", MimeType: googleemu.MimeShortcut, Owner: d.Users[2].Email, ShortcutTarget: "1BigDoc"})
	add(&googleemu.File{ID: "1ExtFolder", Name: "Partner share", MimeType: googleemu.MimeFolder, Owner: testOwner,
		Permissions: []googleemu.Permission{{ID: "px", Type: "user", Role: "reader", EmailAddress: d.Users[0].Email}}})
	add(&googleemu.File{ID: "1ExtSub", Name: "Partner sub", MimeType: googleemu.MimeFolder, Owner: testOwner, Parent: "1ExtFolder"})
	for i, parent := range []string{"1ExtFolder", "1ExtFolder", "1ExtSub"} {
		mt := t.Add(time.Duration(i+1) * 97 * time.Hour)
		add(&googleemu.File{ID: "1ExtFile" + string(rune('A'+i)), Name: "partner note " + string(rune('A'+i)) + ".md", MimeType: "text/markdown",
			Owner: testOwner, Parent: parent, Content: []byte("# Partner\n\nnote"), Created: t, Modified: mt})
	}
	return []string{fileID("1BigDoc"), fileID("1Malware"), fileID("1Locked"), fileID("1LoopA"), fileID("1LoopB")}
}

// expectedIDs lists the ids of the documents a load yields of d whose
// modification time lies in [start, end), leaving out failing.
func expectedIDs(d *googleemu.Data, failing []string, start, end time.Time) []string {
	var ids []string
	for _, f := range d.Files {
		if f.Deleted || f.Trashed || f.MimeType == googleemu.MimeFolder || f.MimeType == googleemu.MimeShortcut {
			continue
		}
		if f.Modified.Before(start) || !end.IsZero() && !f.Modified.Before(end) {
			continue
		}
		if id := fileID(f.ID); !slices.Contains(failing, id) {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

// modTimes returns every document's modification time, oldest first.
func modTimes(d *googleemu.Data) []time.Time {
	var ts []time.Time
	for _, f := range d.Files {
		if f.MimeType != googleemu.MimeFolder && !strings.HasPrefix(f.ID, "1Loop") {
			ts = append(ts, f.Modified)
		}
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	return ts
}

// collect ranges over the connector's checkpoint stream.
func collect(ctx context.Context, c *Connector, start, end time.Time, cp tributary.Checkpoint) connectortest.Collected {
	return connectortest.Collect(c.LoadFromCheckpoint(ctx, start, end, cp))
}
