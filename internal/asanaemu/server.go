// Package asanaemu emulates the part of the Asana REST API (version 1.0)
// the Asana connector reads: the authenticated user, workspaces, their
// users and teams, projects, tasks with their stories and subtasks, and
// the events of a project, under https://app.asana.com/api/1.0.
//
// It answers as Asana documents: {"data": ...} envelopes, compact records
// unless opt_fields names more, offset pagination (limit of 1 to 100 and a
// next_page of offset, path and uri; offsets expire and are then refused
// with 400), {"errors": [{"message": ...}]} error bodies, Bearer tokens
// (personal access tokens or OAuth access tokens, optionally limited to
// scopes), a per-token budget of requests per minute and of concurrent
// requests answered with 429 and Retry-After, and the events API's sync
// tokens (412 with a fresh token for a missing, unknown or day-old one).
package asanaemu

import (
	"cmp"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
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
	// PerMinute is the requests one token may send per minute; zero means
	// 150 (a free workspace; paid ones allow 1,500).
	PerMinute int
	// MaxConcurrent is how many requests of one token may be in flight at
	// once; zero means 50 (Asana's limit for reads).
	MaxConcurrent int
	// OffsetTTL is how long a pagination offset stays valid; zero means
	// an hour. ExpireOffsets expires every offset issued so far.
	OffsetTTL time.Duration
	// SyncTTL is how long an events sync token stays valid; zero means 24
	// hours.
	SyncTTL time.Duration
	// MaxUnpaginated is the most records an answer without limit may hold
	// before it is refused as too large; zero means 1,000.
	MaxUnpaginated int
	// Latency delays every answer (and counts toward the concurrent
	// requests while it lasts).
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// The OAuth scopes the emulator checks for a token given scopes. A token
// given none (a personal access token, or OAuth's full "default" scope)
// may read everything its user sees.
const (
	ScopeWorkspaces = "workspaces:read"
	ScopeUsers      = "users:read"
	ScopeTeams      = "teams:read"
	ScopeProjects   = "projects:read"
	ScopeTasks      = "tasks:read"
	ScopeStories    = "stories:read"
)

// BasePath is the path every route lives under.
const BasePath = "/api/1.0"

// Faults Asana answers with, for FailNext and FailEvery.
var (
	// BadGateway is Asana's edge giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// Unavailable is a 503 without Retry-After.
	Unavailable = emulator.Fault{Status: http.StatusServiceUnavailable}
)

// Server serves Data over the Asana API. It is safe for concurrent use;
// tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	flight   sync.Mutex
	inflight map[string]int

	mu          sync.Mutex
	data        *Data
	tokens      map[string]token
	offsetEpoch int
	syncEpoch   int
	// oauth, when set, accepts OAuth access tokens of oauthUser.
	oauth     func(token string) bool
	oauthUser string
}

type token struct {
	user   string
	scopes []string
}

// TooManyRequestsBody is the body of Asana's 429.
const TooManyRequestsBody = `{"errors":[{"message":"You have made too many requests recently. Please, be chill."}]}`

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	opts.PerMinute = cmp.Or(opts.PerMinute, 150)
	opts.MaxConcurrent = cmp.Or(opts.MaxConcurrent, 50)
	opts.OffsetTTL = cmp.Or(opts.OffsetTTL, time.Hour)
	opts.SyncTTL = cmp.Or(opts.SyncTTL, 24*time.Hour)
	opts.MaxUnpaginated = cmp.Or(opts.MaxUnpaginated, 1000)
	s := &Server{opts: opts, data: data, tokens: map[string]token{}, inflight: map[string]int{}}
	s.Server = emulator.New(emulator.Options{
		Auth:  s.authenticate,
		Clock: opts.Clock,
		RateLimit: &emulator.RateLimit{Limit: opts.PerMinute, Window: time.Minute, Bucket: true,
			Headers: emulator.HeadersNone, Body: TooManyRequestsBody},
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, http.StatusUnauthorized, errorBody("Not Authorized"))
		},
	})
	s.route("GET /api/1.0/users/me", ScopeUsers, s.me)
	s.route("GET /api/1.0/workspaces", ScopeWorkspaces, s.workspaces)
	s.route("GET /api/1.0/workspaces/{gid}/users", ScopeUsers, s.workspaceUsers)
	s.route("GET /api/1.0/workspaces/{gid}/teams", ScopeTeams, s.teams)
	s.route("GET /api/1.0/teams/{gid}/users", ScopeUsers, s.teamUsers)
	s.route("GET /api/1.0/projects", ScopeProjects, s.projects)
	s.route("GET /api/1.0/projects/{gid}", ScopeProjects, s.project)
	s.route("GET /api/1.0/tasks", ScopeTasks, s.tasks)
	s.route("GET /api/1.0/tasks/{gid}", ScopeTasks, s.task)
	s.route("GET /api/1.0/tasks/{gid}/stories", ScopeStories, s.stories)
	s.route("GET /api/1.0/tasks/{gid}/subtasks", ScopeTasks, s.subtasks)
	s.route("GET /api/1.0/events", ScopeTasks, s.events)
	return s
}

