// Package confluenceemu emulates the Confluence REST API (v1) of Confluence
// Cloud and of Confluence Server and Data Center, on the emulator kit, for
// testing the Confluence connector offline.
//
// It serves content search by CQL (a subset: type, id, space, title,
// lastmodified and ordering by lastmodified; anything else is refused with 400 like the real
// service), spaces with their read permissions, pages with storage-format
// bodies, versions, history, ancestors, labels and read restrictions, and
// page comments, attachments and restrictions, and content by id (a
// trashed page only when status asks for it, as Confluence answers). Cloud answers under /wiki
// with cursor links in _links.next and takes an e-mail and API token over
// basic authentication; Server answers at the root with start/limit offsets
// (also linked from _links.next) and takes personal access tokens as
// bearer tokens. CQL dates are read in the calling user's time zone at
// minute precision, as the real service reads them.
//
// The emulator does not hide restricted pages from the caller: every
// account it knows reads everything (as a site administrator with access
// to every space would, bar page restrictions).
package confluenceemu

import (
	"cmp"
	"encoding/base64"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Flavor is the deployment emulated.
type Flavor int

// The deployments.
const (
	Cloud      Flavor = iota // Confluence Cloud: /wiki prefix, cursor links, basic auth with API tokens
	DataCenter               // Server and Data Center: no prefix, offset pagination, personal access tokens
)

// Options tune a Server.
type Options struct {
	Flavor Flavor
	// UserZone is the calling user's time zone, in which CQL dates are
	// read; UTC when nil.
	UserZone *time.Location
	// ServerZone is the zone of Server's timestamps; UTC when nil.
	ServerZone *time.Location
	// Latency delays every answer.
	Latency time.Duration
	// RateLimit, when set, limits requests per account and answers 429
	// with Retry-After (Atlassian sends no other rate-limit header by
	// default).
	RateLimit *emulator.RateLimit
	// IgnoreOrder makes search ignore ORDER BY and answer in id order, to
	// test that clients never trust an order they were not given.
	IgnoreOrder bool
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Server serves Data over Confluence's REST API.
type Server struct {
	*emulator.Server
	opts Options

	mu       sync.Mutex
	data     *Data
	basic    map[string]account // user name or e-mail -> account
	bearer   map[string]*User   // personal access token -> user
	denied   map[string]bool    // account ids refused with 403
	searches int
}

type account struct {
	secret string
	user   *User
}

// Faults Confluence answers with, beside the kit's.
var (
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	NotFound   = emulator.Fault{Status: http.StatusNotFound}
)

// New returns a server for data. Add credentials with AddAPIToken and
// AddPAT.
func New(data *Data, opts Options) *Server {
	opts.UserZone = cmp.Or(opts.UserZone, time.UTC)
	opts.ServerZone = cmp.Or(opts.ServerZone, time.UTC)
	s := &Server{opts: opts, data: data, basic: map[string]account{}, bearer: map[string]*User{}, denied: map[string]bool{}}
	rl := opts.RateLimit
	if rl != nil {
		c := *rl
		c.Status, c.Headers = http.StatusTooManyRequests, emulator.HeadersNone
		c.Body = `{"statusCode":429,"message":"Rate limit exceeded."}`
		rl = &c
	}
	s.Server = emulator.New(emulator.Options{
		Auth: s.authenticate, Clock: opts.Clock, RateLimit: rl, Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="protected-area"`)
			writeError(w, http.StatusUnauthorized, "Client must be authenticated to access this resource.")
		},
	})
	s.routes()
	return s
}

// Prefix is the path of the REST API's root under the site: /wiki/rest/api
// on Cloud and /rest/api on Server.
func (s *Server) Prefix() string {
	if s.opts.Flavor == DataCenter {
		return "/rest/api"
	}
	return "/wiki/rest/api"
}

// context is the site's context path: /wiki on Cloud, empty on Server.
func (s *Server) context() string {
	if s.opts.Flavor == DataCenter {
		return ""
	}
	return "/wiki"
}

// AddAPIToken accepts basic authentication with name (an e-mail on Cloud,
// a user name on Server) and secret, as user.
func (s *Server) AddAPIToken(name, secret string, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.basic[name] = account{secret: secret, user: u}
}

// AddPAT accepts "Authorization: Bearer token" as user.
func (s *Server) AddPAT(token string, u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.bearer[token] = u
}

// Deny answers every request of the user except user/current with 403, as
// for an account without the "Can use" permission.
func (s *Server) Deny(u *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.denied[u.AccountID] = true
}

// Update runs f with the data locked, so a test can change the site.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

// Searches counts the content searches answered.
func (s *Server) Searches() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.searches
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	h := r.Header.Get("Authorization")
	scheme, value, _ := strings.Cut(h, " ")
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case strings.EqualFold(scheme, "basic"):
		raw, err := base64.StdEncoding.DecodeString(strings.TrimSpace(value))
		if err != nil {
			return "", false
		}
		name, secret, _ := strings.Cut(string(raw), ":")
		if a, ok := s.basic[name]; ok && a.secret == secret {
			return a.user.AccountID, true
		}
	case strings.EqualFold(scheme, "bearer") && s.opts.Flavor == DataCenter:
		if u := s.bearer[strings.TrimSpace(value)]; u != nil {
			return u.AccountID, true
		}
	}
	return "", false
}

// handler answers a call under s.mu with a status and a JSON value.
type handler func(r *http.Request, u *User) (int, any)

func (s *Server) routes() {
	p := s.Prefix()
	for pattern, h := range map[string]handler{
		"GET " + p + "/user/current":                              s.currentUser,
		"GET " + p + "/space":                                     s.listSpaces,
		"GET " + p + "/space/{key}":                               s.getSpace,
		"GET " + p + "/content/search":                            s.search,
		"GET " + p + "/content/{id}":                              s.getContent,
		"GET " + p + "/content/{id}/child/comment":                s.comments,
		"GET " + p + "/content/{id}/child/attachment":             s.attachments,
		"GET " + p + "/content/{id}/restriction/byOperation/read": s.restrictions,
		"GET " + p + "/group":                                     s.listGroups,
		"GET " + p + "/group/member":                              s.groupMembers,
		"GET " + p + "/group/{groupName}/member":                  s.groupMembers,
	} {
		s.Handle(pattern, s.serve(pattern, h))
	}
	s.Handle("/", func(w http.ResponseWriter, _ *http.Request) {
		writeError(w, http.StatusNotFound, "null for uri")
	}, emulator.Public())
}

func (s *Server) serve(pattern string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		u := s.user(emulator.Principal(r))
		var status int
		var v any
		if s.denied[emulator.Principal(r)] && !strings.HasSuffix(pattern, "/user/current") {
			status, v = http.StatusForbidden, errorJSON{StatusCode: 403, Message: "User is not permitted to use Confluence"}
		} else {
			status, v = h(r, u)
		}
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

func (s *Server) user(accountID string) *User {
	for _, u := range s.data.Users {
		if u.AccountID == accountID {
			return u
		}
	}
	for _, a := range s.basic {
		if a.user.AccountID == accountID {
			return a.user
		}
	}
	return nil
}

func writeError(w http.ResponseWriter, status int, msg string) {
	emulator.WriteJSON(w, status, errorJSON{StatusCode: status, Message: msg})
}

func fail(status int, msg string) (int, any) {
	return status, errorJSON{StatusCode: status, Message: msg}
}

func (s *Server) base(r *http.Request) string { return emulator.BaseURL(r) + s.context() }

func (s *Server) currentUser(_ *http.Request, u *User) (int, any) {
	return http.StatusOK, s.userJSON(u)
}

func (s *Server) spaceJSON(r *http.Request, sp *Space, expand []string) spaceJSON {
	out := spaceJSON{ID: sp.ID, Key: sp.Key, Name: sp.Name, Type: "global", Status: "current",
		Links: linksJSON{WebUI: SpaceWebUI(s.opts.Flavor, sp), Self: s.base(r) + "/rest/api/space/" + sp.Key}}
	if slices.Contains(expand, "description.plain") {
		out.Description = &descriptionJSON{}
		out.Description.Plain.Value, out.Description.Plain.Representation = sp.Description, "plain"
	}
	if slices.Contains(expand, "permissions") {
		out.Permissions = s.permissions(sp)
	}
	return out
}

// permissions lists the space's read permissions, one entry per subject,
// as Confluence does.
func (s *Server) permissions(sp *Space) []permissionJSON {
	var out []permissionJSON
	add := func(p permissionJSON) {
		p.ID = int64(len(out) + 1)
		p.Operation.Operation, p.Operation.TargetType = "read", "space"
		out = append(out, p)
	}
	for _, u := range sp.ReadUsers {
		l := s.usersJSON([]*User{u})
		add(permissionJSON{Subjects: &subjectsJSON{User: &l}})
	}
	for _, g := range sp.ReadGroups {
		l := groupsJSON([]string{g})
		add(permissionJSON{Subjects: &subjectsJSON{Group: &l}})
	}
	if sp.Anonymous {
		add(permissionJSON{AnonymousAccess: true})
	}
	// A permission of another operation, which readers must skip.
	l := s.usersJSON(sp.ReadUsers[:min(1, len(sp.ReadUsers))])
	p := permissionJSON{ID: int64(len(out) + 1), Subjects: &subjectsJSON{User: &l}}
	p.Operation.Operation, p.Operation.TargetType = "create", "page"
	return append(out, p)
}

func expandOf(r *http.Request) []string {
	var out []string
	for _, e := range r.URL.Query()["expand"] {
		out = append(out, strings.Split(e, ",")...)
	}
	return out
}

func (s *Server) getSpace(r *http.Request, _ *User) (int, any) {
	sp := s.data.Space(r.PathValue("key"))
	if sp == nil {
		return fail(http.StatusNotFound, "No space with key : "+r.PathValue("key"))
	}
	return http.StatusOK, s.spaceJSON(r, sp, expandOf(r))
}

func (s *Server) listSpaces(r *http.Request, _ *User) (int, any) {
	spaces := s.data.Spaces
	if keys := r.URL.Query()["spaceKey"]; len(keys) > 0 {
		spaces = slices.DeleteFunc(slices.Clone(spaces), func(sp *Space) bool { return !slices.Contains(keys, sp.Key) })
	}
	page, start, size, more, err := emulator.OffsetOf(r, spaces, emulator.OffsetParams{DefaultSize: 25, MaxSize: 100})
	if err != nil {
		return fail(http.StatusBadRequest, err.Error())
	}
	out := listJSON[spaceJSON]{Start: start, Limit: size, Size: len(page), Links: linksJSON{Base: s.base(r), Context: s.context()}}
	for _, sp := range page {
		out.Results = append(out.Results, s.spaceJSON(r, sp, expandOf(r)))
	}
	if more {
		out.Links.Next = s.nextOffset(r, start+len(page))
	}
	return http.StatusOK, out
}

// nextOffset returns the request's path and query, relative to the site,
// with start moved to the given offset.
func (s *Server) nextOffset(r *http.Request, start int) string {
	q := r.URL.Query()
	q.Set("start", strconv.Itoa(start))
	return strings.TrimPrefix(r.URL.Path, s.context()) + "?" + q.Encode()
}

func (s *Server) pageOf(r *http.Request) *Page {
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	if err != nil {
		return nil
	}
	return s.data.Page(id)
}

func (s *Server) restrictionJSON(p *Page) *restrictionJSON {
	out := &restrictionJSON{Operation: "read"}
	out.Restrictions.User = s.usersJSON(p.ReadUsers)
	out.Restrictions.Group = groupsJSON(p.ReadGroups)
	return out
}

func (s *Server) restrictions(r *http.Request, _ *User) (int, any) {
	p := s.pageOf(r)
	if p == nil {
		return fail(http.StatusNotFound, "No content found with id : "+r.PathValue("id"))
	}
	return http.StatusOK, s.restrictionJSON(p)
}
