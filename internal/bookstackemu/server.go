// Package bookstackemu emulates the parts of the BookStack REST API that
// the bookstack connector reads, on the emulator kit.
//
// Requests carry "Authorization: Token TOKEN_ID:TOKEN_SECRET"; a missing,
// malformed or unknown token, or a wrong secret, is answered 401, an
// expired token or a user whose roles lack "Access System API" 403, each
// with BookStack's error object {"error":{"code":N,"message":"..."}}.
//
// Listings (GET /api/shelves, /api/books, /api/chapters, /api/pages,
// /api/users, /api/roles, /api/audit-log) answer {"data":[...],"total":N}
// and take BookStack's parameters: count (100 by default, at most 500),
// offset, sort (a field with a + or - prefix; ties keep id order, or the
// reverse with Options.ShuffleTies) and filter[FIELD] or
// filter[FIELD:OP] with eq, ne, gt, lt, gte, lte and like; times compare
// as "YYYY-MM-DD hh:mm:ss" at second precision, as BookStack stores them.
// Content listings show what the token's user may view, through the
// content permissions (an item's own role permissions, then its fallback,
// else its parent's: page, chapter, book) and the roles' "view all"
// permissions; draft and deleted pages are never listed. Reads:
// /api/shelves/{id} (with its books), /api/books/{id}, /api/chapters/{id},
// /api/pages/{id} (html and markdown), /api/users/{id} (with roles),
// /api/roles/{id} (with permissions and users) and
// /api/content-permissions/{type}/{id} (BookStack v23.01+). Users and
// roles need "Manage users", the audit log "Manage users" and "Manage app
// settings", content permissions "Manage all permissions". /link/{id}
// redirects to a page's URL, as BookStack's short links do.
//
// With Options.RateLimit each token has BookStack's budget, 180 requests
// a minute by default: answers carry X-RateLimit-Limit and
// X-RateLimit-Remaining, and a request past the budget is answered 429
// with Retry-After and X-RateLimit-Reset. Faults and the request log come
// from the emulator kit.
package bookstackemu

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

// Options tune a Server.
type Options struct {
	// RateLimit turns on the per-token budget of RequestsPerMinute (180
	// when zero).
	RateLimit         bool
	RequestsPerMinute int
	// ShuffleTies orders items that share their sort value in descending
	// id order, where the database would pick any order.
	ShuffleTies bool
	// IgnoreOffset answers every listing from its start, as a broken proxy
	// might.
	IgnoreOffset bool
	// OffsetTotal makes total count only the page's items when an offset
	// is given, as BookStack releases before v0.29.3 did.
	OffsetTotal bool
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// The faults BookStack's hosting answers with, for FailNext and FailEvery.
var (
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: 2 * time.Second}
	BadGateway  = emulator.Fault{Status: http.StatusBadGateway}
)

// Server serves Data over the BookStack API. It is safe for concurrent
// use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts  Options
	clock emulator.Clock

	mu      sync.Mutex
	data    *Data
	budgets map[string]*budget
}

type budget struct {
	start time.Time
	used  int
}

