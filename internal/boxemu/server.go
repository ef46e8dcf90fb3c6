package boxemu

import (
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Scopes the emulator checks, in Box's names.
const (
	// ScopeRead is "Read all files and folders stored in Box".
	ScopeRead = "root_readonly"
	// ScopeGroups is "Manage groups", which listing groups and their
	// memberships needs.
	ScopeGroups = "manage_groups"
)

// DefaultDownloadHost is where GET /files/{id}/content redirects, as Box
// documents (https://dl.boxcloud.com/d/1/.../download).
const DefaultDownloadHost = "dl.boxcloud.com"

// Options tune a Server.
type Options struct {
	// Latency delays every answer.
	Latency time.Duration
	// RatePerMinute, when positive, limits each token to this many
	// requests a minute; past it the emulator answers 429
	// rate_limit_exceeded with Retry-After, as Box does.
	RatePerMinute int
	// TokenLifetime is how long issued access tokens last; an hour (Box's)
	// when zero.
	TokenLifetime time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
	// DownloadBase is the scheme and host downloads redirect to, such as
	// http://127.0.0.1:8080 for an emulator served with Start;
	// https://dl.boxcloud.com when empty.
	DownloadBase string
	// ShortPages, when positive, caps each listing page at this many
	// entries whatever limit was asked, with a next_marker while more
	// remain: a short page is not the last one.
	ShortPages int
	// DuplicateEvents sends every event of an events page twice, as Box
	// warns its stream may.
	DuplicateEvents bool
	// StringPositions sends next_stream_position as a JSON string rather
	// than a number; Box documents both.
	StringPositions bool
}

type token struct {
	expiry time.Time // zero: never expires
	scopes []string  // nil: every scope
}

// Server is the emulated Box. Its methods are safe for concurrent use.
type Server struct {
	*emulator.Server
	opts Options

	mu        sync.Mutex
	data      *Data
	byID      map[string]*Item
	tokens    map[string]token
	refreshes map[string][2]string // refresh token: client id and secret
	apps      map[string]string    // client id: secret, for client credentials
	issued    int
	events    []event
	repeat    bool // next_marker repeats (RepeatMarkers)
	notReady  map[string]int
}

type event struct {
	seq     int
	id, typ string
	item    string
	at      time.Time
}

// New serves data (which the server then owns).
func New(data *Data, o Options) *Server {
	s := &Server{opts: o, data: data, byID: map[string]*Item{}, tokens: map[string]token{},
		refreshes: map[string][2]string{}, apps: map[string]string{}, notReady: map[string]int{}}
	for _, it := range data.Items {
		s.byID[it.ID] = it
	}
	if s.opts.DownloadBase == "" {
		s.opts.DownloadBase = "https://" + DefaultDownloadHost
	}
	eo := emulator.Options{Auth: s.auth, Unauthorized: unauthorized, Latency: o.Latency, Clock: o.Clock}
	if o.RatePerMinute > 0 {
		eo.RateLimit = &emulator.RateLimit{Limit: o.RatePerMinute, Window: time.Minute, Headers: emulator.HeadersNone,
			Body: `{"type":"error","status":429,"code":"rate_limit_exceeded","message":"Request rate limit exceeded, please try again later","request_id":"emu"}`}
	}
	s.Server = emulator.New(eo)
	for route, h := range map[string]http.HandlerFunc{
		"GET /2.0/users/me":                    s.me,
		"GET /2.0/folders/{id}":                s.folder,
		"GET /2.0/folders/{id}/items":          s.items,
		"GET /2.0/folders/{id}/collaborations": s.collaborations,
		"GET /2.0/files/{id}":                  s.file,
		"GET /2.0/files/{id}/content":          s.content,
		"GET /2.0/files/{id}/collaborations":   s.collaborations,
		"GET /2.0/shared_items":                s.sharedItem,
		"GET /2.0/events":                      s.eventsPage,
		"GET /2.0/groups":                      s.needs(ScopeGroups, s.groups),
		"GET /2.0/groups/{id}/memberships":     s.needs(ScopeGroups, s.memberships),
		"GET /2.0/folders/trash/items":         s.trashItems,
		"GET /2.0/folders/{id}/trash":          s.trashedFolder,
		"GET /2.0/files/{id}/trash":            s.trashedFile,
		"GET /2.0/users/{id}":                  s.user,
	} {
		if route == "GET /2.0/groups" || route == "GET /2.0/groups/{id}/memberships" {
			s.Handle(route, h)
			continue
		}
		s.Handle(route, s.needs(ScopeRead, h))
	}
	s.Handle("GET /d/1/{key}/download", s.download, emulator.Public())
	s.Handle("POST /oauth2/token", s.token, emulator.Public())
	return s
}

// AddToken makes tok a valid access token with scopes (none: every
// scope) that never expires: a developer token.
func (s *Server) AddToken(tok string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = token{scopes: scopes}
}

// ExpireToken makes tok answer 401.
func (s *Server) ExpireToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[tok]; ok {
		t.expiry = s.Now().Add(-time.Second)
		s.tokens[tok] = t
	}
}