// AddToken accepts a personal access token or OAuth access token of the
// user with gid user. Without scopes it reads all the user sees.
func (s *Server) AddToken(tok, user string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = token{user: user, scopes: scopes}
}

// TrustOAuth accepts, beside the tokens added, the access tokens valid
// says are current (an authorization server's), as the user with gid user.
func (s *Server) TrustOAuth(valid func(token string) bool, user string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.oauth, s.oauthUser = valid, user
}

// token returns the user and scopes of tok. The lock is held.
func (s *Server) token(tok string) (token, bool) {
	if t, ok := s.tokens[tok]; ok {
		return t, true
	}
	if s.oauth != nil && s.oauth(tok) {
		return token{user: s.oauthUser}, true
	}
	return token{}, false
}

// RevokeToken makes tok answer 401 from now on.
func (s *Server) RevokeToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, tok)
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// ExpireOffsets makes every pagination offset issued so far expired.
func (s *Server) ExpireOffsets() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.offsetEpoch++
}

// ExpireSyncTokens makes every events sync token issued so far too old.
func (s *Server) ExpireSyncTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.syncEpoch++
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok = s.token(tok)
	return tok, ok
}

// answer is what a handler returns: a status and a body to encode.
type answer struct {
	status int
	body   any
}

func ok(body any) answer { return answer{http.StatusOK, body} }

func fail(status int, msg string) answer { return answer{status, errorBody(msg)} }

func errorBody(msg string) map[string]any {
	return map[string]any{"errors": []map[string]any{{"message": msg,
		"help": "For more information on API status codes and how to handle them, read the docs on errors: https://developers.asana.com/docs/errors"}}}
}

// call is one request as a handler sees it.
type call struct {
	r    *http.Request
	user string
	now  time.Time
}

type handler func(c *call) answer

// route registers a handler behind the concurrency limit and the token's
// scopes, with the data locked.
func (s *Server) route(pattern, scope string, h handler) {
	s.Handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		tok := emulator.Principal(r)
		if !s.enter(tok) {
			w.Header().Set("Retry-After", "1")
			emulator.WriteJSON(w, http.StatusTooManyRequests, errorBody("You have too many concurrent requests. Please wait for some to finish."))
			return
		}
		defer s.leave(tok)
		if s.opts.Latency > 0 {
			t := time.NewTimer(s.opts.Latency)
			select {
			case <-t.C:
			case <-r.Context().Done():
				t.Stop()
				return
			}
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		tk, _ := s.token(tok)
		if len(tk.scopes) > 0 && !slices.Contains(tk.scopes, scope) && !slices.Contains(tk.scopes, "default") {
			emulator.WriteJSON(w, http.StatusForbidden, errorBody("Forbidden: the token does not have the scope "+scope))
			return
		}
		a := h(&call{r: r, user: tk.user, now: s.Now()})
		emulator.WriteJSON(w, a.status, a.body)
	})
}

func (s *Server) enter(tok string) bool {
	s.flight.Lock()
	defer s.flight.Unlock()
	if s.inflight[tok] >= s.opts.MaxConcurrent {
		return false
	}
	s.inflight[tok]++
	return true
}

func (s *Server) leave(tok string) {
	s.flight.Lock()
	defer s.flight.Unlock()
	s.inflight[tok]--
}

// offset is what an offset token says: where the next page starts, when
// it was issued and under which epoch.
type offset struct {
	I int   `json:"i"`
	T int64 `json:"t"`
	E int   `json:"e"`
}

