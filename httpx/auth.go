package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/tributary-dev/tributary"
)

// Auth adds credentials to outgoing requests. The stack calls Authorize on
// a clone of each request it owns, only for requests to the host the caller
// asked for (never on a redirect to another host).
//
// An Auth may also implement Secrets() []string to name the values the
// stack must redact from errors and logs; the ones in this package do.
type Auth interface {
	Authorize(req *http.Request) error
}

type secretHolder interface{ Secrets() []string }

// headerAuth sets one header.
type headerAuth struct {
	name, prefix string
	value        tributary.Secret
	extra        []string
}

func (a headerAuth) Authorize(req *http.Request) error {
	req.Header.Set(a.name, a.prefix+a.value.Reveal())
	return nil
}

func (a headerAuth) Secrets() []string { return append([]string{a.value.Reveal()}, a.extra...) }

// Bearer sends "Authorization: Bearer token".
func Bearer(token tributary.Secret) Auth {
	return headerAuth{name: "Authorization", prefix: "Bearer ", value: token}
}

// Basic sends HTTP basic authentication (RFC 7617) with user and password
// (Jira and Confluence Cloud take an e-mail address and an API token).
func Basic(user string, password tributary.Secret) Auth {
	return basicAuth{user: user, password: password}
}

type basicAuth struct {
	user     string
	password tributary.Secret
}

func (a basicAuth) Authorize(req *http.Request) error {
	req.SetBasicAuth(a.user, a.password.Reveal())
	return nil
}

func (a basicAuth) Secrets() []string {
	r := &http.Request{Header: http.Header{}}
	r.SetBasicAuth(a.user, a.password.Reveal())
	enc := r.Header.Get("Authorization")[len("Basic "):]
	return []string{a.password.Reveal(), enc}
}

// Header sends the credential in the named header, such as
// Header("X-API-Key", key) or Header("Authorization", "token "+...) through
// HeaderWithPrefix.
func Header(name string, value tributary.Secret) Auth {
	return headerAuth{name: name, value: value}
}

// HeaderWithPrefix sends prefix followed by the credential in the named
// header, such as HeaderWithPrefix("Authorization", "Token ", key).
func HeaderWithPrefix(name, prefix string, value tributary.Secret) Auth {
	return headerAuth{name: name, prefix: prefix, value: value}
}

// OAuth2 is an Auth that sends a bearer access token obtained from an OAuth
// 2.0 token endpoint. Refreshes are single-flight: concurrent requests wait
// for one refresh. Make one with ClientCredentials or RefreshToken.
type OAuth2 struct {
	fetch   func(ctx context.Context, refresh string) (*oauth2.Token, error)
	persist func(ctx context.Context, t *oauth2.Token) error
	static  []string

	sem  chan struct{} // one refresh at a time; a channel so waiters honour ctx
	mu   sync.Mutex    // guards tok
	tok  *oauth2.Token
	base *http.Client // sends token requests; set by New
}

// ClientCredentials returns an Auth that uses the client-credentials grant
// (RFC 6749 §4.4) of cfg.
func ClientCredentials(cfg *clientcredentials.Config) *OAuth2 {
	o := newOAuth2(cfg.ClientSecret)
	o.fetch = func(ctx context.Context, _ string) (*oauth2.Token, error) { return cfg.Token(ctx) }
	return o
}

// RefreshToken returns an Auth that uses the refresh-token grant of cfg,
// starting from tok (whose access token, if any, is used until it expires).
//
// Providers that rotate the refresh token on every use (Atlassian, Dropbox
// with rotation, Salesforce when configured) return a new one with each
// access token: persist receives the new token, and the token is used only
// after persist returns nil. Connectors usually persist through
// tributary.Env.SaveCredentials. A nil persist drops rotated tokens, which
// loses access at the next restart; pass one whenever the provider rotates.
func RefreshToken(cfg *oauth2.Config, tok *oauth2.Token, persist func(ctx context.Context, t *oauth2.Token) error) *OAuth2 {
	o := newOAuth2(cfg.ClientSecret)
	o.persist = persist
	cp := *tok
	o.tok = &cp
	o.fetch = func(ctx context.Context, refresh string) (*oauth2.Token, error) {
		return cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: refresh}).Token()
	}
	return o
}

