package zendeskemu

import (
	"cmp"
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server.
type Options struct {
	// RequestsPerMinute, when positive, limits every route per user, as a
	// plan's API limit does (200 a minute on Team, 700 on Enterprise),
	// answering 429 with Retry-After and ratelimit-* headers.
	RequestsPerMinute int
	// ExportsPerMinute limits the incremental export per user; zero means
	// Zendesk's ten a minute, negative means no limit.
	ExportsPerMinute int
	// MaxExportPage bounds the tickets per export page; zero means 1000.
	MaxExportPage int
	// IgnoreSort answers article listings in id order (reversed for
	// sort_order=desc) whatever field they sort by,
	// to test that clients never trust an order blindly.
	IgnoreSort bool
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// The faults Zendesk answers with, for FailNext and FailEvery.
var (
	// RateLimited is Zendesk's 429 with Retry-After.
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: 5 * time.Second}
	// BadGateway is a proxy in front of Zendesk giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for a record deleted meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
)

// Server serves Data over the Zendesk API on the emulator kit. It is safe
// for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu      sync.Mutex
	data    *Data
	tokens  map[string]int64 // "email/token:secret" or bearer token -> user id
	exports map[string]*exportBudget
}

type exportBudget struct {
	start time.Time
	used  int
}

// New returns a server for data. Add credentials with AddAPIToken and
// AddOAuthToken.
func New(data *Data, opts Options) *Server {
	s := &Server{opts: opts, data: data, tokens: map[string]int64{}, exports: map[string]*exportBudget{}}
	eo := emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			emulator.WriteJSON(w, http.StatusUnauthorized, map[string]string{"error": "Couldn't authenticate you"})
		},
	}
	if opts.RequestsPerMinute > 0 {
		eo.RateLimit = &emulator.RateLimit{Limit: opts.RequestsPerMinute, Window: time.Minute, Headers: emulator.HeadersIETF,
			Body: `{"error":"APIRateLimitExceeded","description":"Number of allowed API requests per minute exceeded"}`}
	}
	s.Server = emulator.New(eo)
	s.routes()
	return s
}

// AddAPIToken accepts basic authentication as "{email}/token" with the API
// token, acting as the user with that e-mail.
func (s *Server) AddAPIToken(email, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, u := range s.data.Users {
		if u.Email == email {
			s.tokens["basic "+email+"/token:"+token] = u.ID
		}
	}
}

// AddOAuthToken accepts "Authorization: Bearer token" acting as the user.
func (s *Server) AddOAuthToken(token string, user int64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens["bearer "+token] = user
}

// Update runs f with the data locked, so a test can change the account
// while a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	var key string
	if u, p, ok := r.BasicAuth(); ok {
		key = "basic " + u + ":" + p
	} else if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "bearer") {
		key = "bearer " + tok
	} else {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	id, ok := s.tokens[key]
	if !ok || s.data.User(id) == nil {
		return "", false
	}
	return strconv.FormatInt(id, 10), true
}

// caller returns the user a request acts as; the lock must be held.
func (s *Server) caller(r *http.Request) *User {
	id, _ := strconv.ParseInt(emulator.Principal(r), 10, 64)
	return s.data.User(id)
}

// handler answers with a status and a value to encode; it runs with the
// data locked.
type handler func(r *http.Request, u *User) (int, any)

func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		status, v := h(r, s.caller(r))
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

// handle registers a path with and without Zendesk's optional ".json".
func (s *Server) handle(path string, h handler) {
	s.Handle("GET "+path, s.serve(h))
	if !strings.HasSuffix(path, "}") { // a final {id} also takes "12.json"
		s.Handle("GET "+path+".json", s.serve(h))
	}
}

func (s *Server) routes() {
	s.handle("/api/v2/users/me", s.me)
	s.handle("/api/v2/users/show_many", s.showMany)
	s.handle("/api/v2/users", s.listUsers)
	s.handle("/api/v2/groups", s.listGroups)
	s.handle("/api/v2/groups/{id}/memberships", s.listMemberships)
	s.handle("/api/v2/organizations", s.listOrganizations)
	s.handle("/api/v2/organizations/{id}/users", s.listOrganizationUsers)
	s.handle("/api/v2/tickets/{id}", s.getTicket)
	s.handle("/api/v2/tickets/{id}/comments", s.listComments)
	s.Handle("GET /api/v2/incremental/tickets/cursor", s.exportTickets)
	s.Handle("GET /api/v2/incremental/tickets/cursor.json", s.exportTickets)
	s.handle("/api/v2/help_center/user_segments", s.listSegments)
	s.handle("/api/v2/help_center/{locale}/categories", s.listCategories)
	s.handle("/api/v2/help_center/{locale}/sections", s.listSections)
	s.handle("/api/v2/help_center/{locale}/articles", s.listArticles)
	s.handle("/api/v2/help_center/{locale}/articles/{id}", s.getArticle)
}

