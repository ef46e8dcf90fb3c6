package gmail

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/google"
	"golang.org/x/oauth2/jwt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Scopes, one per capability: reading mail, listing users, listing a
// mailbox's delegates.
const (
	ScopeGmailReadonly = "https://www.googleapis.com/auth/gmail.readonly"
	ScopeUserReadonly  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	ScopeGmailSettings = "https://www.googleapis.com/auth/gmail.settings.basic"
)

// actor is who a request acts as and with which scopes: with a service
// account, the user it impersonates; with OAuth credentials the subject
// is ignored (the consenting user acts).
type actor struct {
	subject string
	scope   string
}

type actorKey struct{}

// as returns ctx carrying the actor for the requests made under it.
func as(ctx context.Context, subject, scope string) context.Context {
	return context.WithValue(ctx, actorKey{}, actor{subject: subject, scope: scope})
}

func actorOf(ctx context.Context) actor {
	a, _ := ctx.Value(actorKey{}).(actor)
	if a.scope == "" {
		a.scope = ScopeGmailReadonly
	}
	return a
}

// delegated is an httpx.Auth that signs a JWT with a service account's key
// (golang.org/x/oauth2/google and /jwt) for the user each request acts
// as, and caches one token per user and scope. Token requests go through
// base, which carries the address guard.
type delegated struct {
	cfg  *jwt.Config
	base *http.Client

	fetch sync.Mutex // one token request at a time
	mu    sync.Mutex
	toks  map[actor]*oauth2.Token
}

// maxCachedTokens bounds the token cache: a run over many users keeps the
// tokens of the users it reads now, not of every user it has read.
const maxCachedTokens = 64

func newDelegated(key []byte, base *http.Client, tokenURI string) (*delegated, error) {
	cfg, err := google.JWTConfigFromJSON(key)
	if err != nil {
		return nil, tributary.NewError("gmail: service account key", tributary.ErrInvalidConfig,
			errors.New("the key file does not parse as a service account key"))
	}
	if tokenURI != "" {
		cfg.TokenURL = tokenURI
	}
	if cfg.TokenURL == "" {
		cfg.TokenURL = DefaultTokenURI
	}
	return &delegated{cfg: cfg, base: base, toks: map[actor]*oauth2.Token{}}, nil
}

func (d *delegated) cached(a actor) *oauth2.Token {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.toks[a]
}

func (d *delegated) token(ctx context.Context, a actor) (*oauth2.Token, error) {
	if t := d.cached(a); t.Valid() {
		return t, nil
	}
	d.fetch.Lock()
	defer d.fetch.Unlock()
	if t := d.cached(a); t.Valid() {
		return t, nil
	}
	cfg := *d.cfg
	cfg.Subject, cfg.Scopes = a.subject, []string{a.scope}
	t, err := cfg.TokenSource(context.WithValue(ctx, oauth2.HTTPClient, d.base)).Token()
	if err != nil {
		return nil, classifyTokenError(ctx, err, a)
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
func (d *delegated) Authorize(req *http.Request) error {
	t, err := d.token(req.Context(), actorOf(req.Context()))
	if err != nil {
		return err
	}
	t.SetAuthHeader(req)
	return nil
}

// Secrets names the private key and the cached tokens for redaction.
func (d *delegated) Secrets() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	s := []string{string(d.cfg.PrivateKey)}
	for _, t := range d.toks {
		s = append(s, t.AccessToken)
	}
	return s
}

// classifyTokenError names a refused token request: a key Google does not
// know, or a user it may not act as, is ErrCredentialExpired; a scope the
// delegation does not grant (unauthorized_client) is
// ErrInsufficientPermissions.
func classifyTokenError(ctx context.Context, err error, a actor) error {
	const op = "gmail: service account token"
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
	who := a.subject
	if who == "" {
		who = "the service account"
	}
	return tributary.NewError(op, kind, errors.New("acting as "+who+" with scope "+a.scope+": "+msg))
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
