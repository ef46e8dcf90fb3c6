package bitbucketemu

import (
	"crypto/subtle"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server.
type Options struct {
	// WebURL is the site's address, the base of every links.html.href;
	// "https://bitbucket.org" when empty. Documents' ids come from it.
	WebURL string
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// RateLimit is the number of requests one principal (a user with an
	// app password, or an access token) may send in any rolling Window;
	// zero means 1,000, Bitbucket's base limit for /2.0/repositories/*.
	// A request past it is answered 429 "Rate limit for this resource has
	// been exceeded" without Retry-After, as Bitbucket answers. Access
	// tokens' answers carry X-RateLimit-Limit, X-RateLimit-Resource and
	// X-RateLimit-NearLimit (under a fifth of the budget left); app
	// passwords' carry none.
	RateLimit int
	// Window is the rate limit's rolling period; zero means an hour.
	Window time.Duration
	// RetryAfter adds a Retry-After header (seconds until a request fits
	// the budget again) to 429 answers, which Bitbucket does not promise.
	RetryAfter bool
	// NextLinkBase, when set, replaces the scheme and host of next and
	// previous links, to test a client against links that lead elsewhere.
	NextLinkBase string
	// Clock tells the time; nil follows time.Now (a synctest bubble's fake
	// clock inside one).
	Clock emulator.Clock
}

// AccessToken is a repository, project or workspace access token. It acts
// as a bot user with the token's own permissions: it sees every repository
// of its workspace (or only Repository, for a repository access token),
// and Admin lets it read repository permissions and filter members by
// e-mail address.
type AccessToken struct {
	Workspace  string
	Repository string // slug, for a repository access token
	Admin      bool
}

// Server serves Data over Bitbucket Cloud's REST API 2.0 under /2.0 on the
// emulator kit: the kit injects faults (FailNext, FailEvery) and logs
// requests; this package adds Bitbucket's authentication (basic with an
// app password, or a bearer access token), routes, objects, pagination,
// BBQL filters and sorts, visibility rules and rate limit. It is safe for
// concurrent use.
type Server struct {
	*emulator.Server
	opts Options

	mu        sync.Mutex
	data      *Data
	passwords map[string]appPassword
	tokens    map[string]*AccessToken
	budgets   map[string]*budget
}

type appPassword struct {
	password string
	user     *User
}

// budget counts a principal's requests in slots of a sixtieth of the
// window, so the rolling window costs a bounded memory.
type budget struct {
	slots []slot
}

type slot struct {
	start time.Time
	n     int
}

// Faults Bitbucket answers with, for FailNext and FailEvery. The kit's
// InternalError, ConnectionReset and TruncatedBody apply as they are.
var (
	// RateLimited is Bitbucket's 429, without Retry-After.
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests}
	// BadGateway is an answer from behind the load balancer.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for an object deleted meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
	// Forbidden is the answer for an object the credentials may not read.
	Forbidden = emulator.Fault{Status: http.StatusForbidden}
)

// New returns a server for data. Add credentials with AddAppPassword and
// AddAccessToken.
func New(data *Data, opts Options) *Server {
	if opts.WebURL == "" {
		opts.WebURL = "https://bitbucket.org"
	}
	opts.WebURL = strings.TrimSuffix(opts.WebURL, "/")
	if opts.RateLimit == 0 {
		opts.RateLimit = 1000
	}
	if opts.Window == 0 {
		opts.Window = time.Hour
	}
	s := &Server{opts: opts, data: data, passwords: map[string]appPassword{}, tokens: map[string]*AccessToken{}, budgets: map[string]*budget{}}
	s.Server = emulator.New(emulator.Options{
		Auth:         s.authenticate,
		Clock:        opts.Clock,
		Latency:      opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) { writeError(w, http.StatusUnauthorized, "Unauthorized") },
	})
	s.routes()
	return s
}

// WebURL returns the site's address.
func (s *Server) WebURL() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.opts.WebURL
}

// SetWebURL changes the site's address, such as to the one Start returned.
func (s *Server) SetWebURL(u string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.WebURL = strings.TrimSuffix(u, "/")
}

// AddAppPassword lets username sign in with password (HTTP basic) as u.
func (s *Server) AddAppPassword(username, password string, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.passwords[username] = appPassword{password: password, user: u}
}

// AddAccessToken makes the server accept "Authorization: Bearer token".
func (s *Server) AddAccessToken(token string, t AccessToken) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = &t
}

