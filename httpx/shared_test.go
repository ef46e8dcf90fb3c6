package httpx_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

type sharedCreds struct {
	Access  string    `json:"access_token"`
	Refresh string    `json:"refresh_token"`
	Expiry  time.Time `json:"expiry"`
}

var sharedCodec = httpx.TokenCodec{
	Token: func(b json.RawMessage) (*oauth2.Token, error) {
		var c sharedCreds
		err := json.Unmarshal(b, &c)
		return &oauth2.Token{AccessToken: c.Access, RefreshToken: c.Refresh, Expiry: c.Expiry}, err
	},
	Credentials: func(_ json.RawMessage, t *oauth2.Token) (json.RawMessage, error) {
		return json.Marshal(sharedCreds{t.AccessToken, t.RefreshToken, t.Expiry})
	},
}

// sharedSetup starts an authorization server, an API that accepts the
// access tokens it issued, and a provider holding a first token.
func sharedSetup(t *testing.T) (*oauthemu.Server, string, *tributary.MemoryCredentials, *oauth2.Config) {
	srv := oauthemu.New("app", "app-secret", time.Hour)
	t.Cleanup(srv.Close)
	api := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !srv.ValidAccess(strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		fmt.Fprint(w, `{}`)
	}))
	t.Cleanup(api.Close)
	access, refresh := srv.Grant()
	first, err := json.Marshal(sharedCreds{access, refresh, time.Now().Add(time.Hour)})
	require.NoError(t, err)
	cfg := &oauth2.Config{ClientID: "app", ClientSecret: "app-secret", Endpoint: oauth2.Endpoint{TokenURL: srv.URL() + oauthemu.TokenPath}}
	return srv, api.URL, tributary.NewMemoryCredentials(first), cfg
}

func sharedClient(t *testing.T, cfg *oauth2.Config, p tributary.CredentialsProvider) *httpx.Client {
	c, err := httpx.New(httpx.Options{Env: tributary.Env{AllowPrivateNetwork: true}, Auth: httpx.SharedRefreshToken(cfg, p, sharedCodec),
		Retry: httpx.RetryPolicy{MaxAttempts: 1}})
	require.NoError(t, err)
	return c
}

// Workers with an Auth each over one provider refresh a revoked access
// token once per rotation, and all go on with the new one.
func TestSharedRefreshTokenRefreshesOncePerRotation(t *testing.T) {
	srv, api, p, cfg := sharedSetup(t)
	workers := make([]*httpx.Client, 6)
	for i := range workers {
		workers[i] = sharedClient(t, cfg, p)
		require.NoError(t, workers[i].GetJSON(t.Context(), api, nil))
	}
	for round := 1; round <= 3; round++ {
		cur, err := p.Credentials(t.Context())
		require.NoError(t, err)
		tok, err := sharedCodec.Token(cur)
		require.NoError(t, err)
		srv.Revoke(tok.AccessToken)
		for _, w := range workers { // each finds the token rejected
			require.ErrorIs(t, w.GetJSON(t.Context(), api, nil), tributary.ErrCredentialExpired)
		}
		var wg sync.WaitGroup
		for _, w := range workers {
			wg.Go(func() { assert.NoError(t, w.GetJSON(t.Context(), api, nil)) })
		}
		wg.Wait()
		assert.Equal(t, round, srv.Refreshes(), "one refresh request per rotation")
	}
}

func TestSharedRefreshTokenRevokedIsCredentialExpired(t *testing.T) {
	srv, api, p, cfg := sharedSetup(t)
	cur, err := p.Credentials(t.Context())
	require.NoError(t, err)
	tok, err := sharedCodec.Token(cur)
	require.NoError(t, err)
	srv.Revoke(tok.AccessToken)
	srv.Revoke(tok.RefreshToken)
	c := sharedClient(t, cfg, p)
	require.ErrorIs(t, c.GetJSON(t.Context(), api, nil), tributary.ErrCredentialExpired)
	err = c.GetJSON(t.Context(), api, nil) // now the refresh is refused
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.Contains(t, err.Error(), "invalid_grant")
	after, err := p.Credentials(context.Background())
	require.NoError(t, err)
	assert.JSONEq(t, string(cur), string(after), "nothing is stored")
}