// AddRefreshToken makes refresh a refresh token of the app clientID.
// Each use answers a new access token and a new refresh token, and
// refresh stops working: Box rotates refresh tokens.
func (s *Server) AddRefreshToken(refresh, clientID, clientSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes[refresh] = [2]string{clientID, clientSecret}
}

// AddApp registers a Server Authentication app for the Client
// Credentials Grant: it gets tokens for the enterprise or any user.
func (s *Server) AddApp(clientID, clientSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[clientID] = clientSecret
}

// RepeatMarkers makes every listing answer the marker it was asked with
// as its next_marker, a listing that never ends.
func (s *Server) RepeatMarkers(on bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.repeat = on
}

// NotReady makes the next n downloads of file id answer 202 with
// Retry-After, as Box answers for a file not ready to download.
func (s *Server) NotReady(id string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.notReady[id] = n
}

// SetDownloadBase changes Options.DownloadBase.
func (s *Server) SetDownloadBase(base string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.opts.DownloadBase = base
}

// downloadURL is the address content redirects to for file id. Callers
// hold s.mu.
func (s *Server) downloadURL(id string) string {
	return s.opts.DownloadBase + "/d/1/" + base64.RawURLEncoding.EncodeToString([]byte(id)) + "/download"
}

// SharedLinkURL is the shared link of item id.
func SharedLinkURL(id string) string { return "https://app.box.com/s/" + SHA1([]byte(id))[:16] }

func (s *Server) auth(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tok]
	if !ok || !t.expiry.IsZero() && !s.Now().Before(t.expiry) {
		return "", false
	}
	return "token:" + tok, true
}

func unauthorized(w http.ResponseWriter, _ *http.Request) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="Service", error="invalid_token", error_description="The access token provided is invalid."`)
	w.WriteHeader(http.StatusUnauthorized)
}

// needs refuses a token without scope with Box's 403 insufficient_scope.
func (s *Server) needs(scope string, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
		s.mu.Lock()
		scopes := s.tokens[tok].scopes
		s.mu.Unlock()
		if scopes != nil && !slices.Contains(scopes, scope) && !(scope == ScopeRead && slices.Contains(scopes, "root_readwrite")) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="Service", error="insufficient_scope", error_description="The request requires higher privileges than provided by the access token."`)
			boxError(w, http.StatusForbidden, "insufficient_scope", "The request requires higher privileges than provided by the access token.")
			return
		}
		h(w, r)
	}
}

// boxError answers Box's error body.
func boxError(w http.ResponseWriter, status int, code, message string) {
	emulator.WriteJSON(w, status, map[string]any{"type": "error", "status": status, "code": code, "message": message, "request_id": "emu" + strconv.Itoa(status)})
}

func notFound(w http.ResponseWriter, _ *http.Request) {
	boxError(w, http.StatusNotFound, "not_found", "Not Found")
}

