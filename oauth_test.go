package tributary_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

func oauthRegistration(srv *oauthemu.Server) tributary.Registration {
	return tributary.Registration{Source: "notes", OAuth: &tributary.OAuth{
		Provider: "Notes", AuthURL: srv.URL() + oauthemu.AuthorizePath, TokenURL: srv.URL() + oauthemu.TokenPath,
		Scopes: []string{"repo"},
		Credentials: func(t tributary.OAuthToken) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"token": t.AccessToken.Reveal(), "refresh_token": t.RefreshToken.Reveal()})
		},
	}}
}

func startFlow(t *testing.T, srv *oauthemu.Server) *tributary.OAuthFlow {
	t.Helper()
	f, err := tributary.StartOAuth(oauthRegistration(srv), nil, tributary.OAuthClient{
		ID: "app", Secret: tributary.NewSecret("app-secret"), RedirectURL: "http://127.0.0.1:1/callback"})
	require.NoError(t, err)
	return f
}

// consent opens the flow's URL as a user who consents and returns the
// state and code the provider sends back.
func consent(t *testing.T, srv *oauthemu.Server, f *tributary.OAuthFlow) (state, code string) {
	t.Helper()
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.AuthorizationURL())
	require.NoError(t, err)
	resp.Body.Close()
	require.Equal(t, http.StatusFound, resp.StatusCode)
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	require.Empty(t, back.Query().Get("error"))
	return back.Query().Get("state"), back.Query().Get("code")
}

func TestOAuthFlow(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", 0)
	defer srv.Close()
	f := startFlow(t, srv)
	u, err := url.Parse(f.AuthorizationURL())
	require.NoError(t, err)
	assert.Equal(t, "S256", u.Query().Get("code_challenge_method"))
	assert.Equal(t, "repo", u.Query().Get("scope"))

	state, code := consent(t, srv, f)
	creds, err := f.Exchange(t.Context(), srv.Client(), state, code)
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, json.Unmarshal(creds, &got))
	assert.True(t, srv.ValidAccess(got["token"]), "the credentials hold the granted token")
}

func TestOAuthFlowRefusals(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", 0)
	defer srv.Close()

	t.Run("tampered state", func(t *testing.T) {
		f := startFlow(t, srv)
		_, code := consent(t, srv, f)
		_, err := f.Exchange(t.Context(), srv.Client(), "forged", code)
		require.ErrorIs(t, err, tributary.ErrOAuthState)
		require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	})
	t.Run("replayed code", func(t *testing.T) {
		f := startFlow(t, srv)
		state, code := consent(t, srv, f)
		_, err := f.Exchange(t.Context(), srv.Client(), state, code)
		require.NoError(t, err)
		_, err = f.Exchange(t.Context(), srv.Client(), state, code)
		require.ErrorIs(t, err, tributary.ErrOAuthState, "the flow refuses a second exchange")
		g := startFlow(t, srv) // the server refuses it too
		_, err = g.Exchange(t.Context(), srv.Client(), stateOf(t, g), code)
		require.ErrorIs(t, err, tributary.ErrCredentialExpired)
		require.NotErrorIs(t, err, tributary.ErrOAuthState)
	})
	t.Run("foreign verifier", func(t *testing.T) {
		a, b := startFlow(t, srv), startFlow(t, srv)
		_, code := consent(t, srv, a)
		_, err := b.Exchange(t.Context(), srv.Client(), stateOf(t, b), code)
		require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	})
	t.Run("no flow declared", func(t *testing.T) {
		_, err := tributary.StartOAuth(tributary.Registration{Source: "plain"}, nil, tributary.OAuthClient{})
		require.ErrorIs(t, err, tributary.ErrNotSupported)
	})
	t.Run("no client", func(t *testing.T) {
		_, err := tributary.StartOAuth(oauthRegistration(srv), nil, tributary.OAuthClient{})
		require.ErrorIs(t, err, tributary.ErrInvalidConfig)
		assert.ErrorContains(t, err, "client_secret")
	})
}

// stateOf reads the state the flow put in its authorization URL.
func stateOf(t *testing.T, f *tributary.OAuthFlow) string {
	t.Helper()
	u, err := url.Parse(f.AuthorizationURL())
	require.NoError(t, err)
	return u.Query().Get("state")
}

// A provider's own authorization parameters reach the URL, and the token
// the credentials are built from names the client and the endpoint that
// granted it, so that credentials can refresh it themselves.
func TestOAuthAuthParamsAndClient(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", time.Hour) // tokens that expire come with a refresh token
	defer srv.Close()
	reg := oauthRegistration(srv)
	reg.OAuth.AuthParams = map[string]string{"access_type": "offline", "prompt": "consent"}
	var got tributary.OAuthToken
	reg.OAuth.Credentials = func(t tributary.OAuthToken) (json.RawMessage, error) {
		got = t
		return json.Marshal(map[string]string{"token": t.AccessToken.Reveal()})
	}
	f, err := tributary.StartOAuth(reg, nil, tributary.OAuthClient{
		ID: "app", Secret: tributary.NewSecret("app-secret"), RedirectURL: "http://127.0.0.1:1/callback"})
	require.NoError(t, err)
	u, err := url.Parse(f.AuthorizationURL())
	require.NoError(t, err)
	assert.Equal(t, "offline", u.Query().Get("access_type"))
	assert.Equal(t, "consent", u.Query().Get("prompt"))
	assert.Equal(t, "S256", u.Query().Get("code_challenge_method"), "the flow's own parameters stay")

	state, code := consent(t, srv, f)
	_, err = f.Exchange(t.Context(), srv.Client(), state, code)
	require.NoError(t, err)
	assert.Equal(t, "app", got.ClientID)
	assert.Equal(t, "app-secret", got.ClientSecret.Reveal())
	assert.Equal(t, srv.URL()+oauthemu.TokenPath, got.TokenURL)
	assert.False(t, got.RefreshToken.IsZero(), "the server grants a refresh token")

	t.Run("a parameter of the flow's own is refused", func(t *testing.T) {
		reg := oauthRegistration(srv)
		reg.OAuth.AuthParams = map[string]string{"state": "fixed"}
		_, err := tributary.StartOAuth(reg, nil, tributary.OAuthClient{
			ID: "app", Secret: tributary.NewSecret("app-secret"), RedirectURL: "http://127.0.0.1:1/callback"})
		require.ErrorIs(t, err, tributary.ErrInvalidConfig)
		assert.ErrorContains(t, err, `"state"`)
	})
}
