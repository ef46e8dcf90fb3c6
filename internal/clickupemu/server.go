// Package clickupemu emulates the parts of ClickUp's API v2 that the
// clickup connector reads, on the emulator kit: the token's user and
// workspaces, spaces, folders, lists, tasks (page-numbered, 100 a page,
// sorted and filtered by update time, with last_page), task comments
// (25 newest, then older ones by start and start_id), list and task
// members and user groups. Personal tokens (pk_...) are sent as the
// Authorization header alone, OAuth tokens as Bearer; errors are
// {"err": ..., "ECODE": ...} with ClickUp's codes, and every answer
// carries X-RateLimit-Limit, -Remaining and -Reset (epoch seconds) of a
// per-token budget per minute, refused with 429 when spent.
package clickupemu

import (
	"cmp"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server. Every field may be left zero.
type Options struct {
	// PerMinute is the requests one token may send per minute; zero
	// means 100 (the Free Forever plan), negative means no limit.
	PerMinute int
	// PageSize is the number of tasks a page holds; zero means 100.
	PageSize int
	// CommentPage is the number of comments an answer holds; zero means
	// 25.
	CommentPage int
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Prefix is the path of the API's root, as in
// https://api.clickup.com/api/v2.
const Prefix = "/api/v2"

// The faults ClickUp answers with, for FailNext and FailEvery.
var (
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
)

// Server serves Data over ClickUp's API. It is safe for concurrent use.
type Server struct {
	*emulator.Server
	opts Options

	mu      sync.Mutex
	data    *Data
	tokens  map[string]*token
	revoked map[string]bool
}

type token struct {
	user  int64
	teams []string // the workspaces an OAuth app was authorized for; nil: all the user's
	oauth bool
}

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	opts.PageSize = cmp.Or(opts.PageSize, 100)
	opts.CommentPage = cmp.Or(opts.CommentPage, 25)
	s := &Server{opts: opts, data: data, tokens: map[string]*token{}, revoked: map[string]bool{}}
	var limit *emulator.RateLimit
	if opts.PerMinute >= 0 {
		limit = &emulator.RateLimit{Limit: cmp.Or(opts.PerMinute, 100), Window: time.Minute, Headers: emulator.HeadersGitHub,
			OmitRetryAfter: true, Body: `{"err":"Rate limit reached","ECODE":"APP_002"}`}
	}
	s.Server = emulator.New(emulator.Options{Auth: s.authenticate, Clock: opts.Clock, Latency: opts.Latency,
		RateLimit: limit, Unauthorized: s.unauthorized})
	s.route("GET /user", s.user)
	s.route("GET /team", s.teams)
	s.route("GET /team/{team}/space", s.spaces)
	s.route("GET /space/{space}/folder", s.folders)
	s.route("GET /folder/{folder}/list", s.folderLists)
	s.route("GET /space/{space}/list", s.spaceLists)
	s.route("GET /list/{list}/task", s.tasks)
	s.route("GET /list/{list}/member", s.listMembers)
	s.route("GET /task/{task}", s.task)
	s.route("GET /task/{task}/comment", s.comments)
	s.route("GET /task/{task}/member", s.taskMembers)
	s.route("GET /group", s.groups)
	return s
}

// AddToken accepts a personal token (pk_...) or an OAuth access token of
// user; an OAuth token may be limited to the workspaces named.
func (s *Server) AddToken(tok string, user int64, teams ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = &token{user: user, teams: teams, oauth: !strings.HasPrefix(tok, "pk_")}
}

// RevokeToken makes tok refused as a token no longer found.
func (s *Server) RevokeToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tok)
	s.revoked[tok] = true
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// Touch sets the update time of the task with id to the emulator's now
// after change, as an edit in ClickUp does.
func (s *Server) Touch(id string, change func(*Task)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	k, _, ok := s.data.FindTask(id, false, "")
	if ok {
		if change != nil {
			change(k)
		}
		k.Updated = s.Now().UTC().Truncate(time.Millisecond)
	}
	return ok
}

