package github_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/github"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

func TestOAuthEndpoints(t *testing.T) {
	for _, tc := range []struct{ settings, auth, token string }{
		{``, "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token"},
		{`{"base_url":"https://api.github.com/"}`, "https://github.com/login/oauth/authorize", "https://github.com/login/oauth/access_token"},
		{`{"base_url":"https://ghe.example.com/api/v3"}`, "https://ghe.example.com/login/oauth/authorize", "https://ghe.example.com/login/oauth/access_token"},
	} {
		f, err := tributary.StartOAuth(mustLookup(t), json.RawMessage(tc.settings), client())
		require.NoError(t, err, tc.settings)
		u, err := url.Parse(f.AuthorizationURL())
		require.NoError(t, err)
		assert.Equal(t, tc.auth, u.Scheme+"://"+u.Host+u.Path)
		assert.Equal(t, "repo read:org", u.Query().Get("scope"))
	}
	for _, bad := range []string{`{"base_url":"ftp://x"}`, `{"base_url":"https://ghe.example.com/other"}`, `{"base_url":1}`} {
		_, err := tributary.StartOAuth(mustLookup(t), json.RawMessage(bad), client())
		require.ErrorIs(t, err, tributary.ErrInvalidConfig, bad)
	}
}

// The flow against an Enterprise host (the emulator stands for it) gives
// credentials the connector opens with.
func TestOAuthFlowGivesCredentials(t *testing.T) {
	srv := oauthemu.New("gh-app", "gh-secret", 0)
	defer srv.Close()
	settings := json.RawMessage(`{"base_url":"` + srv.URL() + `/api/v3","repositories":["octo/hello"]}`)
	f, err := tributary.StartOAuth(mustLookup(t), settings, client())
	require.NoError(t, err)
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.AuthorizationURL())
	require.NoError(t, err)
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	creds, err := f.Exchange(t.Context(), srv.Client(), back.Query().Get("state"), back.Query().Get("code"))
	require.NoError(t, err)
	var got struct{ Token string }
	require.NoError(t, json.Unmarshal(creds, &got))
	assert.True(t, srv.ValidAccess(got.Token))
	_, err = tributary.New(github.Source, tributary.Params{Settings: settings, Credentials: creds})
	require.NoError(t, err)
}

func mustLookup(t *testing.T) tributary.Registration {
	t.Helper()
	r, err := tributary.Lookup(github.Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth, "the registration declares the OAuth app flow")
	return r
}

func client() tributary.OAuthClient {
	return tributary.OAuthClient{ID: "gh-app", Secret: tributary.NewSecret("gh-secret"), RedirectURL: "http://127.0.0.1:9/callback"}
}

func TestOAuthConformance(t *testing.T) {
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: mustLookup(t),
		Settings: func(serverURL string) json.RawMessage {
			return json.RawMessage(`{"base_url":"` + serverURL + `/api/v3","repositories":["octo/hello"]}`)
		},
	})
}
