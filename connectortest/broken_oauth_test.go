package connectortest

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// oauthMock is the mock source with an OAuth flow whose parts fix may
// break.
func oauthMock(t testing.TB, fix func(o *tributary.OAuth)) OAuthHarness {
	reg, err := tributary.Lookup(mock.Source)
	require.NoError(t, err)
	o := &tributary.OAuth{Provider: "Mock", Scopes: []string{"read", "write"},
		AuthURL: "https://mock.invalid/oauth/authorize", TokenURL: "https://mock.invalid/oauth/token",
		Credentials: func(tok tributary.OAuthToken) (json.RawMessage, error) {
			return json.Marshal(map[string]string{"token": tok.AccessToken.Reveal()})
		}}
	if fix != nil {
		fix(o)
	}
	reg.OAuth = o
	settings, err := json.Marshal(mock.Sample(3))
	require.NoError(t, err)
	return OAuthHarness{Registration: reg, Settings: func(string) json.RawMessage { return settings }}
}

func TestOAuthKit(t *testing.T) {
	TestOAuth(t, oauthMock(t, nil))
	TestOAuth(t, OAuthHarness{Registration: tributary.Registration{Source: "plain"}}) // skipped
}

func TestBrokenOAuthCaught(t *testing.T) {
	for _, tc := range []struct {
		name string
		fix  func(o *tributary.OAuth)
		want string
	}{
		{"credentials of redacted secrets", func(o *tributary.OAuth) {
			o.Credentials = func(tok tributary.OAuthToken) (json.RawMessage, error) {
				return json.Marshal(mock.Credentials{Token: tok.AccessToken})
			}
		}, "the credentials hold a redacted value"},
		{"credentials without the token", func(o *tributary.OAuth) {
			o.Credentials = func(tributary.OAuthToken) (json.RawMessage, error) { return json.RawMessage(`{"token":""}`), nil }
		}, "do not hold the granted access token"},
		{"endpoints that ignore the settings", func(o *tributary.OAuth) {
			o.Endpoints = func(json.RawMessage) (string, string, error) { return o.AuthURL, o.TokenURL, nil }
		}, "not to the server the settings name"},
		{"endpoint over plain http", func(o *tributary.OAuth) { o.TokenURL = "http://mock.invalid/oauth/token" },
			`OAuth.TokenURL "http://mock.invalid/oauth/token" is not an absolute https URL`},
		{"no provider name", func(o *tributary.OAuth) { o.Provider = "" }, "OAuth.Provider is empty"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h := oauthMock(t, tc.fix)
			r := &recorder{TB: t}
			done := make(chan struct{})
			go func() {
				defer close(done)
				checkOAuth(r, &h)
			}()
			<-done
			require.NotEmpty(t, r.errors(), "the OAuth check did not catch it")
			assert.Contains(t, r.errors(), tc.want)
		})
	}
}
