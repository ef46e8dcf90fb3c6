package dropboxemu

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"path"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server.
type Options struct {
	// Latency delays every answer.
	Latency time.Duration
	// RatePerMinute, when positive, limits each token to this many
	// requests a minute; past it the emulator answers 429
	// too_many_requests with Retry-After, as Dropbox does.
	RatePerMinute int
	// TokenLifetime is how long access tokens issued by the token
	// endpoint last; four hours (Dropbox's short-lived tokens) when zero.
	TokenLifetime time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
	// ChildrenFirst lists folders' contents before the folders
	// themselves, to test clients that must not rely on Dropbox's
	// parents-first order.
	ChildrenFirst bool
	// TeamPage, when positive, caps the entries of each page of the team
	// listings (groups, group members) below the limit asked, as Dropbox
	// may answer fewer.
	TeamPage int
}

// Scopes the emulator checks.
const (
	ScopeFilesContentRead  = "files.content.read"
	ScopeFilesMetadataRead = "files.metadata.read"
	ScopeSharingRead       = "sharing.read"
	ScopeAccountInfoRead   = "account_info.read"
)

// token is what an access token stands for.
type token struct {
	expiry time.Time // zero: never expires
	scopes []string  // nil: every scope
	team   bool      // a team token: user endpoints need a selected member
}

type refresh struct{ clientID, clientSecret string }

// event is one change of the change log that cursors read.
type event struct {
	seq     int
	team    bool
	path    string // display path
	deleted bool
}

// Server is the emulated Dropbox. Its methods are safe for concurrent use.
type Server struct {
	*emulator.Server
	opts Options

	mu        sync.Mutex
	data      *Data
	tokens    map[string]token
	refreshes map[string]refresh
	issued    int
	log       []event
	epoch     int // bumped by ResetCursors: older cursors answer reset
}

// New serves data (which the server then owns).
func New(data *Data, o Options) *Server {
	data.fill()
	s := &Server{opts: o, data: data, tokens: map[string]token{}, refreshes: map[string]refresh{}}
	eo := emulator.Options{Auth: s.auth, Unauthorized: s.unauthorized, Latency: o.Latency, Clock: o.Clock}
	if o.RatePerMinute > 0 {
		eo.RateLimit = &emulator.RateLimit{Limit: o.RatePerMinute, Window: time.Minute, Headers: emulator.HeadersNone,
			Body: `{"error_summary":"too_many_requests/...","error":{"reason":{".tag":"too_many_requests"},"retry_after":60}}`}
	}
	s.Server = emulator.New(eo)
	for route, h := range map[string]http.HandlerFunc{
		"POST /2/users/get_current_account":            s.currentAccount,
		"POST /2/files/list_folder":                    s.listFolder,
		"POST /2/files/list_folder/continue":           s.listContinue,
		"POST /2/files/list_folder/get_latest_cursor":  s.latestCursor,
		"POST /2/files/get_metadata":                   s.getMetadata,
		"POST /2/files/list_revisions":                 s.listRevisions,
		"POST /2/files/download":                       s.download,
		"POST /2/files/export":                         s.export,
		"POST /2/sharing/list_file_members":            s.fileMembers,
		"POST /2/sharing/list_file_members/continue":   s.fileMembersContinue,
		"POST /2/sharing/list_folder_members":          s.folderMembers,
		"POST /2/sharing/list_folder_members/continue": s.fileMembersContinue,
	} {
		s.Handle(route, s.asUser(h))
	}
	for route, h := range map[string]http.HandlerFunc{
		"POST /2/team/members/get_info":             s.membersGetInfo,
		"POST /2/team/groups/list":                  s.groupsList,
		"POST /2/team/groups/list/continue":         s.groupsContinue,
		"POST /2/team/groups/members/list":          s.groupMembersList,
		"POST /2/team/groups/members/list/continue": s.groupMembersContinue,
	} {
		s.Handle(route, s.asTeam(h))
	}
	s.Handle("POST /oauth2/token", s.token, emulator.Public())
	return s
}

func (s *Server) now() time.Time { return s.Now() }

// AddToken makes tok a valid access token with scopes (none: every
// scope) that never expires.
func (s *Server) AddToken(tok string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[tok] = token{scopes: scopesOrAll(scopes)}
}

