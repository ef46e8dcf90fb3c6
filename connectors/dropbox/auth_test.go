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