// page cuts n records into the page the request asks for. It returns the
// range and the next_page value (nil on the last page), or an error answer.
// Without limit every record comes at once, unless there are too many.
func (s *Server) page(c *call, n int) (from, to int, next any, refused *answer) {
	q := c.r.URL.Query()
	lim := q.Get("limit")
	if lim == "" {
		if n > s.opts.MaxUnpaginated {
			a := fail(http.StatusBadRequest, "The result is too large. You should use pagination (may require specifying a workspace)!")
			return 0, 0, nil, &a
		}
		return 0, n, nil, nil
	}
	size, err := strconv.Atoi(lim)
	if err != nil || size < 1 || size > 100 {
		a := fail(http.StatusBadRequest, "limit: Must be between 1 and 100")
		return 0, 0, nil, &a
	}
	if o := q.Get("offset"); o != "" {
		raw, err := base64.RawURLEncoding.DecodeString(o)
		var off offset
		if err != nil || json.Unmarshal(raw, &off) != nil || off.I < 0 {
			a := fail(http.StatusBadRequest, "offset: Not a valid offset: "+o)
			return 0, 0, nil, &a
		}
		if off.E != s.offsetEpoch || c.now.Sub(time.UnixMilli(off.T)) > s.opts.OffsetTTL {
			a := fail(http.StatusBadRequest, "offset: Your pagination token has expired.")
			return 0, 0, nil, &a
		}
		from = min(off.I, n)
	}
	to = min(from+size, n)
	if to < n {
		b, _ := json.Marshal(offset{I: to, T: c.now.UnixMilli(), E: s.offsetEpoch})
		tok := base64.RawURLEncoding.EncodeToString(b)
		q.Set("offset", tok)
		path := strings.TrimPrefix(c.r.URL.Path, BasePath) + "?" + q.Encode()
		next = map[string]any{"offset": tok, "path": path, "uri": emulator.BaseURL(c.r) + BasePath + path}
	}
	return from, to, next, nil
}

// list answers a paged listing of records made by render.
func list[T any](s *Server, c *call, items []T, render func(T) map[string]any) answer {
	from, to, next, refused := s.page(c, len(items))
	if refused != nil {
		return *refused
	}
	fields := optFields(c.r)
	data := make([]map[string]any, 0, to-from)
	for _, it := range items[from:to] {
		data = append(data, pick(render(it), fields))
	}
	body := map[string]any{"data": data}
	if c.r.URL.Query().Get("limit") != "" {
		body["next_page"] = next
	}
	return ok(body)
}

// optFields are the top-level fields opt_fields names ("assignee.email"
// names assignee).
func optFields(r *http.Request) map[string]bool {
	v := r.URL.Query().Get("opt_fields")
	if v == "" {
		return nil
	}
	out := map[string]bool{}
	for f := range strings.SplitSeq(v, ",") {
		top, _, _ := strings.Cut(strings.TrimSpace(f), ".")
		out[top] = true
	}
	return out
}

// compact are the fields every record has without opt_fields.
var compact = []string{"gid", "resource_type", "name", "resource_subtype"}

// pick keeps the compact fields of m and those opt_fields names.
func pick(m map[string]any, fields map[string]bool) map[string]any {
	out := map[string]any{}
	for k, v := range m {
		if slices.Contains(compact, k) || fields[k] {
			out[k] = v
		}
	}
	return out
}

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

func (s *Server) userJSON(gid string) map[string]any {
	u := s.data.Users[gid]
	if u == nil {
		return nil
	}
	return map[string]any{"gid": u.GID, "resource_type": "user", "name": u.Name, "email": u.Email}
}

func (s *Server) usersJSON(gids []string) []map[string]any {
	out := []map[string]any{}
	for _, g := range gids {
		if u := s.userJSON(g); u != nil {
			out = append(out, u)
		}
	}
	return out
}

func compactOf(kind, gid, name string) map[string]any {
	return map[string]any{"gid": gid, "resource_type": kind, "name": name}
}

// member reports whether user belongs to workspace ws.
func (s *Server) member(user, ws string) bool {
	w := s.data.Workspace(ws)
	return w != nil && slices.Contains(w.Members, user)
}