func (s *Server) userJSON(id string) map[string]any {
	u := s.userOf(id)
	return map[string]any{"type": "user", "id": u.ID, "name": u.Name, "login": u.Login}
}

func (s *Server) userOf(id string) User {
	if id == "" || id == s.data.Me.ID {
		return s.data.Me
	}
	for _, u := range s.data.Users {
		if u.ID == id {
			return u
		}
	}
	return User{ID: id, Name: "Unknown", Login: ""}
}

func (s *Server) me(w http.ResponseWriter, _ *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m := s.userJSON(s.data.Me.ID)
	m["enterprise"] = map[string]any{"type": "enterprise", "id": s.data.EnterpriseID, "name": "Acme"}
	m["status"] = "active"
	emulator.WriteJSON(w, http.StatusOK, m)
}

func (s *Server) user(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	u := s.userOf(r.PathValue("id"))
	if u.Login == "" {
		notFound(w, r)
		return
	}
	emulator.WriteJSON(w, http.StatusOK, s.userJSON(u.ID))
}

// fieldsOf returns the fields= set, nil for none (every standard field).
func fieldsOf(r *http.Request) map[string]bool {
	v := r.URL.Query().Get("fields")
	if v == "" {
		return nil
	}
	m := map[string]bool{}
	for f := range strings.SplitSeq(v, ",") {
		m[strings.TrimSpace(f)] = true
	}
	return m
}

func mini(it *Item) map[string]any {
	typ := "file"
	if it.Folder {
		typ = "folder"
	}
	return map[string]any{"type": typ, "id": it.ID, "name": it.Name, "etag": "1", "sequence_id": "1"}
}

func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.In(time.FixedZone("PST", -8*3600)).Format(time.RFC3339)
}