func apiError(status int, code, desc string) (int, any) {
	return status, map[string]string{"error": code, "description": desc}
}

func forbidden() (int, any) {
	return apiError(http.StatusForbidden, "Forbidden", "You do not have access to this page. Please contact the account owner of this help desk for further help.")
}

func notFound() (int, any) { return apiError(http.StatusNotFound, "RecordNotFound", "Not found") }

func staff(u *User) bool { return u.Role == RoleAgent || u.Role == RoleAdmin }

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format(time.RFC3339)
}

func nullID(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

// key orders a listing: by time, then id.
type key struct{ t, id int64 }

func (k key) less(o key) bool { return k.t < o.t || (k.t == o.t && k.id < o.id) }

func encodeKey(k key) string {
	return base64.RawURLEncoding.EncodeToString(fmt.Appendf(nil, "%d:%d", k.t, k.id))
}

func decodeKey(c string) (key, bool) {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return key{}, false
	}
	a, z, ok := strings.Cut(string(b), ":")
	t, err1 := strconv.ParseInt(a, 10, 64)
	id, err2 := strconv.ParseInt(z, 10, 64)
	return key{t, id}, ok && err1 == nil && err2 == nil
}

// cursorPage answers a listing in Zendesk's cursor pagination: items are
// sorted by keyOf, page[after] names the last item of the previous page
// and page[size] (at most 100) the page's length.
func cursorPage[T any](r *http.Request, name string, items []T, keyOf func(T) key, render func(T) any) (int, any) {
	q := r.URL.Query()
	size := 100
	if v := q.Get("page[size]"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 100 {
			return apiError(http.StatusBadRequest, "InvalidPaginationParameter", "page[size] must be between 1 and 100")
		}
		size = n
	}
	items = slices.Clone(items)
	slices.SortFunc(items, func(a, b T) int {
		ka, kb := keyOf(a), keyOf(b)
		return cmp.Or(cmp.Compare(ka.t, kb.t), cmp.Compare(ka.id, kb.id))
	})
	if q.Get("sort_order") == "desc" {
		slices.Reverse(items)
	}
	start := 0
	if c := q.Get("page[after]"); c != "" {
		k, ok := decodeKey(c)
		if !ok {
			return apiError(http.StatusBadRequest, "InvalidPaginationParameter", "page[after] is not a valid cursor")
		}
		desc := q.Get("sort_order") == "desc"
		start = len(items)
		for i, it := range items {
			ki := keyOf(it)
			if (!desc && k.less(ki)) || (desc && ki.less(k)) {
				start = i
				break
			}
		}
	}
	end := min(start+size, len(items))
	out := make([]any, 0, end-start)
	for _, it := range items[start:end] {
		out = append(out, render(it))
	}
	more := end < len(items)
	meta := map[string]any{"has_more": more, "after_cursor": nil, "before_cursor": nil}
	links := map[string]any{"next": nil, "prev": nil}
	if end > start {
		after := encodeKey(keyOf(items[end-1]))
		meta["after_cursor"], meta["before_cursor"] = after, encodeKey(keyOf(items[start]))
		if more {
			nq := r.URL.Query()
			nq.Set("page[after]", after)
			nq.Set("page[size]", strconv.Itoa(size))
			links["next"] = emulator.BaseURL(r) + r.URL.Path + "?" + nq.Encode()
		}
	}
	return http.StatusOK, map[string]any{name: out, "meta": meta, "links": links}
}

func pathID(r *http.Request) (int64, bool) {
	id, err := strconv.ParseInt(strings.TrimSuffix(r.PathValue("id"), ".json"), 10, 64)
	return id, err == nil
}

func (s *Server) userJSON(u *User) any {
	return map[string]any{"id": u.ID, "name": u.Name, "email": u.Email, "role": u.Role, "active": true}
}

func (s *Server) me(_ *http.Request, u *User) (int, any) {
	return http.StatusOK, map[string]any{"user": s.userJSON(u)}
}