// header reads the token from the Authorization header: a personal
// token alone, an OAuth token after Bearer.
func header(r *http.Request) (tok string, oauth bool) {
	v := r.Header.Get("Authorization")
	if t, ok := strings.CutPrefix(v, "Bearer "); ok {
		return t, true
	}
	return v, false
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	tok, oauth := header(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	t := s.tokens[tok]
	if t == nil || t.oauth != oauth {
		return "", false
	}
	return tok, true
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	tok, _ := header(r)
	s.mu.Lock()
	revoked := s.revoked[tok]
	s.mu.Unlock()
	switch {
	case tok == "":
		writeError(w, http.StatusBadRequest, "OAUTH_017", "Authorization header required")
	case revoked:
		writeError(w, http.StatusUnauthorized, "OAUTH_019", "Oauth token not found")
	default:
		writeError(w, http.StatusUnauthorized, "OAUTH_025", "Token invalid")
	}
}

// answer is a handler's result: a status and a body, or an error.
type answer struct {
	status int
	body   any
	ecode  string
	err    string
}

func ok(body any) answer { return answer{status: http.StatusOK, body: body} }

func fail(status int, ecode, msg string) answer {
	return answer{status: status, ecode: ecode, err: msg}
}

var (
	notAuthorized = fail(http.StatusUnauthorized, "OAUTH_027", "Team not authorized")
	taskNotFound  = fail(http.StatusNotFound, "ITEM_013", "Task not found, deleted")
)

type handler func(r *http.Request, t *token) answer

func (s *Server) route(pattern string, h handler) {
	method, path, _ := strings.Cut(pattern, " ")
	s.Handle(method+" "+Prefix+path, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		t := s.tokens[emulator.Principal(r)]
		if t == nil {
			writeError(w, http.StatusUnauthorized, "OAUTH_019", "Oauth token not found")
			return
		}
		a := h(r, t)
		if a.ecode != "" {
			writeError(w, a.status, a.ecode, a.err)
			return
		}
		emulator.WriteJSON(w, a.status, a.body)
	})
}

func writeError(w http.ResponseWriter, status int, ecode, msg string) {
	emulator.WriteJSON(w, status, map[string]string{"err": msg, "ECODE": ecode})
}

// may reports whether t reads the workspace.
func (s *Server) may(t *token, team *Team) bool {
	return team != nil && slices.Contains(team.Members, t.user) && (t.teams == nil || slices.Contains(t.teams, team.ID))
}

// sees reports whether t reads the list.
func (s *Server) sees(t *token, l Located) bool {
	return s.may(t, l.Team) && slices.Contains(l.Members(), t.user)
}

func (s *Server) findSpace(id string) (*Team, *Space) {
	for _, t := range s.data.Teams {
		for _, sp := range t.Spaces {
			if sp.ID == id {
				return t, sp
			}
		}
	}
	return nil, nil
}

func (s *Server) seesSpace(t *token, team *Team, sp *Space) bool {
	return s.may(t, team) && (!sp.Private || slices.Contains(sp.Members, t.user))
}

func (s *Server) user(_ *http.Request, t *token) answer {
	u := s.data.User(t.user)
	if u == nil {
		return notAuthorized
	}
	m := s.userJSON(u)
	m["week_start_day"], m["global_font_support"], m["timezone"] = 0, true, "Europe/Berlin"
	return ok(map[string]any{"user": m})
}

func (s *Server) userJSON(u *User) map[string]any {
	return map[string]any{"id": u.ID, "username": u.Username, "email": u.Email, "color": "#7b68ee",
		"profilePicture": nil, "initials": initials(u.Username)}
}

func initials(name string) string {
	var b []byte
	for _, f := range strings.Fields(name) {
		b = append(b, strings.ToUpper(f[:1])...)
	}
	return string(b)
}

func (s *Server) members(ids []int64, wrap bool) []any {
	out := []any{}
	for _, id := range ids {
		if u := s.data.User(id); u != nil {
			m := s.userJSON(u)
			if wrap {
				m["role"] = u.Role
				out = append(out, map[string]any{"user": m})
				continue
			}
			out = append(out, m)
		}
	}
	return out
}

func (s *Server) teams(_ *http.Request, t *token) answer {
	out := []any{}
	for _, team := range s.data.Teams {
		if s.may(t, team) {
			out = append(out, map[string]any{"id": team.ID, "name": team.Name, "color": "#536cfe", "avatar": nil,
				"members": s.members(team.Members, true)})
		}
	}
	return ok(map[string]any{"teams": out})
}

// archived reads the archived parameter: false unless "true".
func archived(r *http.Request) bool { return r.URL.Query().Get("archived") == "true" }

