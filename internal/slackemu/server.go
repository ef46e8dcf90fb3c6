package slackemu

import (
	"encoding/json"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
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
var BotScopes = []string{"channels:history", "channels:read", "groups:history", "groups:read", "users:read", "users:read.email", "usergroups:read"}

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
	"usergroups.list":       20,
	"usergroups.users.list": 20,
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

// Server serves a Workspace as the Slack Web API on top of the emulator
// kit, whose fault schedule (FailNext, FailEvery), request log (Requests,
// Count), in-memory transport (Client) and loopback listener (Start) it
// inherits. Make one with NewServer.
type Server struct {
	*emulator.Server

	mu      sync.Mutex
	ws      *Workspace
	tokens  map[string]Token
	limits  map[string]int // requests per minute per method; nil = no limits
	maxPage int            // cap on history and replies limit; 0 = 999
	windows map[string]*window
	errs    map[string][]string // Slack error codes queued per method
	broken  map[string]string   // channel+" "+ts -> the code replies always answer
	// noHistoryCursor makes history answer has_more without a cursor, as
	// before Slack added cursors to it.
	noHistoryCursor bool
}

type window struct {
	start time.Time
	n     int
}

// NewServer returns a server for ws accepting the given tokens (token
// string to Token). Rate limits are off until SetLimits. Close it when
// done (inside a testing/synctest bubble, before the bubble ends).
func NewServer(ws *Workspace, tokens map[string]Token) *Server {
	s := &Server{ws: ws, tokens: tokens, windows: map[string]*window{}, errs: map[string][]string{},
		broken: map[string]string{}}
	s.Server = emulator.New(emulator.Options{Auth: s.auth, Unauthorized: s.unauthorized})
	s.Handle("/api/{method}", s.serveMethod)
	return s
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

// OmitHistoryCursors makes conversations.history say has_more without a
// next_cursor, as it did before cursors, so that clients must page with
// latest set to the oldest ts they have.
func (s *Server) OmitHistoryCursors(omit bool) {
	s.mu.Lock()
	s.noHistoryCursor = omit
	s.mu.Unlock()
}

// FailWithError makes the next calls of method answer HTTP 200 with
// {"ok": false, "error": code}, one code per call, in order.
func (s *Server) FailWithError(method string, codes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs[method] = append(s.errs[method], codes...)
}

// BreakThread makes conversations.replies for one thread always answer
// with the Slack error code, such as "internal_error" or
// "thread_not_found".
func (s *Server) BreakThread(channelID, ts, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken[channelID+" "+ts] = code
}

// FailOften schedules a mix of faults across every method: a 429 with
// Retry-After every 7th request, a 500 every 11th, a 503 every 13th, a
// reset connection every 17th and a truncated body every 19th.
func (s *Server) FailOften() {
	s.FailEvery("*", 7, emulator.TooManyRequests)
	s.FailEvery("*", 11, emulator.InternalError)
	s.FailEvery("*", 13, emulator.ServiceUnavailable)
	s.FailEvery("*", 17, emulator.ConnectionReset)
	s.FailEvery("*", 19, emulator.TruncatedBody)
}

// Calls returns how many requests reached a method, faults included.
func (s *Server) Calls(method string) int { return s.Count("/api/" + method) }

// token reads the request's token: a Bearer header or a token parameter.
func token(r *http.Request) string {
	if t, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		return strings.TrimSpace(t)
	}
	return r.FormValue("token")
}

func (s *Server) auth(r *http.Request) (string, bool) {
	t := token(r)
	s.mu.Lock()
	tok, ok := s.tokens[t]
	s.mu.Unlock()
	return t, ok && !tok.Revoked && t != ""
}

// unauthorized answers like Slack: HTTP 200 and an error code.
func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	t := token(r)
	s.mu.Lock()
	tok, known := s.tokens[t]
	s.mu.Unlock()
	code := "invalid_auth"
	switch {
	case t == "":
		code = "not_authed"
	case known && tok.Revoked:
		code = "token_revoked"
	}
	writeJSON(w, http.StatusOK, errorBody(code))
}

// serveMethod answers one Web API call.
func (s *Server) serveMethod(w http.ResponseWriter, r *http.Request) {
	method := r.PathValue("method")
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
	status, body, retry := s.serve(method, emulator.Principal(r), params)
	s.mu.Unlock()
	if retry > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(retry))
	}
	writeJSON(w, status, body)
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
	"usergroups.list":       (*Server).usergroupsList,
	"usergroups.users.list": (*Server).usergroupsUsersList,
}

// serve runs with s.mu held. It returns the status, the body, and the
// Retry-After seconds of a rate-limited answer.
func (s *Server) serve(method, token string, p map[string]string) (int, obj, int) {
	h, ok := methods[method]
	if !ok {
		return http.StatusOK, errorBody("unknown_method"), 0
	}
	if wait := s.admit(token, method); wait > 0 {
		return http.StatusTooManyRequests, errorBody("ratelimited"), wait
	}
	if q := s.errs[method]; len(q) > 0 {
		s.errs[method] = q[1:]
		return http.StatusOK, errorBody(q[0]), 0
	}
	if code := s.broken[p["channel"]+" "+p["ts"]]; code != "" && method == "conversations.replies" {
		return http.StatusOK, errorBody(code), 0
	}
	return http.StatusOK, h(s, s.tokens[token], p), 0
}

// admit counts a request against its per-minute window and returns the
// seconds to wait when the window is full.
func (s *Server) admit(token, method string) int {
	limit, ok := s.limits[method]
	if s.limits == nil || !ok {
		return 0
	}
	now := s.Now()
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
