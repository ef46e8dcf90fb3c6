package google

import (
	"net/http"
	"time"

	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Options describe the connector a Stack serves.
type Options struct {
	// Name is the connector's name, which starts its errors
	// ("google_drive: service account token: ...").
	Name string
	// Scope is the scope of requests whose context names no actor (As).
	Scope string
	// RateReasons are the reasons of the API's 403 answers that mean a
	// rate limit or quota (userRateLimitExceeded, ...).
	RateReasons []string
}

// Stack is what a Google connector builds its httpx client on.
type Stack struct {
	// Env is the host's environment with its HTTP client replaced by one
	// whose transport guards addresses at dial time and turns rate-limit
	// 403s into 429s: give it to httpx.New.
	Env tributary.Env
	// Auth authorizes requests: per actor with a service account, with a
	// refreshed token with OAuth credentials (shared with the host's other
	// workers through env.Credentials when the host has them), or with the
	// bare access token.
	Auth httpx.Auth
	// Delegated is the service account's token source, nil for OAuth
	// credentials and tokens.
	Delegated *Delegated
}

// NewStack builds the transport and authorization for credentials that
// Validate accepted. It sends no request.
func NewStack(c *Credentials, env tributary.Env, o Options) (*Stack, error) {
	reasons := map[string]bool{}
	for _, r := range o.RateReasons {
		reasons[r] = true
	}
	base := quotaTransport{next: guardedBase(env), reasons: reasons}
	st := &Stack{Env: env}
	st.Env.HTTPClient = &http.Client{Transport: base}
	tokenURI := c.TokenURI
	switch c.Mode() {
	case ModeServiceAccount:
		d, err := newDelegated(o, []byte(c.ServiceAccountKey.Reveal()), &http.Client{Transport: base, Timeout: time.Minute}, tokenURI)
		if err != nil {
			return nil, err
		}
		st.Auth, st.Delegated = d, d
	case ModeOAuth:
		if tokenURI == "" {
			tokenURI = DefaultTokenURI
		}
		cfg := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{TokenURL: tokenURI, AuthStyle: oauth2.AuthStyleInParams}}
		if env.Credentials != nil {
			// Shared with other workers: refresh under the provider's lock.
			st.Auth = httpx.SharedRefreshToken(cfg, env.Credentials, httpx.TopLevelTokens)
			break
		}
		tok := &oauth2.Token{AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal()}
		creds := *c
		st.Auth = httpx.RefreshToken(cfg, tok, httpx.SaveTo(env, func(t *oauth2.Token) any {
			return map[string]string{"client_id": creds.ClientID, "client_secret": creds.ClientSecret.Reveal(),
				"refresh_token": t.RefreshToken, "access_token": t.AccessToken, "token_uri": creds.TokenURI}
		}))
	default:
		st.Auth = httpx.Bearer(c.AccessToken)
	}
	return st, nil
}