// ExpireToken makes tok answer 401 expired_access_token.
func (s *Server) ExpireToken(tok string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t, ok := s.tokens[tok]; ok {
		t.expiry = s.now().Add(-time.Second)
		s.tokens[tok] = t
	}
}

// AddRefreshToken makes refresh a refresh token of the app clientID
// (with clientSecret, empty for a PKCE app) that the token endpoint
// exchanges for short-lived access tokens.
func (s *Server) AddRefreshToken(refreshToken, clientID, clientSecret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes[refreshToken] = refresh{clientID: clientID, clientSecret: clientSecret}
}

// Refreshes counts the access tokens the token endpoint issued.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.issued
}

func scopesOrAll(scopes []string) []string {
	if len(scopes) == 0 {
		return nil
	}
	return scopes
}

// Put adds e, or replaces the entry at its path, and logs the change.
func (s *Server) Put(e *Entry) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, old := range s.data.Entries {
		if old.Team == e.Team && old.lower() == e.lower() {
			if e.ID == "" {
				e.ID = old.ID
			}
			s.data.Entries = append(s.data.Entries[:i], s.data.Entries[i+1:]...)
			break
		}
	}
	s.data.Entries = append(s.data.Entries, e)
	s.data.bury(e, false)
	s.data.fill()
	s.logEvent(event{team: e.Team, path: e.Path})
}

// Delete removes the entry at the display path p (in the team space when
// team is set) with everything under it, logging one deleted entry for p
// as Dropbox does: the changes name a deleted folder only, not what it
// held. A listing of the deleted folder with include_deleted reports its
// entries as deleted.
func (s *Server) Delete(team bool, p string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	low := strings.ToLower(p)
	kept := s.data.Entries[:0]
	for _, e := range s.data.Entries {
		if e.Team != team || !under(e.lower(), low) {
			kept = append(kept, e)
		} else {
			e.deletedAt = s.now()
			s.data.bury(e, true)
		}
	}
	clear(s.data.Entries[len(kept):])
	s.data.Entries = kept
	s.data.fill()
	s.logEvent(event{team: team, path: p, deleted: true})
}

// ResetCursors makes every cursor issued so far answer 409 reset.
func (s *Server) ResetCursors() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
}

func (s *Server) logEvent(ev event) {
	ev.seq = len(s.log) + 1
	s.log = append(s.log, ev)
}

// auth accepts the valid, unexpired bearer tokens.
func (s *Server) auth(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, ok := s.tokens[tok]
	if !ok || !t.expiry.IsZero() && !s.now().Before(t.expiry) {
		return "", false
	}
	return "token:" + tok[:min(len(tok), 6)], true
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	tag := "invalid_access_token"
	if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
		s.mu.Lock()
		_, known := s.tokens[tok]
		s.mu.Unlock()
		if known {
			tag = "expired_access_token"
		}
	}
	writeError(w, http.StatusUnauthorized, tag+"/", map[string]any{".tag": tag})
}

// hasScope reports whether the request's token holds scope; without it
// the answer is Dropbox's 401 missing_scope.
func (s *Server) hasScope(w http.ResponseWriter, r *http.Request, scope string) bool {
	tok, _ := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	s.mu.Lock()
	t := s.tokens[tok]
	s.mu.Unlock()
	if t.scopes == nil || contains(t.scopes, scope) {
		return true
	}
	writeError(w, http.StatusUnauthorized, "missing_scope/", map[string]any{".tag": "missing_scope", "required_scope": scope})
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// writeError writes Dropbox's error body.
func writeError(w http.ResponseWriter, status int, summary string, detail map[string]any) {
	emulator.WriteJSON(w, status, map[string]any{"error_summary": summary + "..", "error": detail})
}

// endpointError writes a 409 whose error is tag, optionally with an inner
// tag (path/not_found).
func endpointError(w http.ResponseWriter, tag, inner string) {
	detail := map[string]any{".tag": tag}
	summary := tag + "/"
	if inner != "" {
		detail[tag] = map[string]any{".tag": inner}
		summary += inner + "/"
	}
	writeError(w, http.StatusConflict, summary, detail)
}

// badRequest answers 400 in plain text, as Dropbox does for calls it
// cannot parse.
func badRequest(w http.ResponseWriter, msg string) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusBadRequest)
	io.WriteString(w, "Error in call to API function: "+msg)
}

