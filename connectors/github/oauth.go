package github

import (
	"encoding/json"
	"errors"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
)

// OAuth is the consent flow of a GitHub OAuth app, declared in the
// source's Registration: the user authorizes the app at
// https://github.com/login/oauth/authorize (or the same path on a GitHub
// Enterprise Server host, found from the settings' base_url) and the
// granted token becomes the credentials' token. Register the app at
// Settings → Developer settings → OAuth Apps with the callback URL
// http://127.0.0.1/callback (GitHub accepts any port on a loopback
// callback). OAuth app tokens do not expire.
var OAuth = tributary.OAuth{
	Provider:    "GitHub",
	AuthURL:     "https://github.com/login/oauth/authorize",
	TokenURL:    "https://github.com/login/oauth/access_token",
	Scopes:      []string{"repo", "read:org"},
	Endpoints:   oauthEndpoints,
	Credentials: oauthCredentials,
}

// oauthEndpoints finds the OAuth endpoints of the host whose REST API is
// the settings' base_url: github.com for api.github.com, and HOST for a
// GitHub Enterprise Server base URL https://HOST/api/v3.
func oauthEndpoints(settings json.RawMessage) (authURL, tokenURL string, err error) {
	var s struct {
		BaseURL string `json:"base_url"`
	}
	if len(settings) > 0 {
		if err := json.Unmarshal(settings, &s); err != nil {
			return "", "", tributary.InvalidField("settings", "%v", err)
		}
	}
	if s.BaseURL == "" {
		s.BaseURL = DefaultBaseURL
	}
	u, err := url.Parse(strings.TrimRight(s.BaseURL, "/"))
	switch {
	case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
		return "", "", tributary.InvalidField("base_url", "must be an http or https URL such as %s", DefaultBaseURL)
	case u.Host == "api.github.com" && u.Path == "":
		u.Host = "github.com"
	case strings.HasSuffix(u.Path, "/api/v3"):
		u.Path = strings.TrimSuffix(u.Path, "/api/v3")
	default:
		return "", "", tributary.InvalidField("base_url", "must be %s or a GitHub Enterprise Server https://HOST/api/v3 to find its OAuth endpoints", DefaultBaseURL)
	}
	u.RawQuery, u.Fragment = "", ""
	base := u.String()
	return base + "/login/oauth/authorize", base + "/login/oauth/access_token", nil
}

// oauthCredentials makes the credentials from a granted token.
func oauthCredentials(t tributary.OAuthToken) (json.RawMessage, error) {
	if t.AccessToken.IsZero() {
		return nil, errors.New("github granted no access token")
	}
	return json.Marshal(map[string]string{"token": t.AccessToken.Reveal()})
}
