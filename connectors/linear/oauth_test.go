package linear_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/linear"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

func TestOAuthConformance(t *testing.T) {
	r, err := tributary.Lookup(linear.Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth, "the registration declares the OAuth application flow")
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: r,
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}

// A grant with a refresh token becomes credentials that renew themselves:
// the refresh token, the application's client id and secret, the expiry
// and the endpoint that granted it.
func TestOAuthGrantRenews(t *testing.T) {
	srv := oauthemu.New("lin-app", "lin-secret", 24*time.Hour)
	defer srv.Close()
	r, err := tributary.Lookup(linear.Source)
	require.NoError(t, err)
	o := *r.OAuth
	o.AuthURL, o.TokenURL = srv.URL()+oauthemu.AuthorizePath, srv.URL()+oauthemu.TokenPath
	r.OAuth = &o
	f, err := tributary.StartOAuth(r, nil, tributary.OAuthClient{ID: "lin-app", Secret: tributary.NewSecret("lin-secret"), RedirectURL: "http://127.0.0.1:9/callback"})
	require.NoError(t, err)
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.AuthorizationURL())
	require.NoError(t, err)
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	raw, err := f.Exchange(t.Context(), srv.Client(), back.Query().Get("state"), back.Query().Get("code"))
	require.NoError(t, err)
	var creds linear.Credentials
	require.NoError(t, json.Unmarshal(raw, &creds))
	require.False(t, creds.RefreshToken.IsZero())
	require.Equal(t, "lin-app", creds.ClientID)
	require.Equal(t, "lin-secret", creds.ClientSecret.Reveal())
	require.Equal(t, srv.URL()+oauthemu.TokenPath, creds.TokenURL)
	require.WithinDuration(t, time.Now().Add(24*time.Hour), creds.Expiry, time.Minute)
}