// rpcArgs decodes an RPC request's JSON body into v.
func rpcArgs(w http.ResponseWriter, r *http.Request, v any) bool {
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		badRequest(w, `Bad HTTP "Content-Type" header: "`+ct+`". Expecting one of "application/json".`)
		return false
	}
	if err := json.NewDecoder(io.LimitReader(r.Body, 1<<20)).Decode(v); err != nil && err != io.EOF {
		badRequest(w, "request body: could not decode input as JSON")
		return false
	}
	return true
}

// namespace reads Dropbox-API-Path-Root: whether the request addresses
// the team space.
func (s *Server) namespace(w http.ResponseWriter, r *http.Request) (team, ok bool) {
	h := r.Header.Get("Dropbox-API-Path-Root")
	if h == "" {
		return false, true
	}
	var root struct {
		Tag  string `json:".tag"`
		Root string `json:"root"`
	}
	if json.Unmarshal([]byte(h), &root) != nil {
		badRequest(w, "Dropbox-API-Path-Root: could not decode input as JSON")
		return false, false
	}
	s.mu.Lock()
	acct := s.data.Account
	s.mu.Unlock()
	switch {
	case root.Tag == "home":
		return false, true
	case root.Tag == "root" && root.Root == acct.RootNamespace:
		return acct.Team(), true
	}
	w.Header().Set("Content-Type", "application/json")
	emulator.WriteJSON(w, 422, map[string]any{"error_summary": "invalid_root/..", "error": map[string]any{".tag": "invalid_root",
		"invalid_root": map[string]any{".tag": "team", "root_namespace_id": acct.RootNamespace, "home_namespace_id": acct.HomeNamespace}}})
	return false, false
}

func (s *Server) currentAccount(w http.ResponseWriter, r *http.Request) {
	var args any
	if !rpcArgs(w, r, &args) || !s.hasScope(w, r, ScopeAccountInfoRead) {
		return
	}
	s.mu.Lock()
	a := s.data.Account
	s.mu.Unlock()
	if m, ok := r.Context().Value(selectedKey{}).(TeamMember); ok {
		a.AccountID, a.Email, a.Name = m.AccountID, m.Email, m.Name
	}
	tag := "user"
	if a.Team() {
		tag = "team"
	}
	given, surname, _ := strings.Cut(a.Name, " ")
	emulator.WriteJSON(w, http.StatusOK, map[string]any{
		"account_id": a.AccountID, "email": a.Email, "email_verified": true, "disabled": false,
		"name":         map[string]any{"display_name": a.Name, "given_name": given, "surname": surname, "familiar_name": given, "abbreviated_name": "AL"},
		"account_type": map[string]any{".tag": "basic"},
		"root_info":    map[string]any{".tag": tag, "root_namespace_id": a.RootNamespace, "home_namespace_id": a.HomeNamespace},
	})
}

// metadata is an entry's JSON, as listings and content answers give it.
func (s *Server) metadata(e *Entry) map[string]any {
	m := map[string]any{"name": path.Base(e.Path), "id": e.ID, "path_lower": e.lower(), "path_display": e.Path}
	if e.gone {
		return map[string]any{".tag": "deleted", "name": path.Base(e.Path), "path_lower": e.lower(), "path_display": e.Path}
	}
	info := map[string]any{"read_only": false}
	if p := s.data.sharedParent(e); p != nil {
		info["parent_shared_folder_id"] = p.SharedFolderID
	}
	if e.Folder {
		m[".tag"] = "folder"
		if e.SharedFolderID != "" {
			info["shared_folder_id"] = e.SharedFolderID
			m["shared_folder_id"] = e.SharedFolderID
		}
		if len(info) > 1 {
			info["traverse_only"], info["no_access"] = false, false
			m["sharing_info"] = info
		}
		return m
	}
	if len(info) > 1 {
		info["modified_by"] = s.data.Account.AccountID
		m["sharing_info"] = info
	}
	m[".tag"] = "file"
	m["client_modified"] = e.ClientModified.UTC().Format(time.RFC3339)
	m["server_modified"] = e.ServerModified.UTC().Format(time.RFC3339)
	m["rev"] = e.Rev
	m["size"] = len(e.Content)
	m["is_downloadable"] = !e.Paper && !e.NoExport
	if e.Paper {
		m["export_info"] = map[string]any{"export_as": "md", "export_options": []string{"md", "html"}}
	} else if !e.NoExport {
		m["content_hash"] = ContentHash(e.Content)
	}
	m["has_explicit_shared_members"] = len(e.Members) > 0
	return m
}

