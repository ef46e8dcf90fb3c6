package graphemu

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// GraphPrefix is the path of Graph v1.0 under its host
// (https://graph.microsoft.com/v1.0).
const GraphPrefix = "/v1.0"

// Options tune a Server.
type Options struct {
	// Latency delays every answer.
	Latency time.Duration
	// RatePerSecond, when positive, limits each app to this many requests
	// a second; past it Graph answers 429 TooManyRequests with
	// Retry-After.
	RatePerSecond int
	// TokenLifetime is how long issued access tokens last; an hour when
	// zero.
	TokenLifetime time.Duration
	// PageSize is the largest page a listing answers ($top is honoured up
	// to it); 200 when zero.
	PageSize int
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Code is an error answer in Graph's shape, for FailNextCode and
// FailEveryCode.
type Code struct {
	Status     int
	Code       string
	Message    string
	RetryAfter time.Duration
}

// Graph's error answers.
var (
	// Throttled is Graph's 429 with Retry-After.
	Throttled = Code{Status: http.StatusTooManyRequests, Code: "TooManyRequests",
		Message: "Too many requests. Please try again later.", RetryAfter: time.Second}
	// Unavailable is the 503 SharePoint throttles with, with Retry-After.
	Unavailable = Code{Status: http.StatusServiceUnavailable, Code: "serviceNotAvailable",
		Message: "The service is temporarily unavailable.", RetryAfter: time.Second}
	// GeneralException is a 500.
	GeneralException = Code{Status: http.StatusInternalServerError, Code: "generalException",
		Message: "An unspecified error has occurred."}
)

// app is a registered application (client).
type app struct {
	secret string
	// thumbprint is the SHA-1 of the certificate's DER, base64url, as the
	// x5t header names it; key its public key.
	thumbprint string
	cert       any // *rsa.PublicKey
	roles      []string
}

// grant is what an access token stands for.
type grant struct {
	clientID string
	roles    []string
	expiry   time.Time
}

type codeRule struct {
	target      string
	c           Code
	left, every int
	seen        int
}

// Server serves Data over the emulated Graph and token endpoint. It is
// safe for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu     sync.Mutex
	data   *Data
	apps   map[string]*app
	tokens map[string]*grant
	codes  []*codeRule
	issued int
}

// New returns a server for data. Register applications with AddApp and
// AddCertificate.
func New(data *Data, opts Options) *Server {
	if opts.TokenLifetime == 0 {
		opts.TokenLifetime = time.Hour
	}
	if opts.PageSize <= 0 {
		opts.PageSize = 200
	}
	s := &Server{opts: opts, data: data, apps: map[string]*app{}, tokens: map[string]*grant{}}
	eo := emulator.Options{Auth: s.authenticate, Clock: opts.Clock, Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, r *http.Request) {
			msg := "Access token is empty."
			if r.Header.Get("Authorization") != "" {
				msg = "Access token has expired or is not yet valid."
			}
			writeCode(w, Code{Status: http.StatusUnauthorized, Code: "InvalidAuthenticationToken", Message: msg})
		}}
	if opts.RatePerSecond > 0 {
		b, _ := json.Marshal(errorBody(Throttled))
		eo.RateLimit = &emulator.RateLimit{Limit: opts.RatePerSecond, Window: time.Second, Bucket: true,
			Headers: emulator.HeadersNone, Body: string(b)}
	}
	s.Server = emulator.New(eo)
	data.now = s.Now
	s.tokenRoutes()
	s.siteRoutes()
	s.driveRoutes()
	s.groupRoutes()
	s.shareRoutes()
	s.batchRoutes()
	s.teamRoutes()
	s.channelRoutes()
	s.messageRoutes()
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		writeCode(w, Code{Status: http.StatusBadRequest, Code: "BadRequest",
			Message: "Resource not found for the segment '" + lastSegment(r.URL.Path) + "'."})
	}, emulator.Public())
	return s
}

func lastSegment(p string) string { return p[strings.LastIndexByte(p, '/')+1:] }

// Update runs f with the data locked, so a test can change the tenant
// while a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// AddApp registers an application with a client secret ("" for none)
// and the application permissions an administrator consented to.
func (s *Server) AddApp(clientID, secret string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[clientID]
	if a == nil {
		a = &app{}
		s.apps[clientID] = a
	}
	a.secret, a.roles = secret, slices.Clone(roles)
}

// SetRoles replaces the application permissions of an app; tokens issued
// before keep theirs, as in Entra ID.
func (s *Server) SetRoles(clientID string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if a := s.apps[clientID]; a != nil {
		a.roles = slices.Clone(roles)
	}
}

// AddAccessToken makes the server accept token for the app with the
// roles, until ExpireTokens.
func (s *Server) AddAccessToken(token, clientID string, roles ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = &grant{clientID: clientID, roles: roles, expiry: s.Now().Add(100 * 365 * 24 * time.Hour)}
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
	return s.issued
}

// FailNextCode answers the next n requests matching target (a path, a
// route pattern or "*") with c, after authentication.
func (s *Server) FailNextCode(target string, n int, c Code) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes = append(s.codes, &codeRule{target: target, c: c, left: n})
}