// itemJSON renders it as Box does: the mini representation and, with
// fields=, the fields asked; without, every standard field. Callers hold
// s.mu.
func (s *Server) itemJSON(it *Item, fields map[string]bool) map[string]any {
	m := mini(it)
	all := map[string]any{
		"created_at": stamp(it.CreatedAt), "modified_at": stamp(it.ModifiedAt), "content_modified_at": stamp(it.ContentModifiedAt),
		"trashed_at": stamp(it.TrashedAt), "item_status": cmpOr(it.Status, "active"),
		"owned_by": s.userJSON(it.Owner), "modified_by": s.userJSON(it.ModifiedBy),
		"path_collection": s.pathCollection(it), "shared_link": nil, "parent": nil,
	}
	if p := s.byID[it.Parent]; p != nil {
		all["parent"] = mini(p)
	}
	if it.Folder {
		all["size"] = 0
	} else {
		sum := SHA1(it.Content)
		if it.WrongSHA1 {
			sum = SHA1(append(it.Content, '!'))
		}
		all["sha1"], all["size"] = sum, len(it.Content)
	}
	if it.SharedLink != "" {
		all["shared_link"] = map[string]any{"url": SharedLinkURL(it.ID), "access": it.SharedLink, "effective_access": it.SharedLink,
			"is_password_enabled": false, "permissions": map[string]bool{"can_download": true, "can_preview": true}}
	}
	for k, v := range all {
		if fields == nil || fields[k] {
			m[k] = v
		}
	}
	return m
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// pathCollection lists it's ancestors, the root first.
func (s *Server) pathCollection(it *Item) map[string]any {
	var chain []any
	for p := s.byID[it.Parent]; p != nil; p = s.byID[p.Parent] {
		chain = append(chain, mini(p))
		if p.ID == "0" {
			break
		}
	}
	slices.Reverse(chain)
	if !it.active() && it.ID != "0" {
		chain = []any{map[string]any{"type": "folder", "id": "1", "name": "Trash", "sequence_id": nil, "etag": nil}}
	}
	return map[string]any{"total_count": len(chain), "entries": chain}
}

// lookup returns an item by id and kind, answering 404 (not_found, or
// trashed for an item in the trash) when there is none.
func (s *Server) lookup(w http.ResponseWriter, id string, folder bool) *Item {
	it := s.byID[id]
	switch {
	case it == nil || it.Folder != folder || it.Status == "deleted":
		boxError(w, http.StatusNotFound, "not_found", "Could not find the specified resource")
		return nil
	case !it.active():
		boxError(w, http.StatusNotFound, "trashed", "Item is trashed")
		return nil
	}
	return it
}

func (s *Server) folder(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.lookup(w, r.PathValue("id"), true); it != nil {
		emulator.WriteJSON(w, http.StatusOK, s.itemJSON(it, fieldsOf(r)))
	}
}

func (s *Server) file(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.lookup(w, r.PathValue("id"), false); it != nil {
		emulator.WriteJSON(w, http.StatusOK, s.itemJSON(it, fieldsOf(r)))
	}
}

func (s *Server) trashedFolder(w http.ResponseWriter, r *http.Request) { s.trashed(w, r, true) }
func (s *Server) trashedFile(w http.ResponseWriter, r *http.Request)   { s.trashed(w, r, false) }

func (s *Server) trashed(w http.ResponseWriter, r *http.Request, folder bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.byID[r.PathValue("id")]
	if it == nil || it.Folder != folder || it.Status != "trashed" {
		notFound(w, r)
		return
	}
	emulator.WriteJSON(w, http.StatusOK, s.itemJSON(it, fieldsOf(r)))
}

// children lists a folder's items as Box orders them: folders before
// files, then by id. Callers hold s.mu.
func (s *Server) children(id string, status func(*Item) bool) []*Item {
	var out []*Item
	for _, it := range s.data.Items {
		if it.Parent == id && it.ID != "0" && status(it) {
			out = append(out, it)
		}
	}
	slices.SortFunc(out, func(a, b *Item) int {
		if a.Folder != b.Folder {
			if a.Folder {
				return -1
			}
			return 1
		}
		return cmpID(a.ID, b.ID)
	})
	return out
}

func cmpID(a, b string) int {
	if len(a) != len(b) {
		return len(a) - len(b)
	}
	return strings.Compare(a, b)
}

// markerPage cuts items after the marker r names: markers name the last
// item of the page before, so a listing that changes between pages
// neither skips nor repeats what stayed. Callers hold s.mu.
func (s *Server) markerPage(w http.ResponseWriter, r *http.Request, items []*Item, render func(*Item) any) {
	q := r.URL.Query()
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			boxError(w, http.StatusBadRequest, "invalid_parameter", "Invalid value '"+v+"' for query parameter 'limit'")
			return
		}
		limit = min(n, 1000)
	}
	if s.opts.ShortPages > 0 {
		limit = min(limit, s.opts.ShortPages)
	}
	start := 0
	marker := q.Get("marker")
	if marker != "" {
		b, err := base64.RawURLEncoding.DecodeString(marker)
		kind, id, ok := strings.Cut(string(b), ":")
		if err != nil || !ok {
			boxError(w, http.StatusBadRequest, "invalid_parameter", "Invalid value for query parameter 'marker'")
			return
		}
		start = len(items)
		for i, it := range items {
			if after(it, kind == "d", id) {
				start = i
				break
			}
		}
	}
	end := min(start+limit, len(items))
	page := []any{}
	for _, it := range items[start:end] {
		page = append(page, render(it))
	}
	out := map[string]any{"entries": page, "limit": limit, "next_marker": nil}
	switch {
	case s.repeat && marker != "":
		out["next_marker"] = marker
	case end < len(items):
		last := items[end-1]
		kind := "f"
		if last.Folder {
			kind = "d"
		}
		out["next_marker"] = base64.RawURLEncoding.EncodeToString([]byte(kind + ":" + last.ID))
	}
	emulator.WriteJSON(w, http.StatusOK, out)
}

// after reports whether it sorts after the item (folder, id).
func after(it *Item, folder bool, id string) bool {
	if it.Folder != folder {
		return !it.Folder
	}
	return cmpID(it.ID, id) > 0
}

