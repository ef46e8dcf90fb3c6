package gitlabemu

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tunes a Server.
type Options struct {
	// WebURL is the instance's address, the base of every web_url;
	// "https://gitlab.com" when empty. Documents' ids come from it.
	WebURL string
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// RateLimit is the number of API requests one token may send per
	// minute; zero means 2,000, GitLab.com's limit for authenticated API
	// traffic. Answers carry RateLimit-Limit, -Observed, -Remaining,
	// -Reset (epoch seconds) and -ResetTime; a request past the limit is
	// answered 429 "Retry later" with Retry-After.
	RateLimit int
	// NoGroupKeyset answers keyset pagination on a group's project listing
	// with 405, as GitLab does on endpoints that do not offer it.
	NoGroupKeyset bool
	// Clock tells the time; nil follows time.Now (a synctest bubble's fake
	// clock inside one).
	Clock emulator.Clock
}

// Server serves Data over GitLab's REST API on the emulator kit: the kit
// injects faults (FailNext, FailEvery) and logs requests (Requests,
// Count); this package adds GitLab's authentication, routes, objects,
// pagination, visibility rules and rate limit. It is safe for concurrent
// use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu     sync.Mutex
	data   *Data
	tokens map[string]*Token
	window map[string]*budget
}

// budget counts one token's requests in the current minute.
type budget struct {
	start time.Time
	n     int
}

// Faults GitLab answers with, for FailNext and FailEvery. The kit's
// TooManyRequests, InternalError, ConnectionReset and TruncatedBody apply
// as they are.
var (
	// BadGateway is GitLab's answer when a request timed out behind its
	// load balancer.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for an object deleted meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
)

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	if opts.WebURL == "" {
		opts.WebURL = "https://gitlab.com"
	}
	opts.WebURL = strings.TrimSuffix(opts.WebURL, "/")
	if opts.RateLimit == 0 {
		opts.RateLimit = 2000
	}
	s := &Server{opts: opts, data: data, tokens: map[string]*Token{}, window: map[string]*budget{}}
	s.Server = emulator.New(emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
		},
	})
	s.routes()
	return s
}

// WebURL returns the instance's address.
func (s *Server) WebURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.WebURL
}

// SetWebURL changes the instance's address, such as to the one Start
// returned, so that web addresses in answers point at the emulator.
func (s *Server) SetWebURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.WebURL = strings.TrimSuffix(u, "/")
}

// AddToken makes the server accept token (sent as PRIVATE-TOKEN or as
// "Authorization: Bearer") for t.
func (s *Server) AddToken(token string, t Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = &t
}

// RevokeToken makes the server refuse token from now on.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// Update runs f with the data locked, so a test can change the source while
// a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

func (s *Server) routes() {
	const v4 = "GET /api/v4"
	for pattern, h := range map[string]handler{
		"/user":                                     s.getAuthUser,
		"/personal_access_tokens/self":              s.getTokenSelf,
		"/users/{id}":                               s.getUser,
		"/groups/{id}":                              s.getGroup,
		"/groups/{id}/projects":                     s.listGroupProjects,
		"/groups/{id}/descendant_groups":            s.listDescendantGroups,
		"/groups/{id}/members":                      s.listGroupMembers(false),
		"/groups/{id}/members/all":                  s.listGroupMembers(true),
		"/projects":                                 s.listProjects,
		"/projects/{id}":                            s.getProject,
		"/projects/{id}/members":                    s.listProjectMembers(false),
		"/projects/{id}/members/all":                s.listProjectMembers(true),
		"/projects/{id}/issues":                     s.listItems(false),
		"/projects/{id}/issues/{iid}":               s.getItem(false),
		"/projects/{id}/issues/{iid}/notes":         s.listNotes(false),
		"/projects/{id}/merge_requests":             s.listItems(true),
		"/projects/{id}/merge_requests/{iid}":       s.getItem(true),
		"/projects/{id}/merge_requests/{iid}/notes": s.listNotes(true),
		"/projects/{id}/wikis":                      s.listWiki,
		"/projects/{id}/wikis/{slug}":               s.getWikiPage,
	} {
		s.Handle(v4+pattern, s.serve(h))
	}
	s.Handle("/", func(w http.ResponseWriter, _ *http.Request) {
		emulator.WriteJSON(w, http.StatusNotFound, map[string]string{"error": "404 Not Found"})
	}, emulator.Public())
}