// SaveTo returns a persist function for RefreshToken that stores rotated
// tokens through env.SaveCredentials: credentials builds the connector's
// whole credentials object from the new token, with plain strings (such as
// a map[string]string), because a tributary.Secret encodes as "[redacted]"
// in JSON; an object that encodes a redacted value is refused rather than
// saved. When the host persists nothing (SaveCredentials is nil) the token
// is still used and a warning is logged, since the next start will hold a
// spent token.
func SaveTo(env tributary.Env, credentials func(t *oauth2.Token) any) func(ctx context.Context, t *oauth2.Token) error {
	return func(ctx context.Context, t *oauth2.Token) error {
		if env.SaveCredentials == nil {
			env.Log().WarnContext(ctx, "oauth2: refresh token rotated but the host does not persist credentials")
			return nil
		}
		b, err := json.Marshal(credentials(t))
		if err != nil {
			return fmt.Errorf("encode credentials: %w", err)
		}
		if bytes.Contains(b, []byte(`"`+redactedText+`"`)) {
			return errors.New("credentials to save hold a redacted value: build them from plain strings, not tributary.Secret")
		}
		return env.SaveCredentials(ctx, b)
	}
}

// TokenCodec reads an OAuth token out of a source's credentials and puts a
// new one into them, for SharedRefreshToken.
type TokenCodec struct {
	// Token returns the token the credentials hold.
	Token func(creds json.RawMessage) (*oauth2.Token, error)
	// Credentials returns creds with t in place of their token, encoded
	// with plain strings.
	Credentials func(creds json.RawMessage, t *oauth2.Token) (json.RawMessage, error)
}

// TopLevelTokens is the TokenCodec of credentials that hold their token as
// top-level "access_token" and "refresh_token" strings: it reads both
// (credentials without a refresh token are an error) and writes a new
// token back into them, keeping every other field as it was.
var TopLevelTokens = TokenCodec{
	Token: func(creds json.RawMessage) (*oauth2.Token, error) {
		var c struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		if err := json.Unmarshal(creds, &c); err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		if c.RefreshToken == "" {
			return nil, errors.New("credentials hold no refresh_token")
		}
		return &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken}, nil
	},
	Credentials: func(creds json.RawMessage, t *oauth2.Token) (json.RawMessage, error) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(creds, &m); err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		for k, v := range map[string]string{"access_token": t.AccessToken, "refresh_token": t.RefreshToken} {
			b, _ := json.Marshal(v)
			m[k] = b
		}
		return json.Marshal(m)
	},
}

// SharedRefreshToken returns an Auth that uses the refresh-token grant of
// cfg on the token held in p, a tributary.CredentialsProvider shared with
// other workers and processes. The stored access token is used until it
// expires or the server rejects it; then the Auth refreshes through
// p.Refresh, so that of the holders that find the same token wanting only
// one spends its refresh token and the others take the new one from p.
// The provider stores rotated tokens, so no persist function is needed.
func SharedRefreshToken(cfg *oauth2.Config, p tributary.CredentialsProvider, codec TokenCodec) *OAuth2 {
	o := newOAuth2(cfg.ClientSecret)
	var used string // the access token this Auth used last; guarded by o.sem
	o.fetch = func(ctx context.Context, _ string) (*oauth2.Token, error) {
		cur, err := p.Credentials(ctx)
		if err != nil {
			return nil, err
		}
		t, err := codec.Token(cur)
		if err != nil {
			return nil, &tributary.Error{Op: "oauth2: read token", Kind: tributary.ErrInvalidConfig, Err: err}
		}
		if t.Valid() && t.AccessToken != used { // first use, or another holder refreshed
			used = t.AccessToken
			return t, nil
		}
		next, err := p.Refresh(ctx, cur, func(ctx context.Context, cur json.RawMessage) (json.RawMessage, error) {
			old, err := codec.Token(cur)
			if err != nil {
				return nil, &tributary.Error{Op: "oauth2: read token", Kind: tributary.ErrInvalidConfig, Err: err}
			}
			nt, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: old.RefreshToken}).Token()
			if err != nil {
				return nil, err
			}
			if nt.RefreshToken == "" {
				nt.RefreshToken = old.RefreshToken
			}
			return codec.Credentials(cur, nt)
		})
		if err != nil {
			return nil, err
		}
		if t, err = codec.Token(next); err != nil {
			return nil, &tributary.Error{Op: "oauth2: read token", Kind: tributary.ErrInvalidConfig, Err: err}
		}
		used = t.AccessToken
		return t, nil
	}
	return o
}