func (s *Server) items(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	if q.Get("usemarker") != "true" {
		boxError(w, http.StatusBadRequest, "invalid_parameter", "the emulator serves folder items with usemarker=true only")
		return
	}
	it := s.byID[r.PathValue("id")]
	if it == nil || !it.Folder || it.Status == "deleted" {
		notFound(w, r)
		return
	}
	// A trashed folder still lists what it held, each trashed: the
	// connector reads it to delete a trashed folder's files. Whether
	// Box itself answers so is not verified.
	keep := (*Item).active
	if !it.active() {
		keep = func(c *Item) bool { return c.Status == "trashed" }
	}
	fields := fieldsOf(r)
	s.markerPage(w, r, s.children(it.ID, keep), func(c *Item) any { return s.itemJSON(c, fields) })
}

func (s *Server) trashItems(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var top []*Item
	for _, it := range s.data.Items {
		if it.Status == "trashed" && (s.byID[it.Parent] == nil || s.byID[it.Parent].active()) {
			top = append(top, it)
		}
	}
	fields := fieldsOf(r)
	s.markerPage(w, r, top, func(c *Item) any { return s.itemJSON(c, fields) })
}

func (s *Server) collaborations(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	folder := strings.HasPrefix(r.URL.Path, "/2.0/folders/")
	it := s.lookup(w, r.PathValue("id"), folder)
	if it == nil {
		return
	}
	if it.ID == "0" {
		boxError(w, http.StatusNotFound, "not_found", "the root folder has no collaborations")
		return
	}
	// Collaborations page by marker too: stand-ins numbered from 1.
	items := make([]*Item, len(it.Collabs))
	for i := range it.Collabs {
		items[i] = &Item{ID: strconv.Itoa(i + 1)}
	}
	s.markerPage(w, r, items, func(x *Item) any {
		n, _ := strconv.Atoi(x.ID)
		c := it.Collabs[n-1]
		m := map[string]any{"type": "collaboration", "id": "c" + it.ID + "-" + x.ID, "role": cmpOr(c.Role, "editor"),
			"status": "accepted", "item": mini(it)}
		if c.Pending {
			m["status"] = "pending"
		}
		if c.GroupID != "" {
			m["accessible_by"] = map[string]any{"type": "group", "id": c.GroupID, "name": s.groupName(c.GroupID), "group_type": "managed_group"}
		} else {
			m["accessible_by"] = s.userJSON(c.UserID)
		}
		return m
	})
}

func (s *Server) groupName(id string) string {
	for _, g := range s.data.Groups {
		if g.ID == id {
			return g.Name
		}
	}
	return ""
}

func (s *Server) content(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.lookup(w, r.PathValue("id"), false)
	switch {
	case it == nil:
		return
	case it.Forbidden:
		boxError(w, http.StatusForbidden, "access_denied_insufficient_permissions", "Access denied - insufficient permission")
		return
	case s.notReady[it.ID] > 0:
		s.notReady[it.ID]--
		w.Header().Set("Retry-After", "2")
		w.WriteHeader(http.StatusAccepted)
		return
	}
	w.Header().Set("Location", s.downloadURL(it.ID))
	w.WriteHeader(http.StatusFound)
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	b, err := base64.RawURLEncoding.DecodeString(r.PathValue("key"))
	s.mu.Lock()
	it := s.byID[string(b)]
	var body []byte
	if it != nil && it.active() && !it.Folder {
		body = slices.Clone(it.Content)
	}
	s.mu.Unlock()
	if err != nil || body == nil {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}

func (s *Server) sharedItem(w http.ResponseWriter, r *http.Request) {
	link, ok := strings.CutPrefix(r.Header.Get("BoxApi"), "shared_link=")
	if !ok {
		boxError(w, http.StatusBadRequest, "bad_request", "BoxApi header with shared_link= required")
		return
	}
	if i := strings.Index(link, "&shared_link_password="); i >= 0 {
		link = link[:i]
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, it := range s.data.Items {
		if it.SharedLink != "" && it.active() && SharedLinkURL(it.ID) == link {
			emulator.WriteJSON(w, http.StatusOK, s.itemJSON(it, fieldsOf(r)))
			return
		}
	}
	notFound(w, r)
}

// offsetPage answers an offset-paged listing of n entries.
func offsetPage(w http.ResponseWriter, r *http.Request, n int, render func(i int) any) {
	q := r.URL.Query()
	limit, offset := 100, 0
	if v := q.Get("limit"); v != "" {
		limit, _ = strconv.Atoi(v)
	}
	if v := q.Get("offset"); v != "" {
		offset, _ = strconv.Atoi(v)
	}
	if limit < 1 || offset < 0 {
		boxError(w, http.StatusBadRequest, "invalid_parameter", "bad limit or offset")
		return
	}
	limit = min(limit, 1000)
	entries := []any{}
	for i := offset; i < min(offset+limit, n); i++ {
		entries = append(entries, render(i))
	}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"total_count": n, "entries": entries, "limit": limit, "offset": offset})
}