// FailEveryCode answers every k-th request matching target with c.
func (s *Server) FailEveryCode(target string, k int, c Code) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes = append(s.codes, &codeRule{target: target, c: c, every: max(k, 1)})
}

// ClearFaults removes the scheduled faults of both kinds.
func (s *Server) ClearFaults() {
	s.Server.ClearFaults()
	s.mu.Lock()
	defer s.mu.Unlock()
	s.codes = nil
}

// codeFor returns the scheduled error answer for r, if any; s.mu held.
func (s *Server) codeFor(r *http.Request) (Code, bool) {
	for i, rule := range s.codes {
		if rule.target != "*" && rule.target != r.URL.Path && rule.target != r.Pattern {
			continue
		}
		if rule.every > 0 {
			rule.seen++
			if rule.seen%rule.every == 0 {
				return rule.c, true
			}
			continue
		}
		rule.left--
		if rule.left <= 0 {
			s.codes = append(s.codes[:i:i], s.codes[i+1:]...)
		}
		return rule.c, true
	}
	return Code{}, false
}

func bearer(r *http.Request) string {
	scheme, tok, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return ""
	}
	return strings.TrimSpace(tok)
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.tokens[bearer(r)]
	if g == nil || !s.Now().Before(g.expiry) {
		return "", false
	}
	return g.clientID, true
}

// call is one authenticated request being answered.
type call struct {
	r     *http.Request
	w     http.ResponseWriter
	app   string
	roles []string
	base  string // scheme and host, for links
}

func (c *call) has(roles ...string) bool {
	for _, want := range roles {
		if slices.Contains(c.roles, want) {
			return true
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
		if c, ok := s.codeFor(r); ok {
			s.mu.Unlock()
			writeCode(w, c)
			return
		}
		c := &call{r: r, w: w, app: emulator.Principal(r), base: emulator.BaseURL(r)}
		if g := s.tokens[bearer(r)]; g != nil {
			c.roles = g.roles
		}
		status, v := h(c)
		s.mu.Unlock()
		switch x := v.(type) {
		case nil:
		case Code:
			writeCode(w, x)
		default:
			emulator.WriteJSON(w, status, v)
		}
	}
}

func errorBody(c Code) map[string]any {
	return map[string]any{"error": map[string]any{"code": c.Code, "message": c.Message,
		"innerError": map[string]string{"date": time.Now().UTC().Format(time.RFC3339), "request-id": "00000000-0000-0000-0000-000000000000"}}}
}

func writeCode(w http.ResponseWriter, c Code) {
	if c.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(int((c.RetryAfter+time.Second-1)/time.Second)))
	}
	emulator.WriteJSON(w, c.Status, errorBody(c))
}

// Common error answers.
func itemNotFound(msg string) Code {
	return Code{Status: http.StatusNotFound, Code: "itemNotFound", Message: msg}
}

func invalidRequest(msg string) Code {
	return Code{Status: http.StatusBadRequest, Code: "invalidRequest", Message: msg}
}

// accessDenied is SharePoint's refusal of an app without Sites.Read.All.
func accessDenied() Code {
	return Code{Status: http.StatusForbidden, Code: "accessDenied", Message: "Either scp or roles claim need to be present in the token."}
}

// requestDenied is the directory's refusal of an app without a group
// permission.
func requestDenied() Code {
	return Code{Status: http.StatusForbidden, Code: "Authorization_RequestDenied", Message: "Insufficient privileges to complete the operation."}
}

// sharePoint reports whether the call may read sites and files.
func (c *call) sharePoint() bool { return c.has(SitesReadAll, FilesReadAll) }

// page returns the page of items a listing request asks for: $top (up to
// the server's page size) items after the offset its $skiptoken names,
// and the @odata.nextLink of the next page, empty on the last.
func page[T any](s *Server, c *call, items []T) ([]T, string, error) {
	size := s.opts.PageSize
	if v := c.r.URL.Query().Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, "", errBadTop
		}
		size = min(n, size)
	}
	start := 0
	if v := c.r.URL.Query().Get("$skiptoken"); v != "" {
		n, err := strconv.Atoi(strings.TrimPrefix(v, "X%27"))
		if err != nil || n < 0 {
			return nil, "", errBadSkip
		}
		start = n
	}
	if start >= len(items) {
		return []T{}, "", nil
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		u := *c.r.URL
		q := u.Query()
		q.Set("$skiptoken", "X%27"+strconv.Itoa(end))
		q.Set("$top", strconv.Itoa(size))
		u.RawQuery = q.Encode()
		next = c.base + u.RequestURI()
	}
	return items[start:end], next, nil
}

type pagingError string

func (e pagingError) Error() string { return string(e) }

const (
	errBadTop  = pagingError("Invalid value for $top.")
	errBadSkip = pagingError("The $skiptoken is invalid.")
)

// listing answers a page of values in Graph's collection shape.
func listing(values any, next string) map[string]any {
	m := map[string]any{"value": values}
	if next != "" {
		m["@odata.nextLink"] = next
	}
	return m
}

func timeString(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// identity is Graph's identitySet for a user id.
func (d *Data) identity(userID string) map[string]any {
	u := d.User(userID)
	if u == nil {
		return nil
	}
	return map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName, "email": u.Mail}}
}
