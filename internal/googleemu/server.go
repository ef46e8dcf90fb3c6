package googleemu

import (
	"crypto/rsa"
	"encoding/json"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Scopes the emulator knows.
const (
	ScopeDrive         = "https://www.googleapis.com/auth/drive"
	ScopeDriveReadonly = "https://www.googleapis.com/auth/drive.readonly"
	ScopeDriveMetadata = "https://www.googleapis.com/auth/drive.metadata.readonly"
	ScopeUserReadonly  = "https://www.googleapis.com/auth/admin.directory.user.readonly"
	ScopeGroupReadonly = "https://www.googleapis.com/auth/admin.directory.group.readonly"
)

// Options tune a Server.
type Options struct {
	// Latency delays every answer.
	Latency time.Duration
	// RatePerSecond, when positive, limits each user to this many requests
	// a second: past it Drive answers 403 userRateLimitExceeded, without
	// Retry-After, as it does over its per-user quota.
	RatePerSecond int
	// TokenLifetime is how long issued access tokens last; an hour when
	// zero.
	TokenLifetime time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Reason is an error answer in Google's shape, for FailNextReason and
// FailEveryReason.
type Reason struct {
	Status  int
	Domain  string
	Reason  string
	Message string
}

// The errors Drive answers with.
var (
	// UserRateLimitExceeded is Drive's 403 over the per-user quota.
	UserRateLimitExceeded = Reason{Status: http.StatusForbidden, Domain: "usageLimits", Reason: "userRateLimitExceeded",
		Message: "User Rate Limit Exceeded. Rate of requests for user exceed configured project quota."}
	// RateLimitExceeded is Drive's 403 over the project's quota.
	RateLimitExceeded = Reason{Status: http.StatusForbidden, Domain: "usageLimits", Reason: "rateLimitExceeded",
		Message: "Rate Limit Exceeded"}
	// TooManyRequests is Drive's 429.
	TooManyRequests = Reason{Status: http.StatusTooManyRequests, Domain: "usageLimits", Reason: "rateLimitExceeded",
		Message: "Rate Limit Exceeded"}
	// BackendError is Drive's 500.
	BackendError = Reason{Status: http.StatusInternalServerError, Domain: "global", Reason: "backendError",
		Message: "Backend Error"}
)

// grant is what an access token stands for.
type grant struct {
	email  string // the user, or the service account itself
	scopes []string
	expiry time.Time
}

type refreshGrant struct {
	clientID, clientSecret string
	email                  string
	scopes                 []string
}

type serviceAccount struct {
	key *rsa.PublicKey
	// delegated are the scopes domain-wide delegation grants; nil means
	// none (no impersonation).
	delegated []string
}

type reasonRule struct {
	target      string
	r           Reason
	left, every int
	seen        int
}

// Server serves Data over the emulated Google APIs. It is safe for
// concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu       sync.Mutex
	data     *Data
	tokens   map[string]*grant
	refresh  map[string]*refreshGrant
	accounts map[string]*serviceAccount // client_email -> key
	reasons  []*reasonRule
	tokenN   int
}

// New returns a server for data. Add credentials with AddRefreshToken,
// AddAccessToken or AddServiceAccount.
func New(data *Data, opts Options) *Server {
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = time.Hour
	}
	s := &Server{opts: opts, data: data, tokens: map[string]*grant{}, refresh: map[string]*refreshGrant{},
		accounts: map[string]*serviceAccount{}}
	eo := emulator.Options{Auth: s.authenticate, Clock: opts.Clock, Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="https://accounts.google.com/", error="invalid_token"`)
			writeError(w, Reason{Status: http.StatusUnauthorized, Domain: "global", Reason: "authError",
				Message: "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."})
		}}
	if opts.RatePerSecond > 0 {
		b, _ := json.Marshal(errorBody(UserRateLimitExceeded))
		eo.RateLimit = &emulator.RateLimit{Limit: opts.RatePerSecond, Window: time.Second, Bucket: true,
			Status: http.StatusForbidden, Headers: emulator.HeadersNone, OmitRetryAfter: true, Body: string(b)}
	}
	s.Server = emulator.New(eo)
	data.now = s.Now
	s.driveRoutes()
	s.adminRoutes()
	s.gmailRoutes()
	s.oauthRoutes()
	s.Handle("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, Reason{Status: http.StatusNotFound, Domain: "global", Reason: "notFound", Message: "Not Found"})
	}, emulator.Public())
	return s
}

// Update runs f with the data locked, so a test can change the domain
// while a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// AddAccessToken makes the server accept token for the user with the
// scopes, until Revoke.
func (s *Server) AddAccessToken(token, email string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = &grant{email: email, scopes: scopes, expiry: s.Now().Add(100 * 365 * 24 * time.Hour)}
}

// AddRefreshToken registers an OAuth client and a refresh token it may
// exchange for access tokens of the user with the scopes (a user's
// consent).
func (s *Server) AddRefreshToken(clientID, clientSecret, refreshToken, email string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[refreshToken] = &refreshGrant{clientID: clientID, clientSecret: clientSecret, email: email, scopes: scopes}
}

// Revoke invalidates an access or refresh token.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
	delete(s.refresh, token)
}

// ExpireTokens makes every access token issued so far expire.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.tokens {
		g.expiry = time.Time{}
	}
}

// TokensIssued counts the access tokens the token endpoint issued.
func (s *Server) TokensIssued() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenN
}

// FailNextReason answers the next n requests matching target (a path, a
// route pattern or "*") with r, after authentication.
func (s *Server) FailNextReason(target string, n int, r Reason) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reasons = append(s.reasons, &reasonRule{target: target, r: r, left: n})
}

// FailEveryReason answers every k-th request matching target with r.
func (s *Server) FailEveryReason(target string, k int, r Reason) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reasons = append(s.reasons, &reasonRule{target: target, r: r, every: max(k, 1)})
}

// ClearFaults removes the scheduled faults of both kinds.
func (s *Server) ClearFaults() {
	s.Server.ClearFaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reasons = nil
}

// reasonFor returns the scheduled error answer for r, if any; s.mu held.
func (s *Server) reasonFor(r *http.Request) (Reason, bool) {
	for i, rule := range s.reasons {
		if rule.target != "*" && rule.target != r.URL.Path && rule.target != r.Pattern {
			continue
		}
		if rule.every > 0 {
			rule.seen++
			if rule.seen%rule.every == 0 {
				return rule.r, true
			}
			continue
		}
		rule.left--
		if rule.left <= 0 {
			s.reasons = append(s.reasons[:i:i], s.reasons[i+1:]...)
		}
		return rule.r, true
	}
	return Reason{}, false
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.tokens[strings.TrimSpace(tok)]
	if g == nil || !s.Now().Before(g.expiry) {
		return "", false
	}
	return g.email, true
}

// call is one authenticated request being answered.
type call struct {
	r      *http.Request
	w      http.ResponseWriter
	caller string
	scopes []string
	base   string
}

func (c *call) has(scopes ...string) bool {
	for _, want := range scopes {
		for _, got := range c.scopes {
			if got == want {
				return true
			}
		}
	}
	return false
}

// handler answers a call with a status and a JSON value; a nil value
// means the handler wrote the answer itself.
type handler func(c *call) (int, any)

// serve runs h with the data locked, after the scheduled error answers.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		if rs, ok := s.reasonFor(r); ok {
			s.mu.Unlock()
			writeError(w, rs)
			return
		}
		c := &call{r: r, w: w, caller: emulator.Principal(r), base: emulator.BaseURL(r)}
		_, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if g := s.tokens[strings.TrimSpace(tok)]; g != nil {
			c.scopes = g.scopes
		}
		status, v := h(c)
		s.mu.Unlock()
		switch x := v.(type) {
		case nil:
		case Reason:
			writeError(w, x)
		default:
			emulator.WriteJSON(w, status, v)
		}
	}
}

func errorBody(r Reason) map[string]any {
	return map[string]any{"error": map[string]any{"code": r.Status, "message": r.Message,
		"errors": []map[string]string{{"domain": r.Domain, "reason": r.Reason, "message": r.Message}}}}
}

func writeError(w http.ResponseWriter, r Reason) { emulator.WriteJSON(w, r.Status, errorBody(r)) }

// Common error answers.
func notFound(what, id string) Reason {
	return Reason{Status: http.StatusNotFound, Domain: "global", Reason: "notFound", Message: what + " not found: " + id + "."}
}

func invalid(msg string) Reason {
	return Reason{Status: http.StatusBadRequest, Domain: "global", Reason: "invalid", Message: msg}
}

func insufficientScopes() Reason {
	return Reason{Status: http.StatusForbidden, Domain: "global", Reason: "insufficientPermissions",
		Message: "Request had insufficient authentication scopes."}
}

func forbidden(msg string) Reason {
	return Reason{Status: http.StatusForbidden, Domain: "global", Reason: "forbidden", Message: msg}
}
