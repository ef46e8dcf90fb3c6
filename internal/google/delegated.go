package google

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	googleoauth "golang.org/x/oauth2/google"
	"golang.org/x/oauth2/jwt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Actor is who a request acts as and with which scope: with a service
// account, the user it impersonates; with OAuth credentials the subject
// is ignored (the consenting user acts).
type Actor struct {
	Subject string
	Scope   string
}

type actorKey struct{}

// As returns ctx carrying the actor for the requests made under it.
func As(ctx context.Context, subject, scope string) context.Context {
	return context.WithValue(ctx, actorKey{}, Actor{Subject: subject, Scope: scope})
}

// actorOf returns the actor of ctx, with scope when ctx names none.
func actorOf(ctx context.Context, scope string) Actor {
	a, _ := ctx.Value(actorKey{}).(Actor)
	if a.Scope == "" {
		a.Scope = scope
	}
	return a
}

// Delegated is an httpx.Auth that signs a JWT with a service account's key
// (golang.org/x/oauth2/google and /jwt) for the user each request acts
// as, and caches one token per user and scope. Token requests go through
// its own client, which carries the address guard.
type Delegated struct {
	name  string // the connector, for errors
	scope string // of requests whose context names none
	cfg   *jwt.Config
	base  *http.Client

	fetch sync.Mutex // one token request at a time
	mu    sync.Mutex
	toks  map[Actor]*oauth2.Token
}

// maxCachedTokens bounds the token cache: a run over many users keeps the
// tokens of the users it reads now, not of every user it has read.
const maxCachedTokens = 64

func newDelegated(o Options, key []byte, base *http.Client, tokenURI string) (*Delegated, error) {
	cfg, err := googleoauth.JWTConfigFromJSON(key)
	if err != nil {
		return nil, tributary.NewError(o.Name+": service account key", tributary.ErrInvalidConfig,
			errors.New("the key file does not parse as a service account key"))
	}
	if tokenURI != "" {
		cfg.TokenURL = tokenURI
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURI
	}
	return &Delegated{name: o.Name, scope: o.Scope, cfg: cfg, base: base, toks: map[Actor]*oauth2.Token{}}, nil
}

func (d *Delegated) cached(a Actor) *oauth2.Token {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.toks[a]
}

// Token returns a valid token for the actor, from the cache or from
// Google's token endpoint. A refusal is classified: ErrCredentialExpired
// for a key Google does not know or a user it may not act as,
// ErrInsufficientPermissions for a scope the delegation does not grant.
func (d *Delegated) Token(ctx context.Context, a Actor) (*oauth2.Token, error) {
	if t := d.cached(a); t.Valid() {
		return t, nil
	}
	d.fetch.Lock()
	defer d.fetch.Unlock()
	if t := d.cached(a); t.Valid() {
		return t, nil
	}
	cfg := *d.cfg
	cfg.Subject, cfg.Scopes = a.Subject, []string{a.Scope}
	// oauth2 keeps only the text of a transport error: keep the error.
	rec := &recorder{next: d.base.Transport}
	hc := &http.Client{Transport: rec, Timeout: d.base.Timeout}
	t, err := cfg.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, hc)).Token()
	if err != nil {
		if errors.Is(rec.err, httpx.ErrForbiddenAddress) {
			err = rec.err
		}
		return nil, classifyTokenError(ctx, d.name+": service account token", err, a)
	}
	d.mu.Lock()
	if len(d.toks) >= maxCachedTokens {
		clear(d.toks)
	}
	d.toks[a] = t
	d.mu.Unlock()
	return t, nil
}

// Authorize sets the bearer token of the request's actor.
func (d *Delegated) Authorize(req *http.Request) error {
	t, err := d.Token(req.Context(), actorOf(req.Context(), d.scope))
	if err != nil {
		return err
	}
	t.SetAuthHeader(req)
	return nil
}

// Secrets names the private key and the cached tokens for redaction.
func (d *Delegated) Secrets() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := []string{string(d.cfg.PrivateKey)}
	for _, t := range d.toks {
		s = append(s, t.AccessToken)
	}
	return s
}

// recorder is a transport that keeps the error of its last round trip.
type recorder struct {
	next http.RoundTripper
	err  error
}

func (r *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := r.next.RoundTrip(req)
	r.err = err
	return resp, err
}

// classifyTokenError names a refused token request: a key Google does not
// know, or a user it may not act as, is ErrCredentialExpired; a scope the
// delegation does not grant (unauthorized_client) is
// ErrInsufficientPermissions.
func classifyTokenError(ctx context.Context, op string, err error, a Actor) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if errors.Is(err, httpx.ErrForbiddenAddress) {
		return tributary.NewError(op, tributary.ErrInvalidConfig, err)
	}
	re, ok := errors.AsType[*oauth2.RetrieveError](err)
	if !ok {
		return tributary.NewError(op, tributary.ErrTransient, errors.New(redactTokenError(err)))
	}
	if re.ErrorCode == "" && len(re.Body) > 0 {
		// The JWT grant leaves Google's error body unparsed.
		var body struct {
			Error       string `json:"error"`
			Description string `json:"error_description"`
		}
		if json.Unmarshal(re.Body, &body) == nil {
			re.ErrorCode, re.ErrorDescription = body.Error, body.Description
		}
	}
	kind := tributary.ErrCredentialExpired
	switch {
	case re.ErrorCode == "unauthorized_client" || re.ErrorCode == "access_denied" || re.ErrorCode == "invalid_scope":
		kind = tributary.ErrInsufficientPermissions
	case re.ErrorCode != "":
	case re.Response != nil && re.Response.StatusCode == http.StatusTooManyRequests:
		kind = tributary.ErrRateLimited
	case re.Response != nil && re.Response.StatusCode >= 500:
		kind = tributary.ErrTransient
	}
	msg := re.ErrorCode
	if re.ErrorDescription != "" {
		msg += ": " + re.ErrorDescription
	}
	who := a.Subject
	if who == "" {
		who = "the service account"
	}
	return tributary.NewError(op, kind, errors.New("acting as "+who+" with scope "+a.Scope+": "+msg))
}

// redactTokenError keeps the first line of a transport error, which
// names the endpoint and never the assertion.
func redactTokenError(err error) string {
	s := err.Error()
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return s
}
