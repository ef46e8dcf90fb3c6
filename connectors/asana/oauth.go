package asana

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent flow of an Asana OAuth application, declared in the
// source's Registration: the user authorizes the application at
// https://app.asana.com/-/oauth_authorize, and the granted access token
// (valid an hour) becomes the credentials' access_token, with the refresh
// token and the application's client id and secret that renew it. Create
// the application in the developer console (My Settings > Apps > Developer
// apps > Create new app) with a redirect URL such as
// http://127.0.0.1:8080/callback. The scopes are read-only ones; an app
// granted the full "default" scope works too.
var OAuth = tributary.OAuth{
	Provider: "Asana",
	AuthURL:  "https://app.asana.com/-/oauth_authorize",
	TokenURL: DefaultTokenURL,
	Scopes: []string{"users:read", "workspaces:read", "teams:read", "projects:read", "tasks:read",
		"stories:read"},
	Credentials: oauthCredentials,
}

// oauthCredentials makes the credentials from a granted token: the access
// token alone, or with what renews it.
func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	if t.AccessToken.IsZero() {
		return nil, errors.New("asana granted no access token")
	}
	c := map[string]string{"access_token": t.AccessToken.Reveal()}
	if !t.RefreshToken.IsZero() {
		c["refresh_token"], c["client_id"], c["client_secret"] = t.RefreshToken.Reveal(), t.ClientID, t.ClientSecret.Reveal()
		if t.TokenURL != DefaultTokenURL {
			c["token_url"] = t.TokenURL
		}
		if !t.Expiry.IsZero() {
			c["expiry"] = t.Expiry.UTC().Format(time.RFC3339)
		}
	}
	return json.Marshal(c)
}
