package githubemu

import (
	"encoding/json"
	"errors"
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
	// WebURL is the base of html_url values; "https://github.com" when
	// empty. Documents' ids come from it.
	WebURL string
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// RateLimit is the primary limit per token per hour; zero means 5,000,
	// GitHub's limit for a personal access token.
	RateLimit int
	// PrimaryStatus is the status of an exhausted primary rate limit: 403
	// (the default) or 429. GitHub documents both.
	PrimaryStatus int
	// SecondaryPerMinute, when positive, answers requests of one token past
	// this many in a minute with a secondary rate limit: 403 with
	// Retry-After and GitHub's message.
	SecondaryPerMinute int
	// IgnoreSort makes listings ignore sort and direction and answer in
	// creation order, to test that clients never trust an order they were
	// not given.
	IgnoreSort bool
	// NoNodeIDs leaves node_id out of repository objects, as some
	// GitHub-compatible servers do.
	NoNodeIDs bool
	// Clock tells the time; nil follows time.Now (a synctest bubble's fake
	// clock inside one).
	Clock emulator.Clock
}

// Server serves Data over GitHub's REST API on the emulator kit: the kit
// authenticates, applies the primary rate limit with GitHub's X-RateLimit-*
// headers, injects faults (FailNext, FailEvery) and logs requests
// (Requests, Count); this package adds GitHub's routes, objects, sort
// orders, Link pagination, visibility rules and secondary limits. It is
// safe for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu      sync.Mutex
	data    *Data
	tokens  map[string]*Token
	minutes map[string]*minute
}

// minute counts one token's requests in the current minute, for the
// secondary rate limit.
type minute struct {
	start time.Time
	n     int
}

// The faults GitHub answers with, for FailNext and FailEvery. The kit's
// TooManyRequests, InternalError, ConnectionReset and TruncatedBody apply
// as they are.
var (
	// SecondaryLimit is GitHub's answer to a burst: 403 with Retry-After.
	SecondaryLimit = emulator.Fault{Status: http.StatusForbidden, RetryAfter: time.Second}
	// BadGateway is GitHub's answer to a listing that timed out.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for an object deleted meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
)

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	if opts.WebURL == "" {
		opts.WebURL = "https://github.com"
	}
	opts.WebURL = strings.TrimSuffix(opts.WebURL, "/")
	if opts.PrimaryStatus == 0 {
		opts.PrimaryStatus = http.StatusForbidden
	}
	if opts.RateLimit == 0 {
		opts.RateLimit = 5000
	}
	s := &Server{opts: opts, data: data, tokens: map[string]*Token{}, minutes: map[string]*minute{}}
	body, _ := json.Marshal(errorJSON{Message: "API rate limit exceeded. Check out the documentation for more information about rate limits.",
		DocumentationURL: "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api", Status: strconv.Itoa(opts.PrimaryStatus)})
	s.Server = emulator.New(emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		RateLimit: &emulator.RateLimit{Limit: opts.RateLimit, Window: time.Hour, Status: opts.PrimaryStatus,
			Headers: emulator.HeadersGitHub, OmitRetryAfter: true, Body: string(body)},
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusUnauthorized, "Bad credentials")
		},
	})
	s.routes()
	return s
}

// AddToken makes the server accept token (sent as "Bearer token" or
// "token token") with the given grants.
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
	for pattern, h := range map[string]handler{
		"GET /user":                                       s.getAuthUser,
		"GET /users/{user}":                               s.getUser,
		"GET /users/{user}/repos":                         s.listUserRepos,
		"GET /user/repos":                                 s.listAuthUserRepos,
		"GET /orgs/{org}/repos":                           s.listOrgRepos,
		"GET /repos/{owner}/{repo}":                       s.getRepo,
		"GET /repos/{owner}/{repo}/pulls":                 s.listPulls,
		"GET /repos/{owner}/{repo}/issues":                s.listIssues,
		"GET /repos/{owner}/{repo}/issues/{num}":          s.getIssue,
		"GET /repos/{owner}/{repo}/pulls/{num}":           s.getPull,
		"GET /repos/{owner}/{repo}/issues/{num}/comments": s.listComments,
		"GET /repos/{owner}/{repo}/collaborators":         s.listCollaborators,
		"GET /repos/{owner}/{repo}/teams":                 s.listTeams,
		"GET /rate_limit":                                 s.getRateLimit,
		"GET /orgs/{org}/teams":                           s.listOrgTeams,
		"GET /orgs/{org}/teams/{team_slug}/members":       s.listTeamMembers,
	} {
		s.Handle(pattern, s.serve(h))
	}
	s.Handle("/", func(w http.ResponseWriter, _ *http.Request) { writeError(w, http.StatusNotFound, "Not Found") }, emulator.Public())
}