// sees reports whether user may see project p.
func (s *Server) sees(user string, p *Project) bool {
	if !s.member(user, p.Workspace) {
		return false
	}
	if slices.Contains(p.Members, user) || p.Privacy == PublicToWorkspace || p.Privacy == "" {
		return true
	}
	t := s.data.Team(p.Team)
	return p.Privacy == PrivateToTeam && t != nil && slices.Contains(t.Members, user)
}

// seesTask reports whether user may see t: through one of its projects,
// its parent, or by being its assignee or a follower.
func (s *Server) seesTask(user string, t *Task) bool {
	if t.Assignee == user || slices.Contains(t.Followers, user) {
		return true
	}
	for _, g := range t.Projects {
		if p := s.data.Project(g); p != nil && s.sees(user, p) {
			return true
		}
	}
	if pt := s.data.Tasks[t.Parent]; pt != nil && pt != t && t.Parent != "" {
		return s.seesTask(user, pt)
	}
	return false
}

func (s *Server) me(c *call) answer {
	u := s.userJSON(c.user)
	if u == nil {
		return fail(http.StatusNotFound, "user: Unknown object: me")
	}
	var ws []map[string]any
	for _, w := range s.data.Workspaces {
		if slices.Contains(w.Members, c.user) {
			m := compactOf("workspace", w.GID, w.Name)
			if fields := optFields(c.r); fields["workspaces"] {
				m["is_organization"] = w.IsOrganization
			}
			ws = append(ws, m)
		}
	}
	u["workspaces"] = ws
	return ok(map[string]any{"data": u})
}

func (s *Server) workspaces(c *call) answer {
	var ws []*Workspace
	for _, w := range s.data.Workspaces {
		if slices.Contains(w.Members, c.user) {
			ws = append(ws, w)
		}
	}
	return list(s, c, ws, func(w *Workspace) map[string]any {
		m := compactOf("workspace", w.GID, w.Name)
		m["is_organization"] = w.IsOrganization
		m["email_domains"] = []string{"example.com"}
		return m
	})
}

func (s *Server) workspaceUsers(c *call) answer {
	w := s.data.Workspace(c.r.PathValue("gid"))
	if w == nil || !slices.Contains(w.Members, c.user) {
		return fail(http.StatusNotFound, "workspace: Unknown object: "+c.r.PathValue("gid"))
	}
	return list(s, c, w.Members, s.userJSON)
}

func (s *Server) teams(c *call) answer {
	w := s.data.Workspace(c.r.PathValue("gid"))
	if w == nil || !slices.Contains(w.Members, c.user) {
		return fail(http.StatusNotFound, "workspace: Unknown object: "+c.r.PathValue("gid"))
	}
	if !w.IsOrganization {
		return fail(http.StatusBadRequest, "workspace: Teams are only available in organizations")
	}
	var ts []*Team
	for _, t := range s.data.Teams {
		if t.Workspace == w.GID {
			ts = append(ts, t)
		}
	}
	return list(s, c, ts, func(t *Team) map[string]any {
		m := compactOf("team", t.GID, t.Name)
		m["organization"] = compactOf("workspace", w.GID, w.Name)
		m["permalink_url"] = "https://" + s.data.Domain + "/0/" + t.GID + "/overview"
		return m
	})
}

func (s *Server) teamUsers(c *call) answer {
	t := s.data.Team(c.r.PathValue("gid"))
	if t == nil || !s.member(c.user, t.Workspace) {
		return fail(http.StatusNotFound, "team: Unknown object: "+c.r.PathValue("gid"))
	}
	return list(s, c, t.Members, s.userJSON)
}

func (s *Server) projectJSON(p *Project) map[string]any {
	w := s.data.Workspace(p.Workspace)
	m := compactOf("project", p.GID, p.Name)
	m["archived"] = p.Archived
	m["privacy_setting"] = p.Privacy
	m["public"] = p.Privacy == PublicToWorkspace
	m["members"] = s.usersJSON(p.Members)
	m["created_at"], m["modified_at"] = stamp(p.CreatedAt), stamp(p.ModifiedAt)
	m["permalink_url"] = "https://" + s.data.Domain + "/1/" + p.Workspace + "/project/" + p.GID
	if w != nil {
		m["workspace"] = compactOf("workspace", w.GID, w.Name)
	}
	m["team"] = nil
	if t := s.data.Team(p.Team); t != nil {
		m["team"] = compactOf("team", t.GID, t.Name)
	}
	return m
}

