package gmail

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

func TestOAuthConformance(t *testing.T) {
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth, "the registration declares the consent of one user")
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: r,
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}

// The consent asks for gmail.readonly with offline access on a forced
// consent screen, and the credentials it makes keep the client and the
// token endpoint with the refresh token.
func TestOAuthConsentGivesRefreshingCredentials(t *testing.T) {
	srv := oauthemu.New("mail-app", "mail-app-secret", time.Hour)
	defer srv.Close()
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	o := *r.OAuth
	o.AuthURL, o.TokenURL = srv.URL()+oauthemu.AuthorizePath, srv.URL()+oauthemu.TokenPath
	r.OAuth = &o
	f, err := tributary.StartOAuth(r, nil, tributary.OAuthClient{ID: "mail-app", Secret: tributary.NewSecret("mail-app-secret"),
		RedirectURL: "http://127.0.0.1:9/callback"})
	require.NoError(t, err)
	u, err := url.Parse(f.AuthorizationURL())
	require.NoError(t, err)
	assert.Equal(t, "offline", u.Query().Get("access_type"))
	assert.Equal(t, "consent", u.Query().Get("prompt"))
	assert.Equal(t, ScopeGmailReadonly, u.Query().Get("scope"))

	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.AuthorizationURL())
	require.NoError(t, err)
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	raw, err := f.Exchange(t.Context(), srv.Client(), back.Query().Get("state"), back.Query().Get("code"))
	require.NoError(t, err)
	var creds Credentials
	require.NoError(t, json.Unmarshal(raw, &creds))
	assert.Equal(t, "oauth", creds.Mode())
	assert.Equal(t, "mail-app", creds.ClientID)
	assert.Equal(t, srv.URL()+oauthemu.TokenPath, creds.TokenURI)
	_, err = tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{}`), Credentials: raw})
	require.NoError(t, err)
}