// cursor is the state a listing cursor encodes.
type cursor struct {
	Epoch int    `json:"e"`
	Team  bool   `json:"t,omitempty"`
	Root  string `json:"r,omitempty"` // lower-cased folder path
	// Listing says the initial listing is in progress, at Offset; then
	// Seq is the change log position it started at (and, after it, the
	// position read up to).
	Listing bool `json:"l,omitempty"`
	Offset  int  `json:"o,omitempty"`
	Seq     int  `json:"s"`
	Deleted bool `json:"d,omitempty"`
	Limit   int  `json:"n,omitempty"`
}

func encodeCursor(c cursor) string {
	b, _ := json.Marshal(c)
	return "AAH" + base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, bool) {
	var c cursor
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimPrefix(s, "AAH"))
	return c, err == nil && strings.HasPrefix(s, "AAH") && json.Unmarshal(b, &c) == nil
}

type listArgs struct {
	Path           string `json:"path"`
	Recursive      bool   `json:"recursive"`
	IncludeDeleted bool   `json:"include_deleted"`
	Limit          int    `json:"limit"`
}

// resolveFolder returns the lower-cased path of the folder the listing
// argument names ("" for the root), or writes the 409. With deleted set,
// a folder deleted is listed too (its entries as deleted ones).
func (s *Server) resolveFolder(w http.ResponseWriter, team bool, p string, deleted bool) (string, bool) {
	if p == "" {
		return "", true
	}
	e := s.lookup(team, p)
	if e == nil && deleted && strings.HasPrefix(p, "/") {
		s.mu.Lock()
		e = s.data.tombs[sharedKey(team, strings.ToLower(p))]
		s.mu.Unlock()
	}
	switch {
	case e == nil:
		endpointError(w, "path", "not_found")
		return "", false
	case !e.Folder:
		endpointError(w, "path", "not_folder")
		return "", false
	}
	return e.lower(), true
}

// lookup finds an entry by id, rev or path; callers hold no lock.
func (s *Server) lookup(team bool, p string) *Entry {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, e := range s.data.Entries {
		switch {
		case strings.HasPrefix(p, "id:") && e.ID == p,
			strings.HasPrefix(p, "rev:") && !e.Folder && "rev:"+e.Rev == p,
			strings.HasPrefix(p, "/") && e.Team == team && e.lower() == strings.ToLower(p):
			return e
		}
	}
	if strings.HasPrefix(p, "rev:") {
		for _, e := range s.data.tombs {
			if !e.Folder && "rev:"+e.Rev == p {
				return e // a deleted file's revisions stay readable
			}
		}
	}
	return nil
}

// listRevisions answers files/list_revisions in path mode with a file's
// latest revision (the emulator keeps no older ones), a deleted file's
// too with is_deleted.
func (s *Server) listRevisions(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Path string `json:"path"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeFilesMetadataRead) {
		return
	}
	team, ok := s.namespace(w, r)
	if !ok {
		return
	}
	e, deleted := s.lookup(team, a.Path), false
	s.mu.Lock()
	defer s.mu.Unlock()
	if e == nil && strings.HasPrefix(a.Path, "/") {
		e, deleted = s.data.tombs[sharedKey(team, strings.ToLower(a.Path))], true
	}
	switch {
	case e == nil:
		endpointError(w, "path", "not_found")
		return
	case e.Folder:
		endpointError(w, "path", "not_file")
		return
	}
	live := *e
	live.gone = false
	res := map[string]any{"is_deleted": deleted, "entries": []any{s.metadata(&live)}}
	if deleted {
		res["server_deleted"] = e.deletedAt.UTC().Format(time.RFC3339)
	}
	emulator.WriteJSON(w, http.StatusOK, res)
}

func (s *Server) listFolder(w http.ResponseWriter, r *http.Request) {
	var a listArgs
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeFilesMetadataRead) {
		return
	}
	team, ok := s.namespace(w, r)
	if !ok {
		return
	}
	if a.Path != "" && !strings.HasPrefix(a.Path, "/") && !strings.HasPrefix(a.Path, "id:") || a.Limit < 0 || a.Limit > 2000 {
		badRequest(w, "request body: path or limit: does not match pattern")
		return
	}
	if !a.Recursive {
		badRequest(w, "the emulator serves recursive listings only")
		return
	}
	root, ok := s.resolveFolder(w, team, a.Path, a.IncludeDeleted)
	if !ok {
		return
	}
	s.mu.Lock()
	c := cursor{Epoch: s.epoch, Team: team, Root: root, Listing: true, Seq: len(s.log), Deleted: a.IncludeDeleted, Limit: a.Limit}
	s.mu.Unlock()
	s.page(w, c)
}

func (s *Server) listContinue(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Cursor string `json:"cursor"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeFilesMetadataRead) {
		return
	}
	c, ok := decodeCursor(a.Cursor)
	if !ok {
		badRequest(w, "request body: cursor: invalid")
		return
	}
	s.mu.Lock()
	stale := c.Epoch != s.epoch
	s.mu.Unlock()
	if stale {
		endpointError(w, "reset", "")
		return
	}
	s.page(w, c)
}

