package httpx_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// oauthServer is a token endpoint that rotates refresh tokens and an API
// that accepts only the latest access token. Events are logged in order.
type oauthServer struct {
	mu      sync.Mutex
	refresh string // the refresh token currently valid
	access  string
	n       int // token requests
	log     []string
	delay   time.Duration
	rotate  bool
}

func (s *oauthServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/token" {
		s.token(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.Header.Get("Authorization") != "Bearer "+s.access || s.access == "" {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	s.log = append(s.log, "api "+s.access)
	fmt.Fprint(w, `{}`)
}

func (s *oauthServer) token(w http.ResponseWriter, r *http.Request) {
	time.Sleep(s.delay) // a slow endpoint lets concurrent callers pile up
	s.mu.Lock()
	defer s.mu.Unlock()
	s.n++
	w.Header().Set("Content-Type", "application/json")
	switch r.FormValue("grant_type") {
	case "client_credentials":
		if id, secret, _ := r.BasicAuth(); id != "cid" || secret != "csecret" {
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, `{"error":"invalid_client"}`)
			return
		}
	case "refresh_token":
		if r.FormValue("refresh_token") != s.refresh {
			w.WriteHeader(http.StatusBadRequest)
			fmt.Fprint(w, `{"error":"invalid_grant","error_description":"refresh token revoked"}`)
			return
		}
	}
	s.access = fmt.Sprintf("access-%d", s.n)
	extra := ""
	if s.rotate {
		s.refresh = fmt.Sprintf("refresh-%d", s.n)
		extra = fmt.Sprintf(`,"refresh_token":%q`, s.refresh)
	}
	s.log = append(s.log, "issued "+s.access)
	fmt.Fprintf(w, `{"access_token":%q,"token_type":"bearer","expires_in":3600%s}`, s.access, extra)
}

func refreshConfig() *oauth2.Config {
	return &oauth2.Config{ClientID: "cid", ClientSecret: "csecret",
		Endpoint: oauth2.Endpoint{TokenURL: "https://auth.test/token", AuthStyle: oauth2.AuthStyleInHeader}}
}

func TestRotatedRefreshTokenPersistedBeforeUseAndRefreshedOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{refresh: "refresh-0", rotate: true, delay: time.Second}
		var saved []string
		persist := func(ctx context.Context, tok *oauth2.Token) error {
			srv.mu.Lock()
			defer srv.mu.Unlock()
			srv.log = append(srv.log, "persisted "+tok.RefreshToken)
			saved = append(saved, tok.RefreshToken)
			return nil
		}
		auth := httpx.RefreshToken(refreshConfig(), &oauth2.Token{RefreshToken: "refresh-0"}, persist)
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: auth})
		require.NoError(t, err)
		var wg sync.WaitGroup
		for range 8 {
			wg.Go(func() { assert.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil)) })
		}
		wg.Wait()
		assert.Equal(t, 1, srv.n, "concurrent callers refresh once")
		assert.Equal(t, []string{"refresh-1"}, saved)
		require.GreaterOrEqual(t, len(srv.log), 3)
		assert.Equal(t, []string{"issued access-1", "persisted refresh-1", "api access-1"}, srv.log[:3])

		// When the access token expires the rotated refresh token is used.
		time.Sleep(2 * time.Hour)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		assert.Equal(t, 2, srv.n)
		assert.Equal(t, []string{"refresh-1", "refresh-2"}, saved)
	})
}

func TestRotatedTokenNotUsedWhenPersistFails(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{refresh: "refresh-0", rotate: true}
		persist := func(context.Context, *oauth2.Token) error { return errors.New("disk full") }
		auth := httpx.RefreshToken(refreshConfig(), &oauth2.Token{RefreshToken: "refresh-0"}, persist)
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: auth})
		require.NoError(t, err)
		err = c.GetJSON(t.Context(), "https://api.test/x", nil)
		require.Error(t, err)
		assert.Contains(t, err.Error(), "disk full")
		assert.NotContains(t, srv.log, "api access-1")
	})
}

func TestInvalidGrantIsCredentialExpired(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{refresh: "refresh-other"}
		auth := httpx.RefreshToken(refreshConfig(), &oauth2.Token{RefreshToken: "refresh-revoked-1234"}, nil)
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: auth})
		require.NoError(t, err)
		err = c.GetJSON(t.Context(), "https://api.test/x", nil)
		assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
		assert.Equal(t, 1, srv.n, "a rejected grant is not retried")
		assert.NotContains(t, err.Error(), "refresh-revoked-1234")
		assert.NotContains(t, err.Error(), "csecret")
	})
}

func TestClientCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{}
		cfg := &clientcredentials.Config{ClientID: "cid", ClientSecret: "csecret", TokenURL: "https://auth.test/token",
			AuthStyle: oauth2.AuthStyleInHeader}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: httpx.ClientCredentials(cfg)})
		require.NoError(t, err)
		for range 3 {
			require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		}
		assert.Equal(t, 1, srv.n)

		cfg.ClientSecret = "wrong-secret"
		c, err = httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: httpx.ClientCredentials(cfg)})
		require.NoError(t, err)
		err = c.GetJSON(t.Context(), "https://api.test/x", nil)
		assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
		assert.NotContains(t, err.Error(), "wrong-secret")
	})
}

func TestRevokedAccessTokenRefreshedOnNextRequest(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{}
		cfg := &clientcredentials.Config{ClientID: "cid", ClientSecret: "csecret", TokenURL: "https://auth.test/token",
			AuthStyle: oauth2.AuthStyleInHeader}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: httpx.ClientCredentials(cfg)})
		require.NoError(t, err)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		srv.mu.Lock()
		srv.access = "revoked"
		srv.mu.Unlock()
		assert.ErrorIs(t, c.GetJSON(t.Context(), "https://api.test/x", nil), tributary.ErrCredentialExpired)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		assert.Equal(t, 2, srv.n)
	})
}

func TestSaveTo(t *testing.T) {
	var saved string
	env := tributary.Env{SaveCredentials: func(_ context.Context, b json.RawMessage) error { saved = string(b); return nil }}
	persist := httpx.SaveTo(env, func(tok *oauth2.Token) any {
		return map[string]string{"client_id": "cid", "refresh_token": tok.RefreshToken}
	})
	require.NoError(t, persist(t.Context(), &oauth2.Token{RefreshToken: "r2"}))
	assert.JSONEq(t, `{"client_id":"cid","refresh_token":"r2"}`, saved)

	bad := httpx.SaveTo(env, func(tok *oauth2.Token) any {
		return struct{ Refresh tributary.Secret }{tributary.NewSecret(tok.RefreshToken)}
	})
	assert.Error(t, bad(t.Context(), &oauth2.Token{RefreshToken: "r3"}), "a redacted secret is never saved")
	assert.JSONEq(t, `{"client_id":"cid","refresh_token":"r2"}`, saved)

	assert.NoError(t, httpx.SaveTo(tributary.Env{}, func(*oauth2.Token) any { return nil })(t.Context(), &oauth2.Token{}))
}

func TestTokenEndpointGuarded(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{}
		cfg := &clientcredentials.Config{ClientID: "cid", ClientSecret: "csecret", TokenURL: "http://169.254.169.254/token"}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: httpx.ClientCredentials(cfg)})
		require.NoError(t, err)
		err = c.GetJSON(t.Context(), "https://api.test/x", nil)
		assert.ErrorIs(t, err, httpx.ErrForbiddenAddress)
		assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
		assert.Zero(t, srv.n)
	})
}

// Rejected is for APIs that refuse a token in the body of a 200 answer:
// the OAuth2 access token the request carried is forgotten and the next
// request fetches another; an Auth that cannot renew reports false.
func TestRejectedRenewsOAuth2Only(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &oauthServer{}
		cfg := &clientcredentials.Config{ClientID: "cid", ClientSecret: "csecret", TokenURL: "https://auth.test/token",
			AuthStyle: oauth2.AuthStyleInHeader}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: httpx.ClientCredentials(cfg)})
		require.NoError(t, err)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://api.test/x", nil)
		resp, err := c.StandardClient().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, "Bearer access-1", resp.Request.Header.Get("Authorization"), "the answer's request carries the credentials sent")

		stale := resp.Request.Clone(t.Context())
		assert.True(t, c.Rejected(resp.Request))
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		assert.Equal(t, 2, srv.n, "the next request fetched a new token")
		assert.True(t, c.Rejected(stale))
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		assert.Equal(t, 2, srv.n, "a token rejected after it was replaced is not renewed again")

		static, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv}), Auth: httpx.Bearer(tributary.NewSecret("fixed"))})
		require.NoError(t, err)
		assert.False(t, static.Rejected(resp.Request))
	})
}