func (s *Server) showMany(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	raw := strings.Split(r.URL.Query().Get("ids"), ",")
	if len(raw) > 100 {
		return apiError(http.StatusBadRequest, "InvalidValue", "at most 100 ids")
	}
	out := []any{}
	for _, v := range raw {
		id, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			continue
		}
		if x := s.data.User(id); x != nil {
			out = append(out, s.userJSON(x))
		}
	}
	return http.StatusOK, map[string]any{"users": out}
}

func (s *Server) listUsers(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	roles := r.URL.Query()["role[]"]
	if v := r.URL.Query().Get("role"); v != "" {
		roles = append(roles, v)
	}
	var users []*User
	for _, x := range s.data.Users {
		if len(roles) == 0 || slices.Contains(roles, x.Role) {
			users = append(users, x)
		}
	}
	return cursorPage(r, "users", users, func(x *User) key { return key{0, x.ID} }, s.userJSON)
}

func (s *Server) listGroups(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	var groups []*Group
	for _, g := range s.data.Groups {
		if !g.Deleted {
			groups = append(groups, g)
		}
	}
	return cursorPage(r, "groups", groups, func(g *Group) key { return key{0, g.ID} }, func(g *Group) any {
		return map[string]any{"id": g.ID, "name": g.Name, "deleted": g.Deleted}
	})
}

type membership struct{ group, user int64 }

func (s *Server) listMemberships(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	id, ok := pathID(r)
	var ms []membership
	for _, g := range s.data.Groups {
		if ok && g.ID == id && !g.Deleted {
			for _, m := range g.Members {
				ms = append(ms, membership{g.ID, m})
			}
			return cursorPage(r, "group_memberships", ms, func(m membership) key { return key{0, m.user} }, func(m membership) any {
				return map[string]any{"id": m.group*1_000_000 + m.user, "group_id": m.group, "user_id": m.user}
			})
		}
	}
	return notFound()
}

func (s *Server) listOrganizations(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	return cursorPage(r, "organizations", s.data.Organizations, func(o *Organization) key { return key{0, o.ID} }, func(o *Organization) any {
		return map[string]any{"id": o.ID, "name": o.Name, "shared_tickets": o.SharedTickets, "shared_comments": o.SharedTickets}
	})
}

func (s *Server) listOrganizationUsers(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	id, ok := pathID(r)
	for _, o := range s.data.Organizations {
		if ok && o.ID == id {
			var users []*User
			for _, m := range o.Members {
				if x := s.data.User(m); x != nil {
					users = append(users, x)
				}
			}
			return cursorPage(r, "users", users, func(x *User) key { return key{0, x.ID} }, s.userJSON)
		}
	}
	return notFound()
}

func (s *Server) ticketJSON(r *http.Request, t *Ticket) any {
	tags := t.Tags
	if tags == nil {
		tags = []string{}
	}
	return map[string]any{
		"id": t.ID, "url": fmt.Sprintf("%s/api/v2/tickets/%d.json", emulator.BaseURL(r), t.ID),
		"subject": t.Subject, "raw_subject": t.Subject, "description": t.Description, "status": t.Status,
		"priority": t.Priority, "type": t.Type, "requester_id": t.RequesterID, "submitter_id": nullID(t.SubmitterID),
		"assignee_id": nullID(t.AssigneeID), "group_id": nullID(t.GroupID), "organization_id": nullID(t.OrganizationID),
		"tags": tags, "created_at": stamp(t.CreatedAt), "updated_at": stamp(t.UpdatedAt),
		"generated_timestamp": t.generated().Unix(),
	}
}

func (s *Server) getTicket(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	id, ok := pathID(r)
	t := s.data.Ticket(id)
	if !ok || t == nil || t.Status == "deleted" {
		return notFound()
	}
	return http.StatusOK, map[string]any{"ticket": s.ticketJSON(r, t)}
}

func (s *Server) listComments(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	id, ok := pathID(r)
	t := s.data.Ticket(id)
	if !ok || t == nil || t.Status == "deleted" {
		return notFound()
	}
	return cursorPage(r, "comments", t.Comments, func(c Comment) key { return key{c.CreatedAt.Unix(), c.ID} }, func(c Comment) any {
		return map[string]any{"id": c.ID, "type": "Comment", "author_id": c.AuthorID, "body": c.Body, "html_body": c.HTMLBody,
			"plain_body": c.Body, "public": c.Public, "created_at": stamp(c.CreatedAt), "attachments": []any{}}
	})
}