func (s *Server) latestCursor(w http.ResponseWriter, r *http.Request) {
	var a listArgs
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeFilesMetadataRead) {
		return
	}
	team, ok := s.namespace(w, r)
	if !ok {
		return
	}
	root, ok := s.resolveFolder(w, team, a.Path, a.IncludeDeleted)
	if !ok {
		return
	}
	s.mu.Lock()
	c := cursor{Epoch: s.epoch, Team: team, Root: root, Seq: len(s.log), Deleted: a.IncludeDeleted, Limit: a.Limit}
	s.mu.Unlock()
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"cursor": encodeCursor(c)})
}

// page answers one page of a listing or of the changes after it.
func (s *Server) page(w http.ResponseWriter, c cursor) {
	limit := c.Limit
	if limit == 0 {
		limit = 2000
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	entries := []map[string]any{}
	more := false
	if c.Listing {
		all := s.data.sorted(c.Team, c.Root)
		if c.Deleted {
			all = append(all, s.data.gone(c.Team, c.Root)...)
			slices.SortStableFunc(all, func(a, b *Entry) int { return strings.Compare(a.lower(), b.lower()) })
		}
		// The listed folder itself is not an entry.
		all = slices.DeleteFunc(all, func(e *Entry) bool { return e.lower() == c.Root })
		if s.opts.ChildrenFirst {
			for i, j := 0, len(all)-1; i < j; i, j = i+1, j-1 {
				all[i], all[j] = all[j], all[i]
			}
		}
		end := min(c.Offset+limit, len(all))
		for _, e := range all[min(c.Offset, end):end] {
			entries = append(entries, s.metadata(e))
		}
		c.Offset = end
		if more = end < len(all); !more {
			c.Listing, c.Offset = false, 0
		}
	} else {
		n := 0
		for c.Seq < len(s.log) && n < limit {
			ev := s.log[c.Seq]
			c.Seq++
			low := strings.ToLower(ev.path)
			if ev.team != c.Team || !under(low, c.Root) || low == c.Root {
				continue
			}
			n++
			if ev.deleted {
				// Changes always report deletions; include_deleted only adds
				// deleted entries to the initial listing, which the
				// emulator keeps none of.
				entries = append(entries, map[string]any{".tag": "deleted", "name": path.Base(ev.path), "path_lower": low, "path_display": ev.path})
				continue
			}
			for _, e := range s.data.Entries {
				if e.Team == ev.team && e.lower() == low {
					entries = append(entries, s.metadata(e))
				}
			}
		}
		more = c.Seq < len(s.log)
	}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"entries": entries, "cursor": encodeCursor(c), "has_more": more})
}

