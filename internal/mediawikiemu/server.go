package mediawikiemu

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// APIPath is where the Action API answers, as on a default install and
// on Wikimedia's wikis.
const APIPath = "/w/api.php"

// SessionCookie names the session cookie the emulator sets.
const SessionCookie = "emuwiki_session"

// Options tune a Server.
type Options struct {
	// Private makes the wiki readable only after login: anonymous reads
	// answer readapidenied, as with $wgGroupPermissions['*']['read'] =
	// false.
	Private bool
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
	// RetryAfter is the Retry-After, in seconds, of maxlag and ratelimited
	// answers; zero means 5, Wikimedia's advice.
	RetryAfter int
	// MaxCategories is what cllimit=max means; zero means 500, as for a
	// client without the apihighlimits right.
	MaxCategories int
}

// Server serves Data over the Action API. It is safe for concurrent use.
type Server struct {
	*emulator.Server
	opts Options

	mu       sync.Mutex
	data     *Data
	users    map[string]string // bot password user ("Name@bot") -> password
	sessions map[string]string // session id -> user name, "" before login
	tokens   map[string]string // login token -> session id
	lag      int               // maxlag answers still to give
	limited  int               // ratelimited answers still to give
	broken   map[int]bool      // pages whose parse fails
}

// BreakParse makes action=parse of the page fail with an internal error,
// as a page whose rendering throws does.
func (s *Server) BreakParse(pageID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.broken[pageID] = true
}

// The HTTP faults a wiki behind Wikimedia's caches answers with.
var (
	BadGateway     = emulator.Fault{Status: http.StatusBadGateway}
	TooManyRequest = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
)

// New returns a server for data. Add bot passwords with AddUser.
func New(data *Data, opts Options) *Server {
	s := &Server{opts: opts, data: data, users: map[string]string{}, sessions: map[string]string{}, tokens: map[string]string{}, broken: map[int]bool{}}
	s.Server = emulator.New(emulator.Options{Clock: opts.Clock, Latency: opts.Latency})
	s.Handle("GET "+APIPath, s.api)
	s.Handle("POST "+APIPath, s.api)
	s.Handle("GET /wiki/{title...}", s.article, emulator.Public())
	return s
}

// AddUser accepts a bot password: user is "Name@BotName".
func (s *Server) AddUser(user, password string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.users[user] = password
}

// EndSessions forgets every session, as when sessions expire.
func (s *Server) EndSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
	clear(s.tokens)
}

// LagNext answers the next n requests that send maxlag with a maxlag
// error.
func (s *Server) LagNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.lag = n
}

// RateLimitNext answers the next n queries with a ratelimited error.
func (s *Server) RateLimitNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.limited = n
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// apiError is the body of an error answer.
func apiError(w http.ResponseWriter, code, info string) {
	w.Header().Set("MediaWiki-API-Error", code)
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"error": map[string]any{"code": code, "info": info,
		"docref": "See " + APIPath + " for API usage."}, "servedby": "mw-emulator"})
}

func (s *Server) retryAfter() string { return strconv.Itoa(cmp.Or(s.opts.RetryAfter, 5)) }

func (s *Server) api(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		apiError(w, "badrequest", "cannot read the request")
		return
	}
	f := r.Form
	s.mu.Lock()
	defer s.mu.Unlock()
	if f.Get("maxlag") != "" && s.lag > 0 {
		s.lag--
		w.Header().Set("Retry-After", s.retryAfter())
		w.Header().Set("X-Database-Lag", "7")
		apiError(w, "maxlag", "Waiting for db1: 7 seconds lagged.")
		return
	}
	if s.limited > 0 {
		s.limited--
		w.Header().Set("Retry-After", s.retryAfter())
		apiError(w, "ratelimited", "As an anti-abuse measure, you are limited from performing this action too many times in a short space of time.")
		return
	}
	if f.Get("format") != "json" {
		apiError(w, "badformat", "the emulator answers format=json only")
		return
	}
	sid, user := s.session(r)
	if f.Get("assert") == "user" && user == "" {
		apiError(w, "assertuserfailed", "You are no longer logged in, so the action could not be completed.")
		return
	}
	switch f.Get("action") {
	case "query":
		s.query(w, r, sid, user)
	case "parse":
		if s.opts.Private && user == "" {
			apiError(w, "readapidenied", "You need read permission to use this module.")
			return
		}
		s.parse(w, r)
	case "login":
		s.login(w, r, sid)
	default:
		apiError(w, "badvalue", "Unrecognized value for parameter \"action\".")
	}
}

