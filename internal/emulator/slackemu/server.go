package slackemu

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Token is an access token the emulator accepts.
type Token struct {
	// UserID is the bot user the token acts as: it reads history only of
	// channels that list it as a member.
	UserID string
	// Scopes are the OAuth scopes granted, such as "channels:history".
	Scopes []string
	// Revoked tokens fail with token_revoked.
	Revoked bool
}

// BotScopes are the scopes the connector's documentation asks for.
var BotScopes = []string{"channels:history", "channels:read", "groups:history", "groups:read", "users:read", "users:read.email"}

// Tiers are Slack's documented per-method rate limits, in requests per
// minute per token: Tier 2 is 20, Tier 3 is 50, Tier 4 is 100, and the
// special methods (auth.test, chat.getPermalink) allow hundreds.
var Tiers = map[string]int{
	"auth.test":             600,
	"chat.getPermalink":     600,
	"conversations.list":    20,
	"conversations.info":    50,
	"conversations.history": 50,
	"conversations.replies": 50,
	"conversations.members": 100,
	"users.info":            100,
	"users.list":            20,
}

// NonMarketplaceTiers are the limits Slack applies since 2025 to apps
// distributed commercially outside its Marketplace: conversations.history
// and conversations.replies allow one request a minute and at most 15
// messages a page.
func NonMarketplaceTiers() map[string]int {
	t := make(map[string]int, len(Tiers))
	for k, v := range Tiers {
		t[k] = v
	}
	t["conversations.history"], t["conversations.replies"] = 1, 1
	return t
}

// Request is one request the server received.
type Request struct {
	Method string // the Slack method, such as "conversations.history"
	Params map[string]string
	Status int
	Error  string // the Slack error code or fault, if any
}

// Server serves a Workspace as the Slack Web API. Its zero value is not
// usable; make one with NewServer.
type Server struct {
	mu     sync.Mutex
	ws     *Workspace
	tokens map[string]Token

	limits     map[string]int // requests per minute per method; nil = no limits
	maxPage    int            // cap on history and replies limit; 0 = 999
	windows    map[string]*window
	faults     map[string][]Fault
	randFaults *randomFaults
	latency    time.Duration
	now        func() time.Time
	log        []Request
}

type window struct {
	start time.Time
	n     int
}

// NewServer returns a server for ws accepting the given tokens (token
// string to Token). Rate limits are off until SetLimits.
func NewServer(ws *Workspace, tokens map[string]Token) *Server {
	return &Server{ws: ws, tokens: tokens, windows: map[string]*window{}, faults: map[string][]Fault{}, now: time.Now}
}

// Workspace runs f with the workspace locked, for changes while serving.
func (s *Server) Workspace(f func(*Workspace)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.ws)
}

// SetLimits sets per-method limits in requests per minute per token (see
// Tiers); nil switches limits off. maxPage caps the limit parameter of
// history and replies (15 for NonMarketplaceTiers); 0 keeps Slack's 999.
func (s *Server) SetLimits(limits map[string]int, maxPage int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limits, s.maxPage = limits, maxPage
	s.windows = map[string]*window{}
}

// SetLatency makes every request take at least d.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetClock replaces time.Now for rate-limit windows.
func (s *Server) SetClock(now func() time.Time) {
	s.mu.Lock()
	s.now = now
	s.mu.Unlock()
}

// Log returns the requests received so far.
func (s *Server) Log() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Request(nil), s.log...)
}

// Count returns how many requests a method received ("" for all).
func (s *Server) Count(method string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, r := range s.log {
		if method == "" || r.Method == method {
			n++
		}
	}
	return n
}

// ServeHTTP answers one Web API call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	method, ok := strings.CutPrefix(r.URL.Path, "/api/")
	if !ok || method == "" || strings.Contains(method, "/") {
		http.NotFound(w, r)
		return
	}
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusOK, errorBody("invalid_form_data"))
		return
	}
	params := map[string]string{}
	for k := range r.Form {
		if k != "token" {
			params[k] = r.Form.Get(k)
		}
	}
	s.mu.Lock()
	latency := s.latency
	s.mu.Unlock()
	if latency > 0 {
		time.Sleep(latency)
	}
	rec := Request{Method: method, Params: params}
	defer func() {
		s.mu.Lock()
		s.log = append(s.log, rec)
		s.mu.Unlock()
	}()
	if f, ok := s.nextFault(method); ok {
		rec.Error = "fault"
		rec.Status, rec.Error = f.apply(w)
		return
	}
	s.mu.Lock()
	status, body, retry := s.serve(method, bearer(r), params)
	s.mu.Unlock()
	rec.Status = status
	if e, ok := body["error"].(string); ok {
		rec.Error = e
	}
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	writeJSON(w, status, body)
}

func bearer(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return r.Form.Get("token")
}

type handler func(s *Server, tok Token, p map[string]string) obj

var methods = map[string]handler{
	"auth.test":             (*Server).authTest,
	"conversations.list":    (*Server).conversationsList,
	"conversations.info":    (*Server).conversationsInfo,
	"conversations.history": (*Server).conversationsHistory,
	"conversations.replies": (*Server).conversationsReplies,
	"conversations.members": (*Server).conversationsMembers,
	"users.info":            (*Server).usersInfo,
	"users.list":            (*Server).usersList,
	"chat.getPermalink":     (*Server).chatGetPermalink,
}

// serve runs with s.mu held. It returns the status, the body, and the
// Retry-After seconds of a rate-limited answer.
func (s *Server) serve(method, token string, p map[string]string) (int, obj, int) {
	h, ok := methods[method]
	if !ok {
		return http.StatusOK, errorBody("unknown_method"), 0
	}
	if token == "" {
		return http.StatusOK, errorBody("not_authed"), 0
	}
	tok, ok := s.tokens[token]
	switch {
	case !ok:
		return http.StatusOK, errorBody("invalid_auth"), 0
	case tok.Revoked:
		return http.StatusOK, errorBody("token_revoked"), 0
	}
	if wait := s.admit(token, method); wait > 0 {
		return http.StatusTooManyRequests, errorBody("ratelimited"), wait
	}
	return http.StatusOK, h(s, tok, p), 0
}

// admit counts a request against its per-minute window and returns the
// seconds to wait when the window is full.
func (s *Server) admit(token, method string) int {
	limit, ok := s.limits[method]
	if s.limits == nil || !ok {
		return 0
	}
	now := s.now()
	key := token + " " + method
	win := s.windows[key]
	if win == nil || now.Sub(win.start) >= time.Minute {
		win = &window{start: now}
		s.windows[key] = win
	}
	if win.n >= limit {
		return int(math.Ceil(win.start.Add(time.Minute).Sub(now).Seconds()))
	}
	win.n++
	return 0
}

type obj = map[string]any

func errorBody(code string) obj { return obj{"ok": false, "error": code} }

func missingScope(needed string, tok Token) obj {
	return obj{"ok": false, "error": "missing_scope", "needed": needed, "provided": strings.Join(tok.Scopes, ",")}
}

func has(tok Token, scope string) bool {
	for _, s := range tok.Scopes {
		if s == scope {
			return true
		}
	}
	return false
}

func writeJSON(w http.ResponseWriter, status int, body obj) {
	b, err := json.Marshal(body)
	if err != nil {
		status, b = http.StatusInternalServerError, []byte(`{"ok":false,"error":"internal_error"}`)
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

// randomFaults injects faults into a share of requests, deterministically
// from a seed.
type randomFaults struct {
	rate   float64
	rng    *rand.Rand
	faults []Fault
}