func (s *Server) spaces(r *http.Request, t *token) answer {
	team := s.data.Team(r.PathValue("team"))
	if !s.may(t, team) {
		return notAuthorized
	}
	out := []any{}
	for _, sp := range team.Spaces {
		if sp.Archived == archived(r) && s.seesSpace(t, team, sp) {
			m := map[string]any{"id": sp.ID, "name": sp.Name, "private": sp.Private, "archived": sp.Archived,
				"multiple_assignees": true, "statuses": []any{}, "features": map[string]any{"due_dates": map[string]any{"enabled": true}}}
			if sp.Private {
				m["members"] = s.members(sp.Members, true)
			}
			out = append(out, m)
		}
	}
	return ok(map[string]any{"spaces": out})
}

func (s *Server) folders(r *http.Request, t *token) answer {
	team, sp := s.findSpace(r.PathValue("space"))
	if sp == nil || !s.seesSpace(t, team, sp) {
		return notAuthorized
	}
	out := []any{}
	for _, f := range sp.Folders {
		if f.Archived != archived(r) || (f.Private && !slices.Contains(f.Members, t.user)) {
			continue
		}
		lists := []any{}
		for _, l := range f.Lists {
			if loc := (Located{team, sp, f, l}); !l.Archived && s.sees(t, loc) {
				lists = append(lists, s.listJSON(loc))
			}
		}
		out = append(out, map[string]any{"id": f.ID, "name": f.Name, "orderindex": 0, "override_statuses": false, "hidden": false,
			"private": f.Private, "archived": f.Archived, "space": map[string]any{"id": sp.ID, "name": sp.Name},
			"task_count": strconv.Itoa(taskCount(f.Lists)), "lists": lists})
	}
	return ok(map[string]any{"folders": out})
}

func taskCount(lists []*List) int {
	n := 0
	for _, l := range lists {
		n += len(l.Tasks)
	}
	return n
}

func (s *Server) listJSON(l Located) map[string]any {
	folder := map[string]any{"id": l.Space.ID, "name": "hidden", "hidden": true, "access": true}
	if l.Folder != nil {
		folder = map[string]any{"id": l.Folder.ID, "name": l.Folder.Name, "hidden": false, "access": true}
	}
	return map[string]any{"id": l.List.ID, "name": l.List.Name, "orderindex": 0, "content": l.List.Content, "status": nil,
		"priority": nil, "assignee": nil, "task_count": len(l.List.Tasks), "due_date": nil, "start_date": nil,
		"folder": folder, "space": map[string]any{"id": l.Space.ID, "name": l.Space.Name, "access": true},
		"archived": l.List.Archived, "private": l.List.Private, "override_statuses": false, "permission_level": "create"}
}

func (s *Server) folderLists(r *http.Request, t *token) answer {
	for _, team := range s.data.Teams {
		for _, sp := range team.Spaces {
			for _, f := range sp.Folders {
				if f.ID == r.PathValue("folder") {
					return s.lists(r, t, team, sp, f, f.Lists)
				}
			}
		}
	}
	return notAuthorized
}

func (s *Server) spaceLists(r *http.Request, t *token) answer {
	team, sp := s.findSpace(r.PathValue("space"))
	if sp == nil {
		return notAuthorized
	}
	return s.lists(r, t, team, sp, nil, sp.Lists)
}

func (s *Server) lists(r *http.Request, t *token, team *Team, sp *Space, f *Folder, lists []*List) answer {
	if !s.seesSpace(t, team, sp) || (f != nil && f.Private && !slices.Contains(f.Members, t.user)) {
		return notAuthorized
	}
	out := []any{}
	for _, l := range lists {
		if loc := (Located{team, sp, f, l}); l.Archived == archived(r) && s.sees(t, loc) {
			out = append(out, s.listJSON(loc))
		}
	}
	return ok(map[string]any{"lists": out})
}

func (s *Server) listMembers(r *http.Request, t *token) answer {
	l, found := s.data.FindList(r.PathValue("list"))
	if !found || !s.sees(t, l) {
		return notAuthorized
	}
	return ok(map[string]any{"members": s.members(l.Members(), false)})
}

func (s *Server) groups(r *http.Request, t *token) answer {
	team := s.data.Team(r.URL.Query().Get("team_id"))
	if !s.may(t, team) {
		return notAuthorized
	}
	out := []any{}
	for _, g := range team.Groups {
		out = append(out, map[string]any{"id": g.ID, "team_id": team.ID, "userid": team.Members[0], "name": g.Name, "handle": g.Handle,
			"date_created": ms(DefaultStart), "initials": initials(g.Name), "members": s.members(g.Members, false), "avatar": nil})
	}
	return ok(map[string]any{"groups": out})
}

func ms(t time.Time) string { return strconv.FormatInt(t.UnixMilli(), 10) }