func newOAuth2(clientSecret string) *OAuth2 {
	return &OAuth2{sem: make(chan struct{}, 1), static: []string{clientSecret}}
}

// Authorize sets the bearer token, refreshing it first when it is missing
// or expired.
func (o *OAuth2) Authorize(req *http.Request) error {
	t, err := o.Token(req.Context())
	if err != nil {
		return err
	}
	t.SetAuthHeader(req)
	return nil
}

// Token returns a valid token, refreshing it when needed. Errors are
// *tributary.Error values: an invalid_grant or invalid_client answer is
// ErrCredentialExpired.
func (o *OAuth2) Token(ctx context.Context) (*oauth2.Token, error) {
	if t := o.current(); t.Valid() {
		return t, nil
	}
	select {
	case o.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-o.sem }()
	old := o.current()
	if old.Valid() { // another caller refreshed while we waited
		return old, nil
	}
	var refresh string
	if old != nil {
		refresh = old.RefreshToken
	}
	if o.base != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, o.base)
	}
	t, err := o.fetch(ctx, refresh)
	if err != nil {
		return nil, classifyTokenError(err)
	}
	if t.RefreshToken == "" {
		t.RefreshToken = refresh
	}
	if t.RefreshToken != refresh && o.persist != nil {
		if err := o.persist(ctx, t); err != nil {
			return nil, &tributary.Error{Op: "oauth2: persist rotated refresh token", Err: err}
		}
	}
	o.mu.Lock()
	o.tok = t
	o.mu.Unlock()
	return t, nil
}

func (o *OAuth2) current() *oauth2.Token {
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.tok
}

// invalidate forgets the access token after the server rejected it, so the
// next request refreshes it.
func (o *OAuth2) invalidate(access string) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.tok != nil && o.tok.AccessToken == access {
		cp := *o.tok
		cp.AccessToken = ""
		o.tok = &cp
	}
}

// Secrets lists the client secret and the current tokens.
func (o *OAuth2) Secrets() []string {
	s := append([]string(nil), o.static...)
	if t := o.current(); t != nil {
		s = append(s, t.AccessToken, t.RefreshToken)
	}
	return s
}

func classifyTokenError(err error) error {
	const op = "oauth2: fetch token"
	re, ok := errors.AsType[*oauth2.RetrieveError](err)
	if !ok {
		if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
			return err
		}
		if errors.Is(err, ErrForbiddenAddress) {
			return &tributary.Error{Op: op, Kind: tributary.ErrInvalidConfig, Err: err}
		}
		if tributary.Kind(err) != nil { // classified already, such as by a credentials provider
			return err
		}
		return &tributary.Error{Op: op, Kind: tributary.ErrTransient, Err: err}
	}
	kind := tributary.ErrCredentialExpired
	switch code := re.ErrorCode; {
	case code == "invalid_scope":
		kind = tributary.ErrInsufficientPermissions
	case code != "":
	case re.Response != nil && re.Response.StatusCode == http.StatusTooManyRequests:
		kind = tributary.ErrRateLimited
	case re.Response != nil && re.Response.StatusCode >= 500:
		kind = tributary.ErrTransient
	}
	return &tributary.Error{Op: op, Kind: kind, Err: re}
}