// New returns a server for data, whose Tokens authenticate.
func New(data *Data, opts Options) *Server {
	s := &Server{opts: opts, data: data, clock: opts.Clock, budgets: map[string]*budget{}}
	if s.clock == nil {
		s.clock = emulator.SystemClock{}
	}
	s.Server = emulator.New(emulator.Options{Auth: s.authenticate, Clock: opts.Clock, Unauthorized: s.unauthorized})
	s.routes()
	return s
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// token reads the Authorization header: the token and whether it was
// well formed.
func token(r *http.Request) (id, secret string, found, ok bool) {
	v := r.Header.Get("Authorization")
	if v == "" {
		return "", "", false, false
	}
	scheme, rest, _ := strings.Cut(v, " ")
	id, secret, colon := strings.Cut(strings.TrimSpace(rest), ":")
	return id, secret, true, strings.EqualFold(scheme, "token") && colon && id != "" && secret != ""
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	id, secret, _, ok := token(r)
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.data.Tokens {
		if t.ID == id && t.Secret == secret {
			return id, true
		}
	}
	return "", false
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	id, _, found, ok := token(r)
	msg := "No authorization token found on the request"
	switch {
	case found && !ok:
		msg = "An authorization token was found on the request but the format appeared incorrect"
	case ok:
		msg = "No matching API token was found for the provided authorization token"
		s.mu.Lock()
		for _, t := range s.data.Tokens {
			if t.ID == id {
				msg = "The secret provided for the given used API token is incorrect"
			}
		}
		s.mu.Unlock()
	}
	writeError(w, http.StatusUnauthorized, msg)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	emulator.WriteJSON(w, status, map[string]any{"error": map[string]any{"code": status, "message": msg}})
}

// call is one authenticated request being answered, with the data locked.
type call struct {
	r    *http.Request
	user *User
	v    viewer
}

func (c *call) id() (int, bool) {
	n, err := strconv.Atoi(c.r.PathValue("id"))
	return n, err == nil && n > 0
}

// answer is a handler's status and JSON body.
type answer struct {
	status int
	body   any
}

func ok(v any) answer { return answer{http.StatusOK, v} }

func fail(status int, msg string) answer {
	return answer{status, map[string]any{"error": map[string]any{"code": status, "message": msg}}}
}

var (
	notFound  = func(what string) answer { return fail(http.StatusNotFound, what+" not found") }
	forbidden = fail(http.StatusForbidden, "You do not have permission to access the requested page.")
)

func (s *Server) routes() {
	get := func(path string, h func(*call) answer) { s.Handle("GET /api/"+path, s.serve(h)) }
	get("shelves", s.listShelves)
	get("books", s.listBooks)
	get("chapters", s.listChapters)
	get("pages", s.listPages)
	get("users", s.listUsers)
	get("roles", s.listRoles)
	get("audit-log", s.listAudit)
	get("shelves/{id}", s.readShelf)
	get("books/{id}", s.readBook)
	get("chapters/{id}", s.readChapter)
	get("pages/{id}", s.readPage)
	get("users/{id}", s.readUser)
	get("roles/{id}", s.readRole)
	get("content-permissions/{type}/{id}", s.readPermissions)
	get("system", s.readSystem)
	s.Handle("GET /link/{id}", s.link, emulator.Public())
	s.Handle("/api/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "Route not found")
	}, emulator.Public())
}

// serve checks the token's expiry and API permission, spends the rate
// budget and runs h with the data locked.
func (s *Server) serve(h func(*call) answer) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tokenID := emulator.Principal(r)
		s.mu.Lock()
		var tok *Token
		for _, t := range s.data.Tokens {
			if t.ID == tokenID {
				tok = t
			}
		}
		var a answer
		c := &call{r: r}
		if tok != nil {
			c.user = s.data.User(tok.UserID)
		}
		switch {
		case tok == nil || c.user == nil:
			a = fail(http.StatusUnauthorized, "No matching API token was found for the provided authorization token")
		case !tok.ExpiresAt.IsZero() && !s.clock.Now().Before(tok.ExpiresAt):
			a = fail(http.StatusForbidden, "The authorization token used has expired")
		default:
			c.v = s.data.viewerOf(c.user)
			if !c.v.has(PermAccessAPI) {
				a = fail(http.StatusForbidden, "The owner of the used API token does not have permission to make API calls")
				break
			}
			if !s.allow(w, tokenID) {
				s.mu.Unlock()
				return
			}
			a = h(c)
		}
		s.mu.Unlock()
		emulator.WriteJSON(w, a.status, a.body)
	}
}

