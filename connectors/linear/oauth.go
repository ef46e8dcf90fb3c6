package linear

import (
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent flow of a Linear OAuth application, declared in the
// source's Registration: the user authorizes the application at
// https://linear.app/oauth/authorize for the read scope, and the granted
// access token becomes the credentials' access_token. Create the
// application at Settings > API > OAuth applications with a callback URL
// such as http://127.0.0.1:8080/callback. The credentials made from the
// grant hold its access token; add the refresh token with the client id
// and secret to have the connector renew it (see the package
// documentation).
var OAuth = tributary.OAuth{
	Provider:    "Linear",
	AuthURL:     "https://linear.app/oauth/authorize",
	TokenURL:    "https://api.linear.app/oauth/token",
	Scopes:      []string{"read"},
	Credentials: oauthCredentials,
}

// oauthCredentials makes the credentials from a granted token.
func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	if t.AccessToken.IsZero() {
		return nil, errors.New("linear granted no access token")
	}
	return json.Marshal(map[string]string{"access_token": t.AccessToken.Reveal()})
}