func (s *Server) getMetadata(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Path string `json:"path"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeFilesMetadataRead) {
		return
	}
	team, ok := s.namespace(w, r)
	if !ok {
		return
	}
	e := s.lookup(team, a.Path)
	if e == nil {
		endpointError(w, "path", "not_found")
		return
	}
	s.mu.Lock()
	m := s.metadata(e)
	s.mu.Unlock()
	emulator.WriteJSON(w, http.StatusOK, m)
}

// contentArg reads a content endpoint's Dropbox-API-Arg header.
func (s *Server) contentArg(w http.ResponseWriter, r *http.Request) (*Entry, map[string]string, bool) {
	if !s.hasScope(w, r, ScopeFilesContentRead) {
		return nil, nil, false
	}
	team, ok := s.namespace(w, r)
	if !ok {
		return nil, nil, false
	}
	var a map[string]string
	if json.Unmarshal([]byte(r.Header.Get("Dropbox-API-Arg")), &a) != nil || a["path"] == "" {
		badRequest(w, "HTTP header \"Dropbox-API-Arg\": could not decode input as JSON")
		return nil, nil, false
	}
	e := s.lookup(team, a["path"])
	if e == nil {
		endpointError(w, "path", "not_found")
		return nil, nil, false
	}
	if e.Folder {
		endpointError(w, "path", "not_file")
		return nil, nil, false
	}
	return e, a, true
}

// asciiJSON encodes v as JSON with every non-ASCII character escaped, as
// HTTP headers need.
func asciiJSON(v any) string {
	b, _ := json.Marshal(v)
	var sb strings.Builder
	for _, r := range string(b) {
		if r < 0x80 {
			sb.WriteRune(r)
			continue
		}
		if r > 0xffff {
			r -= 0x10000
			fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
			continue
		}
		fmt.Fprintf(&sb, `\u%04x`, r)
	}
	return sb.String()
}

func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	e, _, ok := s.contentArg(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	live := *e // a deleted file's revision is read as it was
	live.gone = false
	m, body, paper, noExport, restricted := s.metadata(&live), e.Content, e.Paper, e.NoExport, e.Restricted
	s.mu.Unlock()
	switch {
	case restricted:
		endpointError(w, "path", "restricted_content")
		return
	case paper || noExport:
		endpointError(w, "unsupported_file", "")
		return
	}
	w.Header().Set("Dropbox-API-Result", asciiJSON(m))
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

func (s *Server) export(w http.ResponseWriter, r *http.Request) {
	e, a, ok := s.contentArg(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	m, body, paper := s.metadata(e), e.Content, e.Paper
	s.mu.Unlock()
	if !paper {
		endpointError(w, "non_exportable", "")
		return
	}
	format := a["export_format"]
	if format == "" {
		format = "html"
	}
	if format != "md" && format != "markdown" && format != "html" {
		endpointError(w, "invalid_export_format", "")
		return
	}
	name := strings.TrimSuffix(m["name"].(string), ".paper")
	if format == "html" {
		body = []byte("<html><body><pre>" + string(body) + "</pre></body></html>")
		name += ".html"
	} else {
		name += ".md"
	}
	res := map[string]any{"export_metadata": map[string]any{"name": name, "size": len(body), "export_hash": ContentHash(body)}, "file_metadata": m}
	w.Header().Set("Dropbox-API-Result", asciiJSON(res))
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Write(body)
}

// memberPage is the state of a members cursor.
type memberPage struct {
	ID     string `json:"i"`
	Offset int    `json:"o"`
	Limit  int    `json:"n"`
	// Inherited adds the members of the shared folder above a file;
	// Folder makes ID a shared folder's.
	Inherited bool `json:"h,omitempty"`
	Folder    bool `json:"f,omitempty"`
}

func (s *Server) fileMembers(w http.ResponseWriter, r *http.Request) {
	var a struct {
		File             string `json:"file"`
		IncludeInherited *bool  `json:"include_inherited"`
		Limit            int    `json:"limit"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeSharingRead) {
		return
	}
	if a.Limit < 0 || a.Limit > 300 {
		badRequest(w, "request body: limit: out of range")
		return
	}
	s.members(w, memberPage{ID: a.File, Limit: a.Limit, Inherited: a.IncludeInherited == nil || *a.IncludeInherited})
}

