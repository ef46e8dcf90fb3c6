package google

import (
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
)

// DefaultAuthURL is Google's OAuth 2.0 authorization endpoint.
const DefaultAuthURL = "https://accounts.google.com/o/oauth2/v2/auth"

// Consent returns the OAuth consent of one Google user to scope, for a
// connector's Registration. Offline access with a forced consent screen
// makes Google grant a refresh token every time, and the credentials keep
// the client with it (OAuthCredentials), so the connector refreshes the
// access token itself and saves rotated tokens through the host.
func Consent(scope string) tributary.OAuth {
	return tributary.OAuth{
		Provider:    "Google",
		AuthURL:     DefaultAuthURL,
		TokenURL:    DefaultTokenURI,
		Scopes:      []string{scope},
		AuthParams:  map[string]string{"access_type": "offline", "prompt": "consent"},
		Credentials: OAuthCredentials,
	}
}

// OAuthCredentials makes the Credentials of one user from a granted
// token: the client it was granted to, the refresh token and the endpoint
// that refreshes it, and the current access token.
func OAuthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	switch {
	case t.AccessToken.IsZero():
		return nil, errors.New("google granted no access token")
	case t.RefreshToken.IsZero():
		return nil, errors.New("google granted no refresh token: revoke the app's access at https://myaccount.google.com/permissions and consent again")
	}
	return json.Marshal(map[string]string{
		"client_id": t.ClientID, "client_secret": t.ClientSecret.Reveal(),
		"refresh_token": t.RefreshToken.Reveal(), "access_token": t.AccessToken.Reveal(), "token_uri": t.TokenURL,
	})
}