// Revoke refuses a username's app password or an access token from now on.
func (s *Server) Revoke(usernameOrToken string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.passwords, usernameOrToken)
	delete(s.tokens, usernameOrToken)
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// authenticate names the principal: "user:NAME" or "token:T".
func (s *Server) authenticate(r *http.Request) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if user, pass, ok := r.BasicAuth(); ok {
		ap, known := s.passwords[user]
		if !known || subtle.ConstantTimeCompare([]byte(pass), []byte(ap.password)) != 1 {
			return "", false
		}
		return "user:" + user, true
	}
	scheme, value, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "bearer") || s.tokens[strings.TrimSpace(value)] == nil {
		return "", false
	}
	return "token:" + strings.TrimSpace(value), true
}

func (s *Server) routes() {
	const v2 = "GET /2.0"
	for pattern, h := range map[string]handler{
		"/user":                    s.getUser,
		"/workspaces/{ws}":         s.getWorkspace,
		"/workspaces/{ws}/members": s.listMembers,
		"/workspaces/{ws}/permissions/repositories/{slug}": s.listRepoPermissions,
		"/repositories/{ws}":                                   s.listRepositories,
		"/repositories/{ws}/{slug}":                            s.getRepository,
		"/repositories/{ws}/{slug}/pullrequests":               s.listPullRequests,
		"/repositories/{ws}/{slug}/pullrequests/{id}":          s.getPullRequest,
		"/repositories/{ws}/{slug}/pullrequests/{id}/comments": s.listComments,
	} {
		s.Handle(v2+pattern, s.serve(h))
	}
}

// call is one authenticated request being answered.
type call struct {
	r     *http.Request
	user  *User        // the signed-in user, nil for an access token
	token *AccessToken // nil for an app password
}

// handler answers a call with a status and a JSON value, under s.mu.
type handler func(c *call) (int, any)

// serve runs a handler behind the rate limit and the credentials' checks.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		principal := emulator.Principal(r)
		s.mu.Lock()
		c := &call{r: r}
		kind, name, _ := strings.Cut(principal, ":")
		if kind == "user" {
			if ap, ok := s.passwords[name]; ok {
				c.user = ap.user
			}
		} else {
			c.token = s.tokens[name]
		}
		if c.user == nil && c.token == nil { // revoked after authentication
			s.mu.Unlock()
			writeError(w, http.StatusUnauthorized, "Unauthorized")
			return
		}
		if !s.limit(w.Header(), principal, c.token != nil) {
			s.mu.Unlock()
			writeError(w, http.StatusTooManyRequests, "Rate limit for this resource has been exceeded")
			return
		}
		status, v := h(c)
		s.mu.Unlock()
		if e, ok := v.(errorBody); ok {
			writeError(w, status, e.msg)
			return
		}
		emulator.WriteJSON(w, status, v)
	}
}

// limit spends one request of the principal's rolling budget, reporting
// false past the limit.
func (s *Server) limit(h http.Header, principal string, token bool) bool {
	now := s.Now()
	b := s.budgets[principal]
	if b == nil {
		b = &budget{}
		s.budgets[principal] = b
	}
	cut := now.Add(-s.opts.Window)
	i := 0
	for i < len(b.slots) && !b.slots[i].start.After(cut) {
		i++
	}
	b.slots = b.slots[i:]
	used := 0
	for _, sl := range b.slots {
		used += sl.n
	}
	lim := s.opts.RateLimit
	if token {
		h.Set("X-RateLimit-Limit", strconv.Itoa(lim))
		h.Set("X-RateLimit-Resource", "api")
		h.Set("X-RateLimit-NearLimit", strconv.FormatBool(lim-used < lim/5))
	}
	if used >= lim {
		if s.opts.RetryAfter && len(b.slots) > 0 {
			wait := b.slots[0].start.Add(s.opts.Window).Sub(now)
			h.Set("Retry-After", strconv.Itoa(max(1, int(wait.Seconds()+0.999))))
		}
		return false
	}
	width := s.opts.Window / 60
	if n := len(b.slots); n > 0 && now.Sub(b.slots[n-1].start) < width {
		b.slots[n-1].n++
	} else {
		b.slots = append(b.slots, slot{start: now, n: 1})
	}
	return true
}

// errorBody is a handler's error answer.
type errorBody struct{ msg string }

// writeError answers as Bitbucket does: {"type":"error","error":{"message":...}}.
func writeError(w http.ResponseWriter, status int, msg string) {
	emulator.WriteJSON(w, status, map[string]any{"type": "error", "error": map[string]string{"message": msg}})
}

func fail(status int, msg string) (int, any) { return status, errorBody{msg} }

func notFound(what string) (int, any) { return fail(http.StatusNotFound, what+" not found") }

func forbidden(msg string) (int, any) { return fail(http.StatusForbidden, msg) }

func badRequest(msg string) (int, any) { return fail(http.StatusBadRequest, msg) }
