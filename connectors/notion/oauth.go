package notion

import (
	"encoding/json"
	"errors"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent flow of a public Notion integration, declared in
// the source's Registration: the user opens
// https://api.notion.com/v1/oauth/authorize, picks the pages to share with
// the integration, and the granted access token becomes the credentials'
// token. Create the integration at https://www.notion.so/my-integrations
// as a public integration with the "Read content" capability (and "Read
// user information including email addresses" for owners) and a redirect
// URI such as http://127.0.0.1:8080/callback. Notion has no scopes: what
// the integration may do is its capabilities, and what it may read is the
// pages the user shares at consent. Notion's access tokens do not expire.
var OAuth = tributary.OAuth{
	Provider:    "Notion",
	AuthURL:     "https://api.notion.com/v1/oauth/authorize?owner=user",
	TokenURL:    "https://api.notion.com/v1/oauth/token",
	Credentials: oauthCredentials,
}

// oauthCredentials makes the credentials from a granted token.
func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	if t.AccessToken.IsZero() {
		return nil, errors.New("notion granted no access token")
	}
	return json.Marshal(map[string]string{"token": t.AccessToken.Reveal()})
}
