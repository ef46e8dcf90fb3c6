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
)

// Options tunes a Server.
type Options struct {
	// WebURL is the base of html_url values; "https://github.com" when
	// empty. Documents' ids come from it.
	WebURL string
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// SecondaryPerMinute, when positive, answers requests of one token past
	// this many in a minute with a secondary rate limit (403 and
	// Retry-After: 60).
	SecondaryPerMinute int
	// PrimaryStatus is the status of an exhausted primary rate limit: 403
	// (the default) or 429. GitHub documents both.
	PrimaryStatus int
	// IgnoreSort makes listings ignore sort and direction and answer in
	// creation order, to test that clients never trust an order they were
	// not given.
	IgnoreSort bool
	// Now is the clock; time.Now when nil.
	Now func() time.Time
}

// Server serves Data over GitHub's REST API. It is safe for concurrent use;
// tests may change the data between requests through Update.
type Server struct {
	opts Options
	mu   sync.Mutex
	data *Data
	// tokens maps token values to their grants.
	tokens map[string]*Token
	limits map[string]*window
	faults *faultPlan
	stats  Stats
	mux    *http.ServeMux
}

// Stats counts what the server answered.
type Stats struct {
	Requests    int
	RateLimited int // primary and secondary rate limit answers
	Faults      int // injected faults
	ByPath      map[string]int
}

type window struct {
	reset     time.Time
	used      int
	minute    time.Time
	perMinute int
}

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	if opts.WebURL == "" {
		opts.WebURL = "https://github.com"
	}
	opts.WebURL = strings.TrimSuffix(opts.WebURL, "/")
	if opts.PrimaryStatus == 0 {
		opts.PrimaryStatus = http.StatusForbidden
	}
	s := &Server{opts: opts, data: data, tokens: map[string]*Token{}, limits: map[string]*window{},
		faults: &faultPlan{}, stats: Stats{ByPath: map[string]int{}}}
	s.routes()
	return s
}

// AddToken makes the server accept token (sent as "Bearer token" or
// "token token") with the given grants.
func (s *Server) AddToken(token string, t Token) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.RateLimit == 0 {
		t.RateLimit = 5000
	}
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

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByPath = make(map[string]int, len(s.stats.ByPath))
	for k, v := range s.stats.ByPath {
		st.ByPath[k] = v
	}
	return st
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.opts.Latency > 0 {
		t := time.NewTimer(s.opts.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	w.Header().Set("X-GitHub-Media-Type", "github.v3; format=json")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) now() time.Time {
	if s.opts.Now != nil {
		return s.opts.Now()
	}
	return time.Now()
}

func (s *Server) routes() {
	s.mux = http.NewServeMux()
	for pattern, h := range map[string]handler{
		"GET /user":                                       s.getAuthUser,
		"GET /users/{user}":                               s.getUser,
		"GET /users/{user}/repos":                         s.listUserRepos,
		"GET /user/repos":                                 s.listAuthUserRepos,
		"GET /orgs/{org}/repos":                           s.listOrgRepos,
		"GET /repos/{owner}/{repo}":                       s.getRepo,
		"GET /repos/{owner}/{repo}/pulls":                 s.listPulls,
		"GET /repos/{owner}/{repo}/issues":                s.listIssues,
		"GET /repos/{owner}/{repo}/issues/{num}/comments": s.listComments,
		"GET /repos/{owner}/{repo}/collaborators":         s.listCollaborators,
		"GET /repos/{owner}/{repo}/teams":                 s.listTeams,
		"GET /rate_limit":                                 s.getRateLimit,
	} {
		s.mux.Handle(pattern, s.wrap(pattern, h))
	}
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "Not Found")
	})
}

// call is one authenticated request being answered.
type call struct {
	r     *http.Request
	token *Token // nil for an anonymous request
}

// handler answers a call with a status and a JSON value, under s.mu.
type handler func(c *call, h http.Header) (int, any)

// wrap authenticates, counts against the rate limits, injects faults and
// encodes the handler's answer.
func (s *Server) wrap(pattern string, h handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.stats.Requests++
		s.stats.ByPath[pattern]++
		key, tok, ok := s.authenticate(r)
		if !ok {
			s.mu.Unlock()
			writeError(w, http.StatusUnauthorized, "Bad credentials")
			return
		}
		if tok != nil && tok.Classic {
			w.Header().Set("X-OAuth-Scopes", classicScopes(tok.Permissions))
		}
		if s.rateLimit(w, key, tok) {
			s.stats.RateLimited++
			s.mu.Unlock()
			return
		}
		fault := s.faults.next(pattern)
		if fault != FaultNone {
			s.stats.Faults++
		}
		status, v := h(&call{r: r, token: tok}, w.Header())
		s.mu.Unlock()
		body, err := json.Marshal(v)
		if err != nil {
			writeError(w, http.StatusInternalServerError, "encode: "+err.Error())
			return
		}
		if fault != FaultNone && injectFault(w, fault, body) {
			return
		}
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(status)
		_, _ = w.Write(body)
	})
}

// authenticate reads the Authorization header: "Bearer T" or "token T".
// No header means an anonymous caller; a token the server does not know
// is refused.
func (s *Server) authenticate(r *http.Request) (key string, tok *Token, ok bool) {
	h := r.Header.Get("Authorization")
	if h == "" {
		return "anon:" + strings.Split(r.RemoteAddr, ":")[0], nil, true
	}
	scheme, value, found := strings.Cut(h, " ")
	if !found || !(strings.EqualFold(scheme, "bearer") || strings.EqualFold(scheme, "token")) {
		return "", nil, false
	}
	t := s.tokens[strings.TrimSpace(value)]
	if t == nil {
		return "", nil, false
	}
	return "token:" + value, t, true
}

// rateLimit counts the request against the primary limit (per hour) and the
// secondary one (per minute), sets the X-RateLimit-* headers, and answers
// the request itself when a limit is exceeded.
func (s *Server) rateLimit(w http.ResponseWriter, key string, tok *Token) bool {
	limit := 60
	if tok != nil {
		limit = tok.RateLimit
	}
	now := s.now()
	win := s.limits[key]
	if win == nil || !now.Before(win.reset) {
		win = &window{reset: now.Add(time.Hour).Truncate(time.Second)}
		s.limits[key] = win
	}
	h := w.Header()
	set := func() {
		h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(max(0, limit-win.used)))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(win.reset.Unix(), 10))
		h.Set("X-RateLimit-Used", strconv.Itoa(win.used))
		h.Set("X-RateLimit-Resource", "core")
	}
	if win.used >= limit {
		set()
		writeError(w, s.opts.PrimaryStatus, "API rate limit exceeded. Check out the documentation for more information about rate limits.")
		return true
	}
	if s.opts.SecondaryPerMinute > 0 {
		if m := now.Truncate(time.Minute); !m.Equal(win.minute) {
			win.minute, win.perMinute = m, 0
		}
		if win.perMinute >= s.opts.SecondaryPerMinute {
			set()
			h.Set("Retry-After", strconv.Itoa(max(1, int(win.minute.Add(time.Minute).Sub(now).Seconds()+0.999))))
			writeError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
			return true
		}
		win.perMinute++
	}
	win.used++
	set()
	return false
}

func writeError(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	b, _ := json.Marshal(errorJSON{Message: msg, DocumentationURL: "https://docs.github.com/rest", Status: strconv.Itoa(status)})
	_, _ = w.Write(b)
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