func (s *Server) groups(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	offsetPage(w, r, len(s.data.Groups), func(i int) any {
		g := s.data.Groups[i]
		return map[string]any{"type": "group", "id": g.ID, "name": g.Name, "group_type": "managed_group"}
	})
}

func (s *Server) memberships(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.data.Groups {
		if g.ID != r.PathValue("id") {
			continue
		}
		offsetPage(w, r, len(g.Members), func(i int) any {
			return map[string]any{"type": "group_membership", "id": "m" + g.ID + "-" + g.Members[i], "role": "member",
				"user": s.userJSON(g.Members[i]), "group": map[string]any{"type": "group", "id": g.ID, "name": g.Name}}
		})
		return
	}
	notFound(w, r)
}

func (s *Server) eventsPage(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if st := q.Get("stream_type"); st != "" && st != "all" && st != "changes" && st != "sync" {
		boxError(w, http.StatusBadRequest, "invalid_parameter", "Invalid value for stream_type")
		return
	}
	limit := 100
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			boxError(w, http.StatusBadRequest, "invalid_parameter", "Invalid value for limit")
			return
		}
		limit = min(n, 500)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	pos := 0
	switch v := q.Get("stream_position"); v {
	case "", "0":
	case "now":
		pos = len(s.events)
		limit = 0
	default:
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			boxError(w, http.StatusBadRequest, "invalid_parameter", "Invalid value for stream_position")
			return
		}
		pos = min(n, len(s.events))
	}
	end := min(pos+limit, len(s.events))
	entries := []any{}
	for _, e := range s.events[pos:end] {
		it := s.byID[e.item]
		m := map[string]any{"type": "event", "event_id": e.id, "event_type": e.typ, "created_at": stamp(e.at), "recorded_at": stamp(e.at),
			"created_by": s.userJSON(""), "session_id": "emu", "source": nil}
		if it != nil {
			m["source"] = s.itemJSON(it, nil)
		}
		entries = append(entries, m)
		if s.opts.DuplicateEvents {
			entries = append(entries, m)
		}
	}
	var next any = end
	if s.opts.StringPositions {
		next = strconv.Itoa(end)
	}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"chunk_size": len(entries), "next_stream_position": next, "entries": entries})
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	f := r.PostForm
	id, secret := f.Get("client_id"), f.Get("client_secret")
	if u, p, ok := r.BasicAuth(); ok {
		id, secret = u, p
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	bad := func(code, desc string) {
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
	}
	answer := map[string]any{"token_type": "bearer", "restricted_to": []any{}}
	switch f.Get("grant_type") {
	case "refresh_token":
		app, ok := s.refreshes[f.Get("refresh_token")]
		switch {
		case !ok:
			bad("invalid_grant", "Invalid refresh token")
			return
		case app[0] != id || app[1] != secret:
			bad("invalid_client", "The client credentials are invalid")
			return
		}
		delete(s.refreshes, f.Get("refresh_token"))
		s.issued++
		next := "refresh-" + strconv.Itoa(s.issued)
		s.refreshes[next] = app
		answer["refresh_token"] = next
	case "client_credentials":
		if want, ok := s.apps[id]; !ok || want != secret {
			bad("invalid_client", "The client credentials are invalid")
			return
		}
		switch typ, sub := f.Get("box_subject_type"), f.Get("box_subject_id"); {
		case typ == "enterprise" && sub == s.data.EnterpriseID:
		case typ == "user" && s.userOf(sub).Login != "":
		default:
			bad("invalid_grant", "Grant credentials are invalid")
			return
		}
	default:
		bad("unsupported_grant_type", "Grant type is not supported")
		return
	}
	s.issued++
	life := s.opts.TokenLifetime
	if life <= 0 {
		life = time.Hour
	}
	access := "access-" + strconv.Itoa(s.issued)
	s.tokens[access] = token{expiry: s.Now().Add(life)}
	answer["access_token"], answer["expires_in"] = access, int(life.Seconds())
	emulator.WriteJSON(w, http.StatusOK, answer)
}

