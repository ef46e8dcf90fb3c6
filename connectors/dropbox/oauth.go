package dropbox

import (
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent of one Dropbox user to an app created at
// https://www.dropbox.com/developers/apps with the permissions
// account_info.read, files.metadata.read, files.content.read and
// sharing.read. token_access_type=offline makes Dropbox grant a refresh
// token with the short-lived access token, and the credentials keep the
// app key and secret with it, so the connector renews the access token
// itself.
var OAuth = tributary.OAuth{
	Provider:    "Dropbox",
	AuthURL:     "https://www.dropbox.com/oauth2/authorize",
	TokenURL:    DefaultTokenURL,
	Scopes:      []string{"account_info.read", "files.metadata.read", "files.content.read", "sharing.read"},
	AuthParams:  map[string]string{"token_access_type": "offline"},
	Credentials: oauthCredentials,
}

func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	switch {
	case t.AccessToken.IsZero():
		return nil, errors.New("dropbox granted no access token")
	case t.RefreshToken.IsZero():
		return nil, errors.New("dropbox granted no refresh token: the consent needs token_access_type=offline")
	}
	return json.Marshal(map[string]string{"access_token": t.AccessToken.Reveal(), "refresh_token": t.RefreshToken.Reveal(),
		"client_id": t.ClientID, "client_secret": t.ClientSecret.Reveal(), "token_url": t.TokenURL})
}
