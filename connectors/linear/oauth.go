package linear

import (
	"encoding/json"
	"errors"
	"time"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent flow of a Linear OAuth application, declared in the
// source's Registration: the user authorizes the application at
// https://linear.app/oauth/authorize for the read scope, and the granted
// access token becomes the credentials' access_token. Create the
// application at Settings > API > OAuth applications with a callback URL
// such as http://127.0.0.1:8080/callback. The credentials made from the
// grant hold its access token and, when Linear grants one, its refresh
// token with the application's client id and secret, its expiry and the
// token endpoint, so the connector renews the access token itself and
// saves each rotated refresh token.
var OAuth = tributary.OAuth{
	Provider:    "Linear",
	AuthURL:     "https://linear.app/oauth/authorize",
	TokenURL:    "https://api.linear.app/oauth/token",
	Scopes:      []string{"read"},
	Credentials: oauthCredentials,
}

// oauthCredentials makes the credentials from a granted token: the access
// token alone, or with what renews it.
func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	if t.AccessToken.IsZero() {
		return nil, errors.New("linear granted no access token")
	}
	c := map[string]string{"access_token": t.AccessToken.Reveal()}
	if !t.RefreshToken.IsZero() {
		c["refresh_token"], c["client_id"], c["client_secret"] = t.RefreshToken.Reveal(), t.ClientID, t.ClientSecret.Reveal()
		c["token_url"] = t.TokenURL
		if !t.Expiry.IsZero() {
			c["expiry"] = t.Expiry.UTC().Format(time.RFC3339)
		}
	}
	return json.Marshal(c)
}