// allow spends a request of the token's budget, answering 429 past it.
// It runs with s.mu held.
func (s *Server) allow(w http.ResponseWriter, tokenID string) bool {
	if !s.opts.RateLimit {
		return true
	}
	limit := cmp.Or(s.opts.RequestsPerMinute, 180)
	now := s.clock.Now()
	b := s.budgets[tokenID]
	if b == nil || now.Sub(b.start) >= time.Minute {
		b = &budget{start: now}
		s.budgets[tokenID] = b
	}
	h := w.Header()
	h.Set("X-RateLimit-Limit", strconv.Itoa(limit))
	if b.used >= limit {
		reset := b.start.Add(time.Minute)
		wait := int64((reset.Sub(now) + time.Second - 1) / time.Second)
		h.Set("X-RateLimit-Remaining", "0")
		h.Set("Retry-After", strconv.FormatInt(max(wait, 1), 10))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(reset.Unix(), 10))
		writeError(w, http.StatusTooManyRequests, "Too Many Attempts.")
		return false
	}
	b.used++
	h.Set("X-RateLimit-Remaining", strconv.Itoa(limit-b.used))
	return true
}

// link redirects /link/{id} to the page's URL.
func (s *Server) link(w http.ResponseWriter, r *http.Request) {
	id, err := strconv.Atoi(r.PathValue("id"))
	s.mu.Lock()
	p := s.data.Page(id)
	var to string
	if err == nil && p != nil && s.data.live(p) {
		if b := s.data.Book(p.BookID); b != nil {
			to = "/books/" + b.Slug + "/page/" + p.Slug
		}
	}
	s.mu.Unlock()
	if to == "" {
		http.NotFound(w, r)
		return
	}
	http.Redirect(w, r, emulator.BaseURL(r)+to, http.StatusFound)
}

// Stamp is a time as BookStack's JSON gives it.
func Stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000Z") }

func (s *Server) readSystem(c *call) answer {
	return ok(map[string]any{"version": "v24.12", "instance_id": "bookstack-emulator", "app_name": "BookStack",
		"base_url": emulator.BaseURL(c.r)})
}

func person(d *Data, id int) any {
	u := d.User(id)
	if u == nil {
		return nil
	}
	return map[string]any{"id": u.ID, "name": u.Name, "slug": u.Slug}
}

func kindPath(kind string) (string, bool) {
	switch kind {
	case "page", "chapter", "book", "bookshelf":
		return kind, true
	}
	return "", false
}

func (s *Server) readPermissions(c *call) answer {
	kind, okKind := kindPath(c.r.PathValue("type"))
	id, okID := c.id()
	if !okKind || !okID {
		return fail(http.StatusBadRequest, "The given content type or id is invalid")
	}
	if !s.data.visible(c.v, kind, id) {
		return notFound("Content")
	}
	if !c.v.has(PermRestrictionsAll) {
		return forbidden
	}
	var e *Entity
	switch kind {
	case "page":
		e = &s.data.Page(id).Entity
	case "chapter":
		e = &s.data.Chapter(id).Entity
	case "book":
		e = &s.data.Book(id).Entity
	case "bookshelf":
		e = &s.data.Shelf(id).Entity
	}
	perms := []map[string]any{}
	fallback := map[string]any{"inheriting": true, "view": nil, "create": nil, "update": nil, "delete": nil}
	if p := e.Perms; p != nil {
		ids := make([]int, 0, len(p.Roles))
		for id := range p.Roles {
			ids = append(ids, id)
		}
		slices.Sort(ids)
		for _, rid := range ids {
			r := s.data.Role(rid)
			if r == nil {
				continue
			}
			perms = append(perms, map[string]any{"role_id": rid, "view": p.Roles[rid], "create": false, "update": false,
				"delete": false, "role": map[string]any{"id": rid, "display_name": r.DisplayName}})
		}
		if !p.Inheriting {
			fallback = map[string]any{"inheriting": false, "view": p.FallbackView, "create": false, "update": false, "delete": false}
		}
	}
	return ok(map[string]any{"owner": person(s.data, e.OwnedBy), "role_permissions": perms, "fallback_permissions": fallback})
}

func roleRefs(d *Data, ids []int) []map[string]any {
	out := []map[string]any{}
	for _, id := range ids {
		if r := d.Role(id); r != nil {
			out = append(out, map[string]any{"id": r.ID, "display_name": r.DisplayName})
		}
	}
	return out
}