func (s *Server) projects(c *call) answer {
	q := c.r.URL.Query()
	ws := q.Get("workspace")
	if ws == "" && q.Get("team") == "" {
		return fail(http.StatusBadRequest, "workspace: Missing input")
	}
	var ps []*Project
	for _, p := range s.data.Projects {
		switch {
		case ws != "" && p.Workspace != ws, q.Get("team") != "" && p.Team != q.Get("team"):
		case q.Get("archived") == "true" && !p.Archived, q.Get("archived") == "false" && p.Archived:
		case s.sees(c.user, p):
			ps = append(ps, p)
		}
	}
	return list(s, c, ps, s.projectJSON)
}

func (s *Server) project(c *call) answer {
	p := s.data.Project(c.r.PathValue("gid"))
	if p == nil || !s.sees(c.user, p) {
		return fail(http.StatusNotFound, "project: Unknown object: "+c.r.PathValue("gid"))
	}
	return ok(map[string]any{"data": pick(s.projectJSON(p), optFields(c.r))})
}

func (s *Server) taskJSON(t *Task) map[string]any {
	m := compactOf("task", t.GID, t.Name)
	m["resource_subtype"] = "default_task"
	m["notes"], m["html_notes"] = t.Notes, t.HTMLNotes
	m["completed"] = t.Completed
	m["created_at"], m["modified_at"] = stamp(t.CreatedAt), stamp(t.ModifiedAt)
	m["assignee"] = s.userJSON(t.Assignee)
	m["followers"] = s.usersJSON(t.Followers)
	m["num_subtasks"] = len(t.Subtasks)
	ms, ps := []map[string]any{}, []map[string]any{}
	ws := WorkspaceGID
	for _, g := range t.Projects {
		p := s.data.Project(g)
		if p == nil {
			continue
		}
		ws = p.Workspace
		pc := compactOf("project", p.GID, p.Name)
		ps = append(ps, pc)
		ms = append(ms, map[string]any{"project": pc, "section": compactOf("section", p.GID+"9", "Untitled section")})
	}
	m["projects"], m["memberships"] = ps, ms
	m["workspace"] = compactOf("workspace", ws, "")
	m["parent"] = nil
	if pt := s.data.Tasks[t.Parent]; pt != nil {
		m["parent"] = compactOf("task", pt.GID, pt.Name)
	}
	if len(t.Projects) > 0 {
		m["permalink_url"] = "https://" + s.data.Domain + "/1/" + ws + "/project/" + t.Projects[0] + "/task/" + t.GID
	} else {
		m["permalink_url"] = "https://" + s.data.Domain + "/1/" + ws + "/task/" + t.GID
	}
	cf := []map[string]any{}
	for _, f := range t.CustomFields {
		cf = append(cf, map[string]any{"gid": f.GID, "resource_type": "custom_field", "name": f.Name, "type": f.Type,
			"resource_subtype": f.Type, "display_value": f.DisplayValue})
	}
	m["custom_fields"] = cf
	return m
}

func (s *Server) tasks(c *call) answer {
	q := c.r.URL.Query()
	p := s.data.Project(q.Get("project"))
	if q.Get("project") == "" {
		return fail(http.StatusBadRequest, "project: Missing input (or give assignee and workspace)")
	}
	if p == nil || !s.sees(c.user, p) {
		return fail(http.StatusNotFound, "project: Unknown object: "+q.Get("project"))
	}
	var since time.Time
	if v := q.Get("modified_since"); v != "" {
		t, err := time.Parse(time.RFC3339Nano, v)
		if err != nil {
			return fail(http.StatusBadRequest, "modified_since: Not a valid date-time: "+v)
		}
		since = t
	}
	var ts []*Task
	for _, g := range p.Tasks {
		t := s.data.Tasks[g]
		if t != nil && !t.Deleted && !t.ModifiedAt.Before(since) {
			ts = append(ts, t)
		}
	}
	return list(s, c, ts, s.taskJSON)
}