func (s *Server) folderMembers(w http.ResponseWriter, r *http.Request) {
	var a struct {
		SharedFolderID string `json:"shared_folder_id"`
		Limit          int    `json:"limit"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeSharingRead) {
		return
	}
	if a.Limit < 0 || a.Limit > 1000 || a.SharedFolderID == "" {
		badRequest(w, "request body: shared_folder_id or limit: invalid")
		return
	}
	s.members(w, memberPage{ID: a.SharedFolderID, Limit: a.Limit, Folder: true})
}

func (s *Server) fileMembersContinue(w http.ResponseWriter, r *http.Request) {
	var a struct {
		Cursor string `json:"cursor"`
	}
	if !rpcArgs(w, r, &a) || !s.hasScope(w, r, ScopeSharingRead) {
		return
	}
	var p memberPage
	b, err := base64.RawURLEncoding.DecodeString(a.Cursor)
	if err != nil || json.Unmarshal(b, &p) != nil {
		endpointError(w, "invalid_cursor", "")
		return
	}
	s.members(w, p)
}

// members answers a page of a file's or shared folder's members: the
// account as owner, then the entry's members, then for a file with
// inherited ones asked the members of the shared folder above it.
func (s *Server) members(w http.ResponseWriter, p memberPage) {
	var e *Entry
	if p.Folder {
		s.mu.Lock()
		e = s.data.sharedFolder(p.ID)
		s.mu.Unlock()
		if e == nil {
			writeError(w, http.StatusConflict, "access_error/invalid_id/..", map[string]any{".tag": "access_error", "access_error": map[string]any{".tag": "invalid_id"}})
			return
		}
	} else {
		if e = s.lookup(false, p.ID); e == nil {
			e = s.lookup(true, p.ID)
		}
		if e == nil || e.Folder {
			writeError(w, http.StatusConflict, "user_error/invalid_file/..", map[string]any{".tag": "user_error", "user_error": map[string]any{".tag": "invalid_file"}})
			return
		}
	}
	s.mu.Lock()
	acct := s.data.Account
	all := append([]Member{{Email: acct.Email, Name: acct.Name, Access: "owner"}}, e.Members...)
	own := len(all)
	if parent := s.data.sharedParent(e); p.Inherited && parent != nil {
		all = append(all, parent.Members...)
	}
	s.mu.Unlock()
	limit := p.Limit
	if limit == 0 {
		limit = 100
	}
	end := min(p.Offset+limit, len(all))
	users, groups, invitees := []any{}, []any{}, []any{}
	for i, m := range all[min(p.Offset, end):end] {
		access := map[string]any{".tag": m.Access}
		inherited := p.Offset+i >= own
		switch {
		case m.Group != "":
			groups = append(groups, map[string]any{"access_type": access, "is_inherited": inherited,
				"group": map[string]any{"group_id": m.Group, "group_name": m.Name, "group_type": map[string]any{".tag": "user_managed"}, "member_count": 3}})
		case m.Invitee:
			invitees = append(invitees, map[string]any{"access_type": access, "is_inherited": inherited, "invitee": map[string]any{".tag": "email", "email": m.Email}})
		default:
			users = append(users, map[string]any{"access_type": access, "is_inherited": inherited, "user": map[string]any{
				"account_id": fmt.Sprintf("dbid:AAMember%04d", p.Offset+i), "email": m.Email, "display_name": m.Name, "same_team": true}})
		}
	}
	res := map[string]any{"users": users, "groups": groups, "invitees": invitees}
	if end < len(all) {
		next := p
		next.Offset = end
		b, _ := json.Marshal(next)
		res["cursor"] = base64.RawURLEncoding.EncodeToString(b)
	}
	emulator.WriteJSON(w, http.StatusOK, res)
}

// token is the OAuth token endpoint: refresh_token grants only.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request"})
		return
	}
	id, secret, basic := r.BasicAuth()
	if !basic {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	g, ok := s.refreshes[r.PostForm.Get("refresh_token")]
	switch {
	case r.PostForm.Get("grant_type") != "refresh_token":
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	case !ok:
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "refresh token is malformed"})
		return
	case g.clientID != id || g.clientSecret != "" && g.clientSecret != secret:
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_client", "error_description": "Invalid client_id or client_secret"})
		return
	}
	s.issued++
	access := fmt.Sprintf("sl.emulated-%06d", s.issued)
	life := s.opts.TokenLifetime
	if life == 0 {
		life = 4 * time.Hour
	}
	s.tokens[access] = token{expiry: s.now().Add(life)}
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"access_token": access, "token_type": "bearer", "expires_in": int(life.Seconds())})
}