func (s *Server) readUser(c *call) answer {
	if !c.v.has(PermUsersManage) {
		return forbidden
	}
	id, _ := c.id()
	u := s.data.User(id)
	if u == nil {
		return notFound("User")
	}
	row := userRow(c.r, u)
	row["roles"] = roleRefs(s.data, u.Roles)
	return ok(out(row))
}

func (s *Server) readRole(c *call) answer {
	if !c.v.has(PermUsersManage) {
		return forbidden
	}
	id, _ := c.id()
	r := s.data.Role(id)
	if r == nil {
		return notFound("Role")
	}
	row := s.roleRow(r)
	row["permissions"] = append([]string{}, r.Permissions...)
	users := []map[string]any{}
	for _, u := range s.data.Users {
		if slices.Contains(u.Roles, r.ID) {
			users = append(users, map[string]any{"id": u.ID, "name": u.Name, "slug": u.Slug})
		}
	}
	row["users"] = users
	return ok(out(row))
}

func (s *Server) roleRow(r *Role) row {
	n := 0
	for _, u := range s.data.Users {
		if slices.Contains(u.Roles, r.ID) {
			n++
		}
	}
	return row{"id": r.ID, "display_name": r.DisplayName, "description": "", "created_at": Epoch, "updated_at": Epoch,
		"system_name": r.SystemName, "external_auth_id": "", "mfa_enforced": false, "users_count": n,
		"permissions_count": len(r.Permissions)}
}

func userRow(r *http.Request, u *User) row {
	base := emulator.BaseURL(r)
	return row{"id": u.ID, "name": u.Name, "slug": u.Slug, "email": u.Email, "created_at": Epoch, "updated_at": Epoch,
		"external_auth_id": "", "last_activity_at": Epoch, "profile_url": base + "/user/" + u.Slug,
		"edit_url": base + "/settings/users/" + strconv.Itoa(u.ID), "avatar_url": ""}
}

func (s *Server) listUsers(c *call) answer {
	if !c.v.has(PermUsersManage) {
		return forbidden
	}
	var rows []row
	for _, u := range s.data.Users {
		rows = append(rows, userRow(c.r, u))
	}
	return s.list(c, rows)
}

func (s *Server) listRoles(c *call) answer {
	if !c.v.has(PermUsersManage) {
		return forbidden
	}
	var rows []row
	for _, r := range s.data.Roles {
		rows = append(rows, s.roleRow(r))
	}
	return s.list(c, rows)
}

func (s *Server) listAudit(c *call) answer {
	if !c.v.has(PermUsersManage) || !c.v.has(PermSettingsManage) {
		return forbidden
	}
	var rows []row
	for _, e := range s.data.Audit {
		rows = append(rows, row{"id": e.ID, "type": e.Type, "detail": e.Detail, "user_id": e.UserID,
			"loggable_id": e.LoggableID, "loggable_type": e.LoggableType, "ip": "127.0.x.x", "created_at": e.CreatedAt,
			"user": person(s.data, e.UserID)})
	}
	return s.list(c, rows)
}

func entityRow(e *Entity) row {
	return row{"id": e.ID, "name": e.Name, "slug": e.Slug, "created_at": e.CreatedAt.UTC().Truncate(time.Second),
		"updated_at": e.UpdatedAt.UTC().Truncate(time.Second), "created_by": e.CreatedBy, "updated_by": e.UpdatedBy,
		"owned_by": e.OwnedBy}
}

func (s *Server) listShelves(c *call) answer {
	var rows []row
	for _, sh := range s.data.Shelves {
		if !sh.Deleted && s.data.visible(c.v, "bookshelf", sh.ID) {
			r := entityRow(&sh.Entity)
			r["description"] = sh.Description
			rows = append(rows, r)
		}
	}
	return s.list(c, rows)
}

func (s *Server) listBooks(c *call) answer {
	var rows []row
	for _, b := range s.data.Books {
		if !b.Deleted && s.data.visible(c.v, "book", b.ID) {
			r := entityRow(&b.Entity)
			r["description"] = b.Description
			rows = append(rows, r)
		}
	}
	return s.list(c, rows)
}