// visibleTask returns the task the path names, or a 404 answer.
func (s *Server) visibleTask(c *call) (*Task, *answer) {
	t := s.data.Tasks[c.r.PathValue("gid")]
	if t == nil || t.Deleted {
		a := fail(http.StatusNotFound, "task: Unknown object: "+c.r.PathValue("gid"))
		return nil, &a
	}
	if !s.seesTask(c.user, t) {
		a := fail(http.StatusForbidden, "Forbidden")
		return nil, &a
	}
	return t, nil
}

func (s *Server) task(c *call) answer {
	t, a := s.visibleTask(c)
	if a != nil {
		return *a
	}
	return ok(map[string]any{"data": pick(s.taskJSON(t), optFields(c.r))})
}

func (s *Server) stories(c *call) answer {
	t, a := s.visibleTask(c)
	if a != nil {
		return *a
	}
	if t.Broken {
		return fail(http.StatusNotFound, "task: Unknown object: "+t.GID)
	}
	return list(s, c, t.Stories, func(st Story) map[string]any {
		m := map[string]any{"gid": st.GID, "resource_type": "story", "created_at": stamp(st.CreatedAt),
			"type": st.Type, "text": st.Text, "html_text": "<body>" + st.Text + "</body>", "created_by": s.userJSON(st.CreatedBy)}
		m["resource_subtype"] = map[string]string{"comment": "comment_added", "system": "added_to_project"}[st.Type]
		return m
	})
}

func (s *Server) subtasks(c *call) answer {
	t, a := s.visibleTask(c)
	if a != nil {
		return *a
	}
	var ts []*Task
	for _, g := range t.Subtasks {
		if st := s.data.Tasks[g]; st != nil && !st.Deleted {
			ts = append(ts, st)
		}
	}
	return list(s, c, ts, s.taskJSON)
}

// syncToken is what a sync token says: the resource, the last event it
// covers, when it was issued and under which epoch.
type syncToken struct {
	R string `json:"r"`
	S int    `json:"s"`
	T int64  `json:"t"`
	E int    `json:"e"`
}

func (s *Server) syncFor(resource string, seq int, now time.Time) string {
	b, _ := json.Marshal(syncToken{R: resource, S: seq, T: now.UnixMilli(), E: s.syncEpoch})
	return hex.EncodeToString(b)
}

func (s *Server) events(c *call) answer {
	q := c.r.URL.Query()
	res := q.Get("resource")
	p := s.data.Project(res)
	if res == "" {
		return fail(http.StatusBadRequest, "resource: Missing input")
	}
	if p == nil || !s.sees(c.user, p) {
		return fail(http.StatusNotFound, "resource: Unknown object: "+res)
	}
	last := 0
	if n := len(s.data.Events); n > 0 {
		last = s.data.Events[n-1].Seq
	}
	var tok syncToken
	raw, err := hex.DecodeString(q.Get("sync"))
	valid := err == nil && json.Unmarshal(raw, &tok) == nil && tok.R == res && tok.E == s.syncEpoch &&
		c.now.Sub(time.UnixMilli(tok.T)) <= s.opts.SyncTTL && tok.S <= last
	if !valid {
		body := errorBody("Sync token invalid or too old. If you are attempting to keep resources in sync, " +
			"you must fetch the full dataset for this query now and use the new sync token for the next sync.")
		body["sync"] = s.syncFor(res, last, c.now)
		return answer{http.StatusPreconditionFailed, body}
	}
	data := []map[string]any{}
	upTo, more := tok.S, false
	for _, e := range s.data.Events {
		if e.Seq <= tok.S || e.Project != res {
			continue
		}
		if len(data) == 100 {
			more = true
			break
		}
		upTo = e.Seq
		data = append(data, map[string]any{"user": s.userJSON(e.User), "created_at": stamp(e.At), "type": e.ResourceType,
			"action": e.Action, "resource": compactOf(e.ResourceType, e.Resource, e.Name),
			"parent": compactOf("project", p.GID, p.Name)})
	}
	if !more {
		upTo = last
	}
	return ok(map[string]any{"data": data, "sync": s.syncFor(res, upTo, c.now), "has_more": more})
}

// PermalinkHost is the web host of the default data.
const PermalinkHost = "app.asana.com"

// TaskURL is a task's stable address, which the connector uses as its id.
func TaskURL(gid string) string { return "https://" + PermalinkHost + "/0/0/" + gid }
