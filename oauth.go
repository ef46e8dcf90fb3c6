package tributary

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"slices"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// OAuth declares a source's OAuth 2.0 authorization-code flow (RFC 6749
// §4.1 with PKCE, RFC 7636), set in Registration.OAuth, so that a user
// interface can offer "Connect with Provider" from the registry alone and
// a host can run the consent with StartOAuth. It encodes in JSON as the
// provider, the endpoints and the scopes.
type OAuth struct {
	// Provider is who the user consents to, such as "GitHub".
	Provider string `json:"provider"`
	// AuthURL and TokenURL are the provider's authorization and token
	// endpoints.
	AuthURL  string `json:"auth_url"`
	TokenURL string `json:"token_url"`
	// Scopes are asked for at consent.
	Scopes []string `json:"scopes,omitempty"`
	// AuthParams are further parameters of the authorization URL that the
	// provider needs, such as Google's access_type=offline and
	// prompt=consent for a refresh token. They cannot replace the flow's
	// own (client_id, redirect_uri, response_type, scope, state and the
	// PKCE challenge).
	AuthParams map[string]string `json:"auth_params,omitempty"`
	// Endpoints, when set, returns the endpoints for a configuration's
	// settings, for providers that run on the customer's host (GitHub
	// Enterprise Server); it fails with ErrInvalidConfig on bad settings.
	Endpoints func(settings json.RawMessage) (authURL, tokenURL string, err error) `json:"-"`
	// Credentials builds the source's credentials, as JSON with plain
	// strings, from a granted token.
	Credentials func(t OAuthToken) (json.RawMessage, error) `json:"-"`
}

// OAuthToken is what the token endpoint granted, with the client it was
// granted to and the endpoint that granted it: credentials that refresh
// the token themselves (Google's) keep all three.
type OAuthToken struct {
	AccessToken  Secret
	RefreshToken Secret // empty when the provider issues none
	Expiry       time.Time
	Scope        string
	// ClientID and ClientSecret are the client's; TokenURL is the token
	// endpoint the code was exchanged at.
	ClientID     string
	ClientSecret Secret
	TokenURL     string
}

// OAuthClient is the application registered with the provider.
type OAuthClient struct {
	ID     string
	Secret Secret
	// RedirectURL is where the provider sends the user back, such as
	// http://127.0.0.1:PORT/callback.
	RedirectURL string
}

// ErrOAuthState: the answer to an authorization request is not the one
// this flow asked for (a tampered or foreign state), or the flow was
// already used.
var ErrOAuthState = errors.New("oauth state does not match the request")

// OAuthFlow is one consent: a random state and PKCE verifier, the URL the
// user opens, and one code exchange. It is safe for concurrent use; its
// Exchange succeeds at most once.
type OAuthFlow struct {
	cfg      oauth2.Config
	params   []oauth2.AuthCodeOption
	build    func(OAuthToken) (json.RawMessage, error)
	state    string
	verifier string

	mu   sync.Mutex
	used bool
}

// StartOAuth begins a consent for the source of r with client, for a
// configuration whose settings are given (they choose the endpoints when
// r.OAuth.Endpoints is set). It fails with ErrNotSupported when the
// source declares no OAuth flow.
func StartOAuth(r Registration, settings json.RawMessage, client OAuthClient) (*OAuthFlow, error) {
	const op = "oauth: start"
	o := r.OAuth
	if o == nil || o.Credentials == nil {
		return nil, &Error{Op: op, Kind: ErrNotSupported, Err: fmt.Errorf("source %q declares no oauth flow", r.Source)}
	}
	authURL, tokenURL := o.AuthURL, o.TokenURL
	if o.Endpoints != nil {
		var err error
		if authURL, tokenURL, err = o.Endpoints(settings); err != nil {
			return nil, &Error{Op: op, Kind: ErrInvalidConfig, Err: err}
		}
	}
	var errs []error
	if client.ID == "" {
		errs = append(errs, InvalidField("client_id", "is required"))
	}
	if client.Secret.Reveal() == "" {
		errs = append(errs, InvalidField("client_secret", "is required"))
	}
	if client.RedirectURL == "" {
		errs = append(errs, InvalidField("redirect_url", "is required"))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, &Error{Op: op, Kind: ErrInvalidConfig, Err: err}
	}
	var params []oauth2.AuthCodeOption
	for _, k := range slices.Sorted(maps.Keys(o.AuthParams)) {
		if flowParams[k] {
			return nil, &Error{Op: op, Kind: ErrInvalidConfig, Err: fmt.Errorf("source %q: auth param %q is the flow's own", r.Source, k)}
		}
		params = append(params, oauth2.SetAuthURLParam(k, o.AuthParams[k]))
	}
	return &OAuthFlow{
		params: params,
		cfg: oauth2.Config{ClientID: client.ID, ClientSecret: client.Secret.Reveal(), RedirectURL: client.RedirectURL,
			Scopes: o.Scopes, Endpoint: oauth2.Endpoint{AuthURL: authURL, TokenURL: tokenURL}},
		build:    o.Credentials,
		state:    oauth2.GenerateVerifier(),
		verifier: oauth2.GenerateVerifier(),
	}, nil
}