// exportTickets is the cursor-based incremental ticket export: tickets
// whose generated_timestamp is at or after start_time, in that order,
// deleted ones with status "deleted", leaving out the last minute. The
// last page says end_of_stream and still gives a cursor to poll from.
func (s *Server) exportTickets(w http.ResponseWriter, r *http.Request) {
	if !s.takeExport(w, r) {
		return
	}
	s.serve(s.export)(w, r)
}

func (s *Server) takeExport(w http.ResponseWriter, r *http.Request) bool {
	limit := cmp.Or(s.opts.ExportsPerMinute, 10)
	if limit < 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.Now()
	p := emulator.Principal(r)
	b := s.exports[p]
	if b == nil || now.Sub(b.start) >= time.Minute {
		b = &exportBudget{start: now}
		s.exports[p] = b
	}
	if b.used >= limit {
		wait := b.start.Add(time.Minute).Sub(now)
		w.Header().Set("Retry-After", strconv.Itoa(max(1, int((wait+time.Second-1)/time.Second))))
		emulator.WriteJSON(w, http.StatusTooManyRequests, map[string]string{"error": "APIRateLimitExceeded",
			"description": "Number of allowed incremental export API requests per minute exceeded"})
		return false
	}
	b.used++
	return true
}

func (s *Server) export(r *http.Request, u *User) (int, any) {
	if u.Role != RoleAdmin {
		return forbidden()
	}
	q := r.URL.Query()
	size := cmp.Or(s.opts.MaxExportPage, 1000)
	if v := q.Get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return apiError(http.StatusBadRequest, "InvalidValue", "per_page must be a positive number")
		}
		size = min(n, size)
	}
	now := s.Now()
	var after key
	if c := q.Get("cursor"); c != "" {
		k, ok := decodeKey(c)
		if !ok {
			return apiError(http.StatusUnprocessableEntity, "InvalidPaginationParameter", "Invalid cursor")
		}
		after = k
	} else {
		st, err := strconv.ParseInt(q.Get("start_time"), 10, 64)
		if err != nil || st < 0 {
			return apiError(http.StatusBadRequest, "InvalidValue", "start_time is required and must be a Unix time")
		}
		if st > now.Add(-time.Minute).Unix() {
			return apiError(http.StatusUnprocessableEntity, "InvalidValue", "Too recent start_time. Use a start_time older than 1 minute")
		}
		after = key{time.Unix(st, 0).UnixNano(), -1}
	}
	horizon := now.Add(-time.Minute).UnixNano()
	keyOf := func(t *Ticket) key { return key{t.generated().UnixNano(), t.ID} }
	var due []*Ticket
	for _, t := range s.data.Tickets {
		if k := keyOf(t); after.less(k) && k.t < horizon {
			due = append(due, t)
		}
	}
	slices.SortFunc(due, func(a, b *Ticket) int {
		ka, kb := keyOf(a), keyOf(b)
		return cmp.Or(cmp.Compare(ka.t, kb.t), cmp.Compare(ka.id, kb.id))
	})
	page := due[:min(size, len(due))]
	out := make([]any, 0, len(page))
	for _, t := range page {
		out = append(out, s.ticketJSON(r, t))
	}
	last := after
	if len(page) > 0 {
		last = keyOf(page[len(page)-1])
	}
	cursor := encodeKey(last)
	next := emulator.BaseURL(r) + "/api/v2/incremental/tickets/cursor.json?" + url.Values{"cursor": {cursor}}.Encode()
	return http.StatusOK, map[string]any{"tickets": out, "after_cursor": cursor, "after_url": next,
		"before_cursor": nil, "before_url": nil, "end_of_stream": len(page) == len(due)}
}

func (s *Server) listSegments(r *http.Request, u *User) (int, any) {
	if !staff(u) {
		return forbidden()
	}
	return cursorPage(r, "user_segments", s.data.Segments, func(g *Segment) key { return key{0, g.ID} }, func(g *Segment) any {
		ids := g.GroupIDs
		if ids == nil {
			ids = []int64{}
		}
		return map[string]any{"id": g.ID, "name": g.Name, "user_type": g.UserType, "group_ids": ids,
			"organization_ids": []int64{}, "tags": []string{}}
	})
}

func hcLocale(r *http.Request) (string, bool) {
	l := strings.ToLower(r.PathValue("locale"))
	return l, l != "" && len(l) <= 10
}