// call is one authenticated request being answered.
type call struct {
	r     *http.Request
	token *Token // nil for an anonymous request
}

// handler answers a call with a status and a JSON value, under s.mu.
type handler func(c *call, h http.Header) (int, any)

// serve runs a handler behind GitHub's own rules: latency, the secondary
// rate limit, and the headers every answer carries.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		principal := emulator.Principal(r)
		s.mu.Lock()
		tok := s.tokens[principal]
		if wait, limited := s.secondary(principal); limited {
			s.mu.Unlock()
			w.Header().Set("Retry-After", strconv.Itoa(wait))
			writeError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
			return
		}
		hdr := w.Header()
		hdr.Set("X-GitHub-Media-Type", "github.v3; format=json")
		hdr.Set("X-RateLimit-Resource", "core")
		if tok != nil && tok.Classic {
			hdr.Set("X-OAuth-Scopes", classicScopes(tok.Permissions))
		}
		status, v := h(&call{r: r, token: tok}, hdr)
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

// authenticate reads the Authorization header: "Bearer T" or "token T". No
// header means an anonymous caller; a token the server does not know is
// refused.
func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "anonymous", true
	}
	scheme, value, found := strings.Cut(h, " ")
	if !found || !(strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "token")) {
		return "", false
	}
	value = strings.TrimSpace(value)
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tokens[value] == nil {
		return "", false
	}
	return value, true
}

// secondary counts a request against the per-minute secondary limit and
// reports the seconds to wait when it is exceeded.
func (s *Server) secondary(principal string) (int, bool) {
	if s.opts.SecondaryPerMinute <= 0 {
		return 0, false
	}
	now := s.Now()
	m := s.minutes[principal]
	if m == nil || now.Sub(m.start) >= time.Minute {
		m = &minute{start: now.Truncate(time.Minute)}
		s.minutes[principal] = m
	}
	if m.n >= s.opts.SecondaryPerMinute {
		return max(1, int(m.start.Add(time.Minute).Sub(now).Seconds()+0.999)), true
	}
	m.n++
	return 0, false
}

func writeError(w http.ResponseWriter, status int, msg string) {
	emulator.WriteJSON(w, status, errorJSON{Message: msg, DocumentationURL: "https://docs.github.com/rest", Status: strconv.Itoa(status)})
}

var errNoRepo = errors.New("not found")

// visibleRepo returns the repository named by the path if the caller may
// see it: a private repository is hidden (404) from callers without access,
// as on GitHub.
func (s *Server) visibleRepo(c *call) (*Repo, error) {
	r := s.data.Repo(c.r.PathValue("owner") + "/" + c.r.PathValue("repo"))
	if r == nil || !canSee(c.token, r) {
		return nil, errNoRepo
	}
	return r, nil
}

func canSee(t *Token, r *Repo) bool {
	if !r.Private {
		return true
	}
	if t == nil || !t.Permissions.Private {
		return false
	}
	return r.Owner == t.User || slices.Contains(r.Collaborators, t.User) || r.Owner.Organization
}

func notFound() (int, any) {
	return http.StatusNotFound, errorJSON{Message: "Not Found", DocumentationURL: "https://docs.github.com/rest", Status: "404"}
}

func forbidden(msg string) (int, any) {
	return http.StatusForbidden, errorJSON{Message: msg, DocumentationURL: "https://docs.github.com/rest", Status: "403"}
}

func unprocessable(err error) (int, any) {
	return http.StatusUnprocessableEntity, errorJSON{Message: "Validation Failed: " + err.Error(),
		DocumentationURL: "https://docs.github.com/rest", Status: "422"}
}