// AuthorizationURL is the URL the user opens to consent, carrying the
// flow's state and its S256 PKCE challenge.
func (f *OAuthFlow) AuthorizationURL() string {
	return f.cfg.AuthCodeURL(f.state, append(slices.Clip(f.params), oauth2.S256ChallengeOption(f.verifier))...)
}

// flowParams are the authorization URL's parameters that the flow sets
// itself.
var flowParams = map[string]bool{"client_id": true, "redirect_uri": true, "response_type": true, "scope": true,
	"state": true, "code_challenge": true, "code_challenge_method": true}

// Exchange trades the code the provider sent back for a token and returns
// the source's credentials built from it. state is the one the provider
// sent back with the code: one that is not this flow's fails with
// ErrOAuthState before any request, as does a second call once a code was
// exchanged. A code the provider refuses (replayed, expired, or issued for
// another verifier) is ErrCredentialExpired. client sends the token
// request; nil means http.DefaultClient.
func (f *OAuthFlow) Exchange(ctx context.Context, client *http.Client, state, code string) (json.RawMessage, error) {
	const op = "oauth: exchange code"
	f.mu.Lock()
	defer f.mu.Unlock()
	switch {
	case f.used:
		return nil, &Error{Op: op, Kind: ErrCredentialExpired, Err: fmt.Errorf("%w: the flow was already used", ErrOAuthState)}
	case state != f.state:
		return nil, &Error{Op: op, Kind: ErrCredentialExpired, Err: ErrOAuthState}
	case code == "":
		return nil, &Error{Op: op, Kind: ErrCredentialExpired, Err: errors.New("no code in the answer")}
	}
	if client != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, client)
	}
	t, err := f.cfg.Exchange(ctx, code, oauth2.VerifierOption(f.verifier))
	if err != nil {
		return nil, &Error{Op: op, Kind: oauthErrorKind(err), Err: err}
	}
	f.used = true
	scope, _ := t.Extra("scope").(string)
	creds, err := f.build(OAuthToken{AccessToken: NewSecret(t.AccessToken), RefreshToken: NewSecret(t.RefreshToken), Expiry: t.Expiry, Scope: scope,
		ClientID: f.cfg.ClientID, ClientSecret: NewSecret(f.cfg.ClientSecret), TokenURL: f.cfg.Endpoint.TokenURL})
	if err != nil {
		return nil, &Error{Op: op, Err: fmt.Errorf("build credentials: %w", err)}
	}
	return creds, nil
}

// oauthErrorKind classifies a token endpoint's answer: an error code
// means the grant or client was refused, a 5xx or network failure may
// pass.
func oauthErrorKind(err error) error {
	re, ok := errors.AsType[*oauth2.RetrieveError](err)
	switch {
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return nil
	case !ok:
		return ErrTransient
	case re.ErrorCode == "invalid_scope":
		return ErrInsufficientPermissions
	case re.ErrorCode != "":
		return ErrCredentialExpired
	case re.Response != nil && re.Response.StatusCode >= 500:
		return ErrTransient
	}
	return ErrCredentialExpired
}