// Item returns a copy of item id, or nil.
func (s *Server) Item(id string) *Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.byID[id]; it != nil {
		cp := *it
		return &cp
	}
	return nil
}

// logEvent appends an event on item id. Callers hold s.mu.
func (s *Server) logEvent(typ, id string) {
	n := len(s.events) + 1
	s.events = append(s.events, event{seq: n, id: SHA1([]byte(strconv.Itoa(n) + typ + id)), typ: typ, item: id, at: s.Now()})
}

// Put adds a file or folder (or replaces the item of its id) and logs
// ITEM_UPLOAD (ITEM_CREATE for a folder).
func (s *Server) Put(it *Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if old := s.byID[it.ID]; old != nil {
		*old = *it
	} else {
		s.data.Items = append(s.data.Items, it)
		s.byID[it.ID] = it
	}
	if it.Folder {
		s.logEvent("ITEM_CREATE", it.ID)
	} else {
		s.logEvent("ITEM_UPLOAD", it.ID)
	}
}

// Modify gives file id new content and logs ITEM_UPLOAD.
func (s *Server) Modify(id string, content []byte) {
	s.change(id, "ITEM_UPLOAD", func(it *Item) {
		it.Content = content
		it.ContentModifiedAt = it.ModifiedAt
	})
}

// Rename renames item id and logs ITEM_RENAME.
func (s *Server) Rename(id, name string) {
	s.change(id, "ITEM_RENAME", func(it *Item) { it.Name = name })
}

// Move moves item id into folder parent and logs ITEM_MOVE.
func (s *Server) Move(id, parent string) {
	s.change(id, "ITEM_MOVE", func(it *Item) { it.Parent = parent })
}

// Trash moves item id to the trash, with everything under it, and logs
// ITEM_TRASH for it alone, as Box does.
func (s *Server) Trash(id string) {
	s.change(id, "ITEM_TRASH", func(it *Item) { s.setStatus(it, "trashed") })
}

// Delete deletes item id for good, with everything under it, and logs
// ITEM_DELETE for it alone.
func (s *Server) Delete(id string) {
	s.change(id, "ITEM_DELETE", func(it *Item) { s.setStatus(it, "deleted") })
}

// setStatus sets the status of it and of everything under it. Callers
// hold s.mu.
func (s *Server) setStatus(it *Item, status string) {
	it.Status, it.TrashedAt = status, s.Now()
	if !it.Folder {
		return
	}
	for _, c := range s.data.Items {
		if c.Parent == it.ID && c.ID != "0" {
			s.setStatus(c, status)
		}
	}
}

func (s *Server) change(id, typ string, f func(*Item)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.byID[id]
	if it == nil {
		return
	}
	it.ModifiedAt = s.Now().UTC().Truncate(time.Second)
	f(it)
	s.logEvent(typ, id)
}

// EventCount is the number of events logged, the stream's latest
// position.
func (s *Server) EventCount() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.events)
}