// call is one authenticated request being answered.
type call struct {
	r     *http.Request
	token *Token
	admin bool
}

// handler answers a call with a status and a JSON value, under s.mu. It
// may set headers (pagination) on h.
type handler func(c *call, h http.Header) (int, any)

// serve runs a handler behind GitLab's own rules: the rate limit with its
// headers, the token's expiry and scopes.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		principal := emulator.Principal(r)
		s.mu.Lock()
		tok := s.tokens[principal]
		if tok == nil { // revoked after authentication
			s.mu.Unlock()
			emulator.WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "401 Unauthorized"})
			return
		}
		if !s.limit(w.Header(), principal) {
			s.mu.Unlock()
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(http.StatusTooManyRequests)
			w.Write([]byte("Retry later\n"))
			return
		}
		if !tok.ExpiresAt.IsZero() && !s.Now().Before(tok.ExpiresAt) {
			s.mu.Unlock()
			emulator.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_token",
				"error_description": "Token is expired. You can either do re-authorization or token refresh."})
			return
		}
		if !allowed(tok.Scopes, r.Pattern) {
			s.mu.Unlock()
			emulator.WriteJSON(w, http.StatusForbidden, map[string]string{"error": "insufficient_scope",
				"error_description": "The request requires higher privileges than provided by the access token.",
				"scope":             "api read_api"})
			return
		}
		c := &call{r: r, token: tok, admin: slices.Contains(s.data.Admins, tok.User)}
		status, v := h(c, w.Header())
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

// allowed reports whether scopes let a token use the route: read_api or
// api for everything, read_user for the token's own user.
func allowed(scopes []string, pattern string) bool {
	if slices.Contains(scopes, "api") || slices.Contains(scopes, "read_api") {
		return true
	}
	return slices.Contains(scopes, "read_user") && (strings.HasSuffix(pattern, "/user") || strings.Contains(pattern, "/users/"))
}

// limit spends one request of the principal's budget for the minute and
// writes GitLab's rate-limit headers, reporting false past the limit.
func (s *Server) limit(h http.Header, principal string) bool {
	now := s.Now()
	b := s.window[principal]
	if b == nil || now.Sub(b.start) >= time.Minute {
		b = &budget{start: now}
		s.window[principal] = b
	}
	reset := b.start.Add(time.Minute)
	b.n++
	lim := s.opts.RateLimit
	h.Set("RateLimit-Name", "throttle_authenticated_api")
	h.Set("RateLimit-Limit", strconv.Itoa(lim))
	h.Set("RateLimit-Observed", strconv.Itoa(b.n))
	h.Set("RateLimit-Remaining", strconv.Itoa(max(lim-b.n, 0)))
	h.Set("RateLimit-Reset", strconv.FormatInt(reset.Unix()+1, 10))
	h.Set("RateLimit-ResetTime", reset.Add(time.Second).UTC().Format(http.TimeFormat))
	if b.n > lim {
		h.Set("Retry-After", strconv.Itoa(max(1, int(reset.Sub(now).Seconds()+0.999))))
		return false
	}
	return true
}

// authenticate reads PRIVATE-TOKEN or "Authorization: Bearer T". A request
// without either, or with a token the server does not know, is refused:
// the connector reads nothing anonymously.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	v := strings.TrimSpace(r.Header.Get("PRIVATE-TOKEN"))
	if v == "" {
		scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
		if !ok || !strings.EqualFold(scheme, "bearer") {
			return "", false
		}
		v = strings.TrimSpace(value)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens[v] == nil {
		return "", false
	}
	return v, true
}

func notFound(what string) (int, any) {
	return http.StatusNotFound, map[string]string{"message": "404 " + what + " Not Found"}
}

func forbidden() (int, any) {
	return http.StatusForbidden, map[string]string{"message": "403 Forbidden"}
}

func badRequest(msg string) (int, any) {
	return http.StatusBadRequest, map[string]string{"error": msg}
}