func (s *Server) chapterRow(ch *Chapter) row {
	r := entityRow(&ch.Entity)
	r["book_id"], r["description"], r["priority"] = ch.BookID, ch.Description, ch.Priority
	return r
}

func (s *Server) listChapters(c *call) answer {
	var rows []row
	for _, ch := range s.data.Chapters {
		b := s.data.Book(ch.BookID)
		if !ch.Deleted && b != nil && !b.Deleted && s.data.visible(c.v, "chapter", ch.ID) {
			rows = append(rows, s.chapterRow(ch))
		}
	}
	return s.list(c, rows)
}

func pageRow(p *Page) row {
	r := entityRow(&p.Entity)
	r["book_id"], r["chapter_id"], r["priority"], r["draft"], r["template"] = p.BookID, p.ChapterID, p.Priority, p.Draft, p.Template
	r["revision_count"], r["editor"] = p.RevisionCount, "wysiwyg"
	return r
}

func (s *Server) listPages(c *call) answer {
	var rows []row
	for _, p := range s.data.Pages {
		if s.data.live(p) && s.data.visible(c.v, "page", p.ID) {
			rows = append(rows, pageRow(p))
		}
	}
	return s.list(c, rows)
}

func (s *Server) readShelf(c *call) answer {
	id, _ := c.id()
	sh := s.data.Shelf(id)
	if sh == nil || sh.Deleted || !s.data.visible(c.v, "bookshelf", id) {
		return notFound("Bookshelf")
	}
	r := s.readEntity(&sh.Entity)
	books := []map[string]any{}
	for _, bid := range sh.Books {
		if b := s.data.Book(bid); b != nil && !b.Deleted && s.data.visible(c.v, "book", bid) {
			books = append(books, map[string]any{"id": b.ID, "name": b.Name, "slug": b.Slug})
		}
	}
	r["books"] = books
	return ok(out(r))
}

func (s *Server) readEntity(e *Entity) row {
	r := entityRow(e)
	r["created_by"], r["updated_by"], r["owned_by"] = person(s.data, e.CreatedBy), person(s.data, e.UpdatedBy), person(s.data, e.OwnedBy)
	r["description"], r["tags"] = e.Description, []any{}
	return r
}

func (s *Server) readBook(c *call) answer {
	id, _ := c.id()
	b := s.data.Book(id)
	if b == nil || b.Deleted || !s.data.visible(c.v, "book", id) {
		return notFound("Book")
	}
	return ok(out(s.readEntity(&b.Entity)))
}

func (s *Server) readChapter(c *call) answer {
	id, _ := c.id()
	ch := s.data.Chapter(id)
	if ch == nil || ch.Deleted || !s.data.visible(c.v, "chapter", id) {
		return notFound("Chapter")
	}
	b := s.data.Book(ch.BookID)
	if b == nil || b.Deleted {
		return notFound("Chapter")
	}
	r := s.readEntity(&ch.Entity)
	r["book_id"], r["priority"], r["book_slug"] = ch.BookID, ch.Priority, b.Slug
	return ok(out(r))
}

func (s *Server) readPage(c *call) answer {
	id, _ := c.id()
	p := s.data.Page(id)
	if p == nil || !s.data.live(p) || !s.data.visible(c.v, "page", id) {
		return notFound("Page")
	}
	if p.Broken {
		return ok(map[string]any{"id": p.ID, "book_id": p.BookID, "name": p.Name, "html": nil, "markdown": nil})
	}
	r := s.readEntity(&p.Entity)
	delete(r, "description")
	r["book_id"], r["chapter_id"], r["priority"], r["draft"], r["template"] = p.BookID, p.ChapterID, p.Priority, p.Draft, p.Template
	r["html"], r["raw_html"], r["markdown"], r["revision_count"], r["editor"] = p.HTML, p.HTML, p.Markdown, p.RevisionCount, "wysiwyg"
	tags := []map[string]any{}
	for i, t := range p.Tags {
		tags = append(tags, map[string]any{"name": t.Name, "value": t.Value, "order": i})
	}
	r["tags"] = tags
	return ok(out(r))
}