// session returns the request's session id and its user.
func (s *Server) session(r *http.Request) (string, string) {
	c, err := r.Cookie(SessionCookie)
	if err != nil {
		return "", ""
	}
	u, ok := s.sessions[c.Value]
	if !ok {
		return "", ""
	}
	return c.Value, u
}

func newID() string {
	b := make([]byte, 12)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request, sid string) {
	if r.Method != http.MethodPost {
		apiError(w, "mustbeposted", "The \"login\" module requires a POST request.")
		return
	}
	f := r.Form
	if tsid, ok := s.tokens[f.Get("lgtoken")]; !ok || sid == "" || tsid != sid {
		emulator.WriteJSON(w, http.StatusOK, map[string]any{"login": map[string]any{"result": "WrongToken"}})
		return
	}
	delete(s.tokens, f.Get("lgtoken"))
	name := f.Get("lgname")
	if pw, ok := s.users[name]; !ok || pw != f.Get("lgpassword") || name == "" {
		emulator.WriteJSON(w, http.StatusOK, map[string]any{"login": map[string]any{"result": "Failed",
			"reason": "Incorrect username or password entered. Please try again."}})
		return
	}
	user, _, _ := strings.Cut(name, "@")
	s.sessions[sid] = user
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"login": map[string]any{"result": "Success", "lguserid": 7, "lgusername": user}})
}

// article serves a page's HTML at its article path, for links.
func (s *Server) article(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	p := s.data.Page(r.PathValue("title"))
	var html string
	if p != nil {
		html = renderHTML(p.Last().Content, true)
	}
	s.mu.Unlock()
	if p == nil {
		http.NotFound(w, r)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Write([]byte("<!DOCTYPE html><title>" + p.Title + "</title><main>" + html + "</main>"))
}

func (s *Server) parse(w http.ResponseWriter, r *http.Request) {
	f := r.Form
	var p *Page
	if id := f.Get("pageid"); id != "" {
		n, _ := strconv.Atoi(id)
		if p = s.data.PageByID(n); p == nil {
			apiError(w, "nosuchpageid", "There is no page with ID "+id+".")
			return
		}
	} else if p = s.data.Page(f.Get("page")); p == nil {
		apiError(w, "missingtitle", "The page you specified doesn't exist.")
		return
	}
	if s.broken[p.ID] {
		apiError(w, "internal_api_error_MWException", "[emulated] Exception caught: rendering failed")
		return
	}
	last := p.Last()
	out := map[string]any{"title": p.Title, "pageid": p.ID, "revid": last.ID}
	props := split(f.Get("prop"))
	if slices.Contains(props, "text") {
		out["text"] = "<div class=\"mw-content-ltr mw-parser-output\" lang=\"en\" dir=\"ltr\">" + renderHTML(last.Content, f.Get("disableeditsection") == "") + "</div>"
	}
	if slices.Contains(props, "categories") {
		var cats []map[string]any
		for _, c := range p.Categories {
			cats = append(cats, map[string]any{"sortkey": "", "category": strings.ReplaceAll(c, " ", "_")})
		}
		out["categories"] = cats
	}
	if slices.Contains(props, "sections") {
		out["sections"] = sectionsOf(last.Content)
	}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"parse": out})
}

// split reads a multi-value parameter ("a|b").
func split(v string) []string {
	if v == "" {
		return nil
	}
	return strings.Split(v, "|")
}
