package notion

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

func TestRegistration(t *testing.T) {
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	assert.Equal(t, tributary.CategoryWiki, r.Category)
	assert.True(t, r.Capabilities.Checkpoint)
	assert.True(t, r.Capabilities.Slim)

	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
		Required   []string                  `json:"required"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["token"]["x-secret"])
	assert.Equal(t, []string{"token"}, creds.Required)
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"page_sise": 10}`),
		Credentials: json.RawMessage(`{"token": "ntn_secret_value_123"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "ntn_secret_value_123")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{}`),
		Credentials: json.RawMessage(`{"token": "ntn_secret_value_123"}`),
	})
	require.NoError(t, err)
	nc := c.(*Connector)
	assert.Equal(t, DefaultBaseURL, nc.settings.BaseURL)
	assert.True(t, nc.settings.IncludeDatabases)
	assert.Equal(t, 100, nc.settings.PageSize)
	assert.Equal(t, 16, nc.settings.MaxDepth)
	assert.InDelta(t, 3, nc.settings.RequestsPerSecond, 0)
	assert.Equal(t, "https://api.notion.com/v1", nc.client.api)
}

func mustLookup(t *testing.T) tributary.Registration {
	t.Helper()
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth, "the registration declares the public integration's OAuth flow")
	return r
}

// The authorization URL asks Notion for a user's consent (owner=user),
// with no scopes: Notion has none.
func TestOAuthAuthorizationURL(t *testing.T) {
	client := tributary.OAuthClient{ID: "notion-app", Secret: tributary.NewSecret("notion-secret"), RedirectURL: "http://127.0.0.1:9/callback"}
	f, err := tributary.StartOAuth(mustLookup(t), nil, client)
	require.NoError(t, err)
	u, err := url.Parse(f.AuthorizationURL())
	require.NoError(t, err)
	assert.Equal(t, "https://api.notion.com/v1/oauth/authorize", u.Scheme+"://"+u.Host+u.Path)
	assert.Equal(t, "user", u.Query().Get("owner"))
	assert.Equal(t, "code", u.Query().Get("response_type"))
	assert.Empty(t, u.Query().Get("scope"))
}

// The granted token becomes credentials the connector opens with.
func TestOAuthFlowGivesCredentials(t *testing.T) {
	srv := oauthemu.New("notion-app", "notion-secret", 0)
	defer srv.Close()
	r := mustLookup(t)
	o := *r.OAuth
	o.AuthURL, o.TokenURL = srv.URL()+oauthemu.AuthorizePath, srv.URL()+oauthemu.TokenPath
	r.OAuth = &o
	f, err := tributary.StartOAuth(r, nil, tributary.OAuthClient{ID: "notion-app", Secret: tributary.NewSecret("notion-secret"),
		RedirectURL: "http://127.0.0.1:9/callback"})
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
	_, err = tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{}`), Credentials: creds})
	require.NoError(t, err)
}

func TestOAuthConformance(t *testing.T) {
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: mustLookup(t),
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}
