package dropbox

import (
	"context"
	"errors"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

// TestRefreshToken: credentials with a refresh token and the app's key
// and secret get an access token from the token endpoint.
func TestRefreshToken(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 1, FilesPerFolder: 1}, dropboxemu.Options{}, false)
	f.emu.AddRefreshToken("rt-abc123", "appkey", "appsecret")
	cr := Credentials{RefreshToken: tributary.NewSecret("rt-abc123"), ClientID: "appkey", ClientSecret: tributary.NewSecret("appsecret"),
		TokenURL: "https://api.dropboxapi.com/oauth2/token"}
	c := f.connector(t, f.settings(), cr, f.env())
	if err := c.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.emu.Refreshes() != 1 {
		t.Errorf("%d refreshes", f.emu.Refreshes())
	}
}

// TestMissingScope: Dropbox's 401 missing_scope is missing permissions,
// not rejected credentials.
func TestMissingScope(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 1, FilesPerFolder: 1}, dropboxemu.Options{}, false)
	f.emu.AddToken("sl.noscope1", dropboxemu.ScopeAccountInfoRead)
	c := f.connector(t, Settings{Path: "/Folder 0"}, Credentials{AccessToken: tributary.NewSecret("sl.noscope1")}, f.env())
	err := c.Validate(context.Background())
	if !errors.Is(err, tributary.ErrInsufficientPermissions) || errors.Is(err, tributary.ErrCredentialExpired) {
		t.Fatalf("got %v", err)
	}
}

// The probe names the permission an app lacks, per capability.
func TestProbeNamesMissingPermissions(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 1, FilesPerFolder: 2}, dropboxemu.Options{}, false)
	res := tributary.Probe(context.Background(), f.connector(t, f.settings(), Credentials{}, f.env()))
	if len(res) != 2 || res[0].Status != tributary.ProbePassed || res[1].Status != tributary.ProbePassed {
		t.Fatalf("full permissions: %v", res)
	}
	for _, tc := range []struct {
		scopes []string
		want   []tributary.ProbeStatus
		miss   string
	}{
		{[]string{dropboxemu.ScopeAccountInfoRead, dropboxemu.ScopeFilesMetadataRead}, []tributary.ProbeStatus{tributary.ProbePassed, tributary.ProbeFailed}, "sharing.read"},
		{[]string{dropboxemu.ScopeAccountInfoRead}, []tributary.ProbeStatus{tributary.ProbeFailed, tributary.ProbeIndeterminate}, "files.metadata.read"},
	} {
		tok := "sl.probe-" + tc.miss
		f.emu.AddToken(tok, tc.scopes...)
		res := tributary.Probe(context.Background(), f.connector(t, f.settings(), Credentials{AccessToken: tributary.NewSecret(tok)}, f.env()))
		if len(res) != 2 || res[0].Status != tc.want[0] || res[1].Status != tc.want[1] {
			t.Fatalf("scopes %v: %v", tc.scopes, res)
		}
		failed := res[0]
		if res[1].Status == tributary.ProbeFailed {
			failed = res[1]
		}
		if len(failed.Missing) != 1 || failed.Missing[0] != tc.miss || !errors.Is(failed.Err, tributary.ErrInsufficientPermissions) {
			t.Fatalf("scopes %v: %v missing %v (%v)", tc.scopes, failed, failed.Missing, failed.Err)
		}
	}
}
