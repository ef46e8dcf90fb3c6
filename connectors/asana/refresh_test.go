package asana

import (
	"context"
	"encoding/json"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/asanaemu"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

// An OAuth grant with a refresh token renews its access token (Asana's
// last an hour) and saves the new one; a revoked grant fails with
// ErrCredentialExpired. The emulator and the authorization server listen
// on loopback, as the token endpoint is reached over the network.
func TestRefreshTokenKeepsAccessCurrent(t *testing.T) {
	auth := oauthemu.New("asana-app", "asana-secret", time.Hour)
	defer auth.Close()
	data := asanaemu.Generate(smallGen)
	emu := asanaemu.New(data, asanaemu.Options{})
	defer emu.Close()
	emu.TrustOAuth(auth.ValidAccess, asanaemu.MeGID)
	api := emu.Start() + asanaemu.BasePath
	_, refresh := auth.Grant()

	var mu sync.Mutex
	var saved []json.RawMessage
	env := tributary.Env{AllowPrivateNetwork: true, SaveCredentials: func(_ context.Context, b json.RawMessage) error {
		mu.Lock()
		defer mu.Unlock()
		saved = append(saved, b)
		return nil
	}}
	s := Settings{}
	s.SetDefaults()
	s.BaseURL = api
	s.RequestsPerMinute = maxRequestsPerMinute // real time: no synctest over loopback
	creds := Credentials{AccessToken: tributary.NewSecret("stale"), RefreshToken: tributary.NewSecret(refresh),
		ClientID: "asana-app", ClientSecret: tributary.NewSecret("asana-secret"), TokenURL: auth.URL() + "/oauth/token"}
	c, err := New(s, creds, env)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	assert.Equal(t, 1, auth.Refreshes(), "an access token of unknown age is renewed at once")
	mu.Lock()
	require.Len(t, saved, 1)
	var got map[string]string
	require.NoError(t, json.Unmarshal(saved[0], &got))
	mu.Unlock()
	assert.True(t, auth.ValidAccess(got["access_token"]))
	assert.NotEmpty(t, got["expiry"])

	// The saved credentials open a connector that uses the access token
	// until it expires.
	var again Credentials
	require.NoError(t, json.Unmarshal(saved[0], &again))
	c, err = New(s, again, env)
	require.NoError(t, err)
	docs := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, docs.Err)
	assert.NotEmpty(t, docs.Documents)
	assert.Equal(t, 1, auth.Refreshes())

	// A revoked grant cannot be renewed: ErrCredentialExpired, with no
	// secret in the message.
	auth.Revoke(got["access_token"])
	auth.Revoke(got["refresh_token"])
	err = c.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), got["refresh_token"])
	assert.NotContains(t, err.Error(), "asana-secret")
}