func (s *Server) listCategories(r *http.Request, _ *User) (int, any) {
	loc, ok := hcLocale(r)
	if !ok {
		return notFound()
	}
	return cursorPage(r, "categories", s.data.Categories, func(c *Category) key { return key{int64(c.Position), c.ID} }, func(c *Category) any {
		base := emulator.BaseURL(r)
		return map[string]any{"id": c.ID, "name": c.Name, "description": c.Description, "locale": loc, "source_locale": loc,
			"position": c.Position, "outdated": false, "created_at": stamp(c.CreatedAt), "updated_at": stamp(c.UpdatedAt),
			"url":      fmt.Sprintf("%s/api/v2/help_center/%s/categories/%d.json", base, loc, c.ID),
			"html_url": fmt.Sprintf("%s/hc/%s/categories/%d-%s", base, loc, c.ID, slug(c.Name))}
	})
}

func (s *Server) listSections(r *http.Request, _ *User) (int, any) {
	loc, ok := hcLocale(r)
	if !ok {
		return notFound()
	}
	return cursorPage(r, "sections", s.data.Sections, func(c *Section) key { return key{0, c.ID} }, func(c *Section) any {
		base := emulator.BaseURL(r)
		return map[string]any{"id": c.ID, "name": c.Name, "description": c.Description, "locale": loc, "source_locale": loc,
			"category_id": c.CategoryID, "parent_section_id": nullID(c.ParentSectionID), "outdated": false,
			"created_at": stamp(c.CreatedAt), "updated_at": stamp(c.UpdatedAt),
			"url":      fmt.Sprintf("%s/api/v2/help_center/%s/sections/%d.json", base, loc, c.ID),
			"html_url": fmt.Sprintf("%s/hc/%s/sections/%d-%s", base, loc, c.ID, slug(c.Name))}
	})
}

// visibleArticles lists the articles of a locale the caller may read:
// staff read drafts and every segment, others only published articles
// open to everyone.
func (s *Server) visibleArticles(loc string, u *User) []*Article {
	var out []*Article
	for _, a := range s.data.Articles {
		if a.Locale == loc && (staff(u) || (!a.Draft && a.UserSegmentID == 0)) {
			out = append(out, a)
		}
	}
	return out
}

func (s *Server) articleJSON(r *http.Request, a *Article) any {
	base := emulator.BaseURL(r)
	labels := a.Labels
	if labels == nil {
		labels = []string{}
	}
	return map[string]any{"id": a.ID, "title": a.Title, "body": a.Body, "locale": a.Locale, "source_locale": a.SourceLocale,
		"section_id": a.SectionID, "author_id": a.AuthorID, "draft": a.Draft, "promoted": false, "position": 0,
		"user_segment_id": nullID(a.UserSegmentID), "permission_group_id": 1, "label_names": labels, "outdated": false,
		"created_at": stamp(a.CreatedAt), "updated_at": stamp(a.UpdatedAt), "edited_at": stamp(a.EditedAt),
		"url":      fmt.Sprintf("%s/api/v2/help_center/%s/articles/%d.json", base, a.Locale, a.ID),
		"html_url": fmt.Sprintf("%s/hc/%s/articles/%d-%s", base, a.Locale, a.ID, slug(a.Title))}
}

func (s *Server) listArticles(r *http.Request, u *User) (int, any) {
	loc, ok := hcLocale(r)
	if !ok {
		return notFound()
	}
	keyOf := func(a *Article) key { return key{0, a.ID} }
	sortBy := r.URL.Query().Get("sort_by")
	if s.opts.IgnoreSort {
		sortBy = ""
	}
	switch sortBy {
	case "updated_at":
		keyOf = func(a *Article) key { return key{a.UpdatedAt.UnixNano(), a.ID} }
	case "created_at":
		keyOf = func(a *Article) key { return key{a.CreatedAt.UnixNano(), a.ID} }
	}
	return cursorPage(r, "articles", s.visibleArticles(loc, u), keyOf, func(a *Article) any { return s.articleJSON(r, a) })
}

func (s *Server) getArticle(r *http.Request, u *User) (int, any) {
	loc, ok := hcLocale(r)
	id, ok2 := pathID(r)
	if !ok || !ok2 {
		return notFound()
	}
	for _, a := range s.visibleArticles(loc, u) {
		if a.ID == id {
			return http.StatusOK, map[string]any{"article": s.articleJSON(r, a)}
		}
	}
	return notFound()
}

// slug is the title part of a Help Center address.
func slug(title string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(title) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.TrimSuffix(b.String(), "-")
}
