package linear

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/linearemu"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

// An OAuth grant with a refresh token renews its access token (Linear's
// last a day) and saves the rotated refresh token; a revoked grant fails
// with ErrCredentialExpired. The emulator and the authorization server
// listen on loopback, as the token endpoint is reached over the network.
func TestRefreshTokenKeepsAccessCurrent(t *testing.T) {
	auth := oauthemu.New("lin-app", "lin-secret", time.Hour)
	defer auth.Close()
	data := linearemu.Generate(smallGen)
	emu := linearemu.New(data, linearemu.Options{})
	defer emu.Close()
	emu.TrustOAuth(auth.ValidAccess, data.Users[0], "read")
	api := emu.Start() + linearemu.Path
	_, refresh := auth.Grant()

	var mu sync.Mutex
	var saved []json.RawMessage
	env := tributary.Env{AllowPrivateNetwork: true, SaveCredentials: func(_ context.Context, b json.RawMessage) error {
		mu.Lock()
		saved = append(saved, b)
		mu.Unlock()
		return nil
	}}
	s := testSettings()
	s.APIURL = api
	creds := Credentials{AccessToken: tributary.NewSecret("lin_oauth_stale"), RefreshToken: tributary.NewSecret(refresh),
		ClientID: "lin-app", ClientSecret: tributary.NewSecret("lin-secret"), TokenURL: auth.URL() + "/oauth/token"}
	c, err := New(s, creds, env)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	assert.Equal(t, 1, auth.Refreshes(), "an access token of unknown age is renewed at once")
	require.Len(t, saved, 1)
	var got map[string]string
	require.NoError(t, json.Unmarshal(saved[0], &got))
	assert.NotEqual(t, refresh, got["refresh_token"], "the rotated refresh token is saved")
	assert.True(t, auth.ValidAccess(got["access_token"]))
	assert.NotEmpty(t, got["expiry"])

	// The saved credentials open a connector that uses the access token
	// until it expires.
	var again Credentials
	require.NoError(t, json.Unmarshal(saved[0], &again))
	c, err = New(s, again, env)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	assert.Equal(t, 1, auth.Refreshes())

	// An access token revoked before its expiry (Linear answers
	// AUTHENTICATION_ERROR under 400) is renewed once with the refresh
	// token, and the request asked again.
	auth.Revoke(got["access_token"])
	require.NoError(t, c.Validate(t.Context()))
	assert.Equal(t, 2, auth.Refreshes(), "the refused access token is renewed")
	mu.Lock()
	require.Len(t, saved, 2)
	require.NoError(t, json.Unmarshal(saved[1], &got))
	mu.Unlock()

	// A revoked grant (the user disconnected the app) cannot be renewed:
	// ErrCredentialExpired, with no secret in the message.
	auth.Revoke(got["access_token"])
	auth.Revoke(got["refresh_token"])
	err = c.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), got["access_token"])
	assert.NotContains(t, err.Error(), got["refresh_token"])
	assert.Equal(t, 2, auth.Refreshes())
}

// An API key Linear refuses is not asked with again: only OAuth access
// tokens can be renewed.
func TestRefusedAPIKeyIsNotRetried(t *testing.T) {
	data := linearemu.Generate(smallGen)
	emu := linearemu.New(data, linearemu.Options{})
	defer emu.Close()
	api := emu.Start() + linearemu.Path
	s := testSettings()
	s.APIURL = api
	c, err := New(s, Credentials{APIKey: tributary.NewSecret("lin_api_unknown")}, tributary.Env{AllowPrivateNetwork: true})
	require.NoError(t, err)
	before := len(emu.Requests())
	require.ErrorIs(t, c.Validate(t.Context()), tributary.ErrCredentialExpired)
	assert.Equal(t, 1, len(emu.Requests())-before)
}

func TestCredentialsValidate(t *testing.T) {
	for name, c := range map[string]Credentials{
		"nothing":              {},
		"key and token":        {APIKey: tributary.NewSecret("k"), AccessToken: tributary.NewSecret("t")},
		"bearer key":           {APIKey: tributary.NewSecret("Bearer k")},
		"refresh alone":        {RefreshToken: tributary.NewSecret("r")},
		"client without grant": {ClientID: "id", AccessToken: tributary.NewSecret("t")},
		"refresh and key":      {RefreshToken: tributary.NewSecret("r"), ClientID: "id", ClientSecret: tributary.NewSecret("s"), APIKey: tributary.NewSecret("k")},
		"bad token url":        {RefreshToken: tributary.NewSecret("r"), ClientID: "id", ClientSecret: tributary.NewSecret("s"), TokenURL: "ftp://x"},
	} {
		assert.Error(t, c.Validate(), name)
	}
	ok := Credentials{RefreshToken: tributary.NewSecret("r"), ClientID: "id", ClientSecret: tributary.NewSecret("s")}
	assert.NoError(t, ok.Validate())
}
