package box

import (
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent of one Box user to an app created in the Box
// Developer Console (a Custom App with User Authentication (OAuth 2.0)),
// with the application scopes "Read all files and folders stored in Box"
// (root_readonly) and, for group sync, "Manage groups" (manage_groups).
// Box grants a refresh token with every access token and rotates it on
// each refresh; the credentials keep the client id and secret with it, so
// the connector renews the access token itself and saves each new
// refresh token.
var OAuth = tributary.OAuth{
	Provider:    "Box",
	AuthURL:     "https://account.box.com/api/oauth2/authorize",
	TokenURL:    DefaultTokenURL,
	Scopes:      []string{"root_readonly", "manage_groups"},
	Credentials: oauthCredentials,
}

func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	switch {
	case t.AccessToken.IsZero():
		return nil, errors.New("box granted no access token")
	case t.RefreshToken.IsZero():
		return nil, errors.New("box granted no refresh token")
	}
	return json.Marshal(map[string]string{"access_token": t.AccessToken.Reveal(), "refresh_token": t.RefreshToken.Reveal(),
		"client_id": t.ClientID, "client_secret": t.ClientSecret.Reveal(), "token_url": t.TokenURL})
}
