package jiraemu

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tunes a Server.
type Options struct {
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// RatePerSecond, when positive, limits each account to this many
	// requests a second (a token bucket): past it the server answers 429
	// with Retry-After, as Jira Cloud's burst limit does.
	RatePerSecond int
	// IgnoreOrder makes searches ignore ORDER BY and answer in key order, to
	// test that clients never trust an order they were not given.
	IgnoreOrder bool
	// OtherTieOrder makes searches break ties of their ORDER BY fields other
	// than key in descending key order, whatever the query asks after them,
	// as a server whose tie order is not the client's (one that breaks
	// ties by internal id, say).
	OtherTieOrder bool
	// EmbeddedComments is how many comments the search's comment field
	// carries before the client must page /comment; 20 when zero.
	EmbeddedComments int
	// Clock tells the time; nil follows time.Now (a synctest bubble's fake
	// clock inside one).
	Clock emulator.Clock
}

// Server serves Data over the Jira REST API versions 3 (Cloud) and 2
// (Server and Data Center) on the emulator kit. It is safe for concurrent
// use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu     sync.Mutex
	data   *Data
	basic  map[string]basicCred // e-mail -> API token and user
	pats   map[string]*User     // personal access token -> user
	tokGen int                  // bumped by ExpireTokens
}

type basicCred struct {
	token string
	user  *User
}

// The faults Jira answers with, for FailNext and FailEvery.
var (
	// RateLimited is Jira Cloud's 429 with Retry-After.
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
	// BadGateway is a proxy in front of Jira giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for an object deleted meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
)

// New returns a server for data. Add credentials with AddAPIToken (Cloud)
// or AddPAT (Server).
func New(data *Data, opts Options) *Server {
	if opts.EmbeddedComments == 0 {
		opts.EmbeddedComments = 20
	}
	s := &Server{opts: opts, data: data, basic: map[string]basicCred{}, pats: map[string]*User{}}
	eo := emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			w.Header().Set("WWW-Authenticate", `Basic realm="protected-by-atlassian"`)
			writeErrors(w, http.StatusUnauthorized, "Client must be authenticated to access this resource.")
		},
	}
	if opts.RatePerSecond > 0 {
		eo.RateLimit = &emulator.RateLimit{Limit: opts.RatePerSecond, Window: time.Second, Bucket: true,
			Headers: emulator.HeadersNone, Body: `{"errorMessages":["Rate limit exceeded."],"errors":{}}`}
	}
	s.Server = emulator.New(eo)
	s.routes()
	return s
}

// AddAPIToken makes the server accept basic authentication with the user's
// e-mail and token, as Jira Cloud does.
func (s *Server) AddAPIToken(u *User, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.basic[strings.ToLower(u.Email)] = basicCred{token: token, user: u}
}

// AddPAT makes the server accept "Bearer token" for the user, as Jira
// Server and Data Center do for personal access tokens.
func (s *Server) AddPAT(u *User, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.pats[token] = u
}

// ExpireTokens makes every nextPageToken issued so far invalid, as Jira
// Cloud's tokens expire.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokGen++
}

// Update runs f with the data locked, so a test can change the site while
// a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if email, token, ok := r.BasicAuth(); ok {
		c, found := s.basic[strings.ToLower(email)]
		if !found || c.token != token {
			return "", false
		}
		return c.user.AccountID, true
	}
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if strings.EqualFold(scheme, "bearer") {
		if u := s.pats[strings.TrimSpace(token)]; u != nil {
			return u.AccountID, true
		}
	}
	return "", false
}

// call is one authenticated request being answered.
type call struct {
	r    *http.Request
	me   *User
	v3   bool
	base string // scheme://host of the request
}

type handler func(c *call) (int, any)

func (s *Server) routes() {
	for _, v := range []string{"2", "3"} {
		p := "/rest/api/" + v
		s.Handle("GET "+p+"/myself", s.serve(s.myself))
		s.Handle("GET "+p+"/project/{key}", s.serve(s.getProject))
		s.Handle("GET "+p+"/mypermissions", s.serve(s.myPermissions))
		s.Handle("GET "+p+"/issue/{key}/comment", s.serve(s.listComments))
		s.Handle("GET "+p+"/issue/{key}", s.serve(s.getIssue))
		s.Handle("GET "+p+"/project/{key}/permissionscheme", s.serve(s.projectScheme))
		s.Handle("GET "+p+"/permissionscheme/{id}/permission", s.serve(s.schemeGrants))
		s.Handle("GET "+p+"/project/{key}/role/{id}", s.serve(s.projectRole))
		s.Handle("GET "+p+"/user", s.serve(s.getUser))
		s.Handle("GET "+p+"/group/member", s.serve(s.groupMembers))
		s.Handle("GET "+p+"/applicationrole", s.serve(s.listAppRoles))
	}
	s.Handle("GET /rest/api/3/project/search", s.serve(s.searchProjects))
	s.Handle("GET /rest/api/2/project", s.serve(s.listProjects))
	s.Handle("GET /rest/api/3/group/bulk", s.serve(s.listGroupsBulk))
	s.Handle("GET /rest/api/2/groups/picker", s.serve(s.pickGroups))
	s.Handle("GET /rest/api/3/search/jql", s.serve(s.searchJQL))
	s.Handle("POST /rest/api/3/search/jql", s.serve(s.searchJQL))
	s.Handle("GET /rest/api/2/search", s.serve(s.searchOffset))
	s.Handle("GET /rest/api/3/search", s.serve(func(*call) (int, any) {
		return http.StatusGone, errorsJSON{ErrorMessages: []string{"The requested API has been removed. Please migrate to the /rest/api/3/search/jql API."}}
	}))
	s.Handle("/", func(w http.ResponseWriter, _ *http.Request) {
		writeErrors(w, http.StatusNotFound, "No resource found for the request.")
	}, emulator.Public())
}

// serve runs a handler with latency and the data locked.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		c := &call{r: r, me: s.user(emulator.Principal(r)), v3: strings.HasPrefix(r.URL.Path, "/rest/api/3/"),
			base: emulator.BaseURL(r)}
		status, v := h(c)
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
	return &User{AccountID: accountID, DisplayName: accountID}
}

type errorsJSON struct {
	ErrorMessages []string          `json:"errorMessages"`
	Errors        map[string]string `json:"errors"`
}

func writeErrors(w http.ResponseWriter, status int, msg string) {
	emulator.WriteJSON(w, status, errorsJSON{ErrorMessages: []string{msg}, Errors: map[string]string{}})
}

func badRequest(msg string) (int, any) {
	return http.StatusBadRequest, errorsJSON{ErrorMessages: []string{msg}, Errors: map[string]string{}}
}

func notFound(msg string) (int, any) {
	return http.StatusNotFound, errorsJSON{ErrorMessages: []string{msg}, Errors: map[string]string{}}
}

func (s *Server) location(u *User) *time.Location {
	if u != nil && u.TimeZone != "" {
		if loc, err := time.LoadLocation(u.TimeZone); err == nil {
			return loc
		}
	}
	return time.UTC
}

func (s *Server) myself(c *call) (int, any) {
	return http.StatusOK, c.userJSON(c.me, true)
}

func (s *Server) canBrowse(u *User, p *Project) bool {
	return !slices.Contains(p.NoBrowse, u.AccountID)
}

func (s *Server) getProject(c *call) (int, any) {
	p := s.data.Project(c.r.PathValue("key"))
	if p == nil {
		return notFound("No project could be found with key '" + c.r.PathValue("key") + "'.")
	}
	return http.StatusOK, c.projectJSON(p)
}

func (s *Server) myPermissions(c *call) (int, any) {
	q := c.r.URL.Query()
	if c.v3 && q.Get("permissions") == "" {
		return badRequest("The permissions query parameter is required.")
	}
	have := true
	if key := q.Get("projectKey"); key != "" {
		p := s.data.Project(key)
		if p == nil {
			return notFound("No project could be found with key '" + key + "'.")
		}
		have = s.canBrowse(c.me, p)
	}
	perms := map[string]any{}
	for _, name := range strings.Split(q.Get("permissions"), ",") {
		if name = strings.TrimSpace(name); name != "" {
			h := name != "BROWSE_PROJECTS" || have
			perms[name] = map[string]any{"key": name, "havePermission": h}
		}
	}
	return http.StatusOK, map[string]any{"permissions": perms}
}

// visibleProjects lists the projects sorted by key.
func (s *Server) visibleProjects() []*Project {
	ps := slices.Clone(s.data.Projects)
	slices.SortFunc(ps, func(a, b *Project) int { return strings.Compare(a.Key, b.Key) })
	return ps
}

func (s *Server) searchProjects(c *call) (int, any) {
	ps := s.visibleProjects()
	page, start, size, more, err := emulator.OffsetOf(c.r, ps, emulator.OffsetParams{Start: "startAt", Size: "maxResults", DefaultSize: 50, MaxSize: 100})
	if err != nil {
		return badRequest(err.Error())
	}
	values := make([]any, 0, len(page))
	for _, p := range page {
		values = append(values, c.projectJSON(p))
	}
	return http.StatusOK, map[string]any{"startAt": start, "maxResults": size, "total": len(ps), "isLast": !more, "values": values}
}

func (s *Server) listProjects(c *call) (int, any) {
	var out []any
	for _, p := range s.visibleProjects() {
		out = append(out, c.projectJSON(p))
	}
	return http.StatusOK, out
}

// search runs a JQL query for the caller.
func (s *Server) search(c *call, jql string) ([]hit, int, any) {
	q, err := parseJQL(jql, s.location(c.me))
	if err != nil {
		st, v := badRequest(err.Error())
		return nil, st, v
	}
	for _, name := range q.projectsNamed() {
		p := s.data.Project(strings.ToUpper(name))
		if p == nil || !s.canBrowse(c.me, p) {
			st, v := badRequest("The value '" + name + "' does not exist for the field 'project'.")
			return nil, st, v
		}
	}
	if key, ok := s.unknownKey(q); ok {
		st, v := badRequest("An issue with key '" + key + "' does not exist for field 'key'.")
		return nil, st, v
	}
	var hits []hit
	for _, p := range s.data.Projects {
		if !s.canBrowse(c.me, p) {
			continue
		}
		for _, is := range p.Issues {
			if q.matches(p, is) {
				hits = append(hits, hit{p, is})
			}
		}
	}
	if s.opts.IgnoreOrder {
		(&query{}).sortHits(hits, false)
	} else {
		q.sortHits(hits, s.opts.OtherTieOrder)
	}
	return hits, 0, nil
}

// searchParams reads jql, fields and maxResults from the query string or,
// for POST, the JSON body.
type searchParams struct {
	JQL           string   `json:"jql"`
	Fields        []string `json:"fields"`
	MaxResults    *int     `json:"maxResults"`
	NextPageToken string   `json:"nextPageToken"`
}

func readSearchParams(r *http.Request) (searchParams, error) {
	var p searchParams
	if r.Method == http.MethodPost {
		err := json.NewDecoder(r.Body).Decode(&p)
		return p, err
	}
	q := r.URL.Query()
	p.JQL, p.NextPageToken = q.Get("jql"), q.Get("nextPageToken")
	for _, f := range q["fields"] {
		p.Fields = append(p.Fields, strings.Split(f, ",")...)
	}
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return p, err
		}
		p.MaxResults = &n
	}
	return p, nil
}

// pageToken is what a nextPageToken encodes.
type pageToken struct {
	Gen    int    `json:"g"`
	JQL    string `json:"q"`
	Offset int    `json:"o"`
}

func (s *Server) searchJQL(c *call) (int, any) {
	p, err := readSearchParams(c.r)
	if err != nil {
		return badRequest("Invalid request payload. Refer to the REST API documentation and try again.")
	}
	offset := 0
	if p.NextPageToken != "" {
		var tok pageToken
		raw, err := base64.RawURLEncoding.DecodeString(p.NextPageToken)
		if err != nil || json.Unmarshal(raw, &tok) != nil || tok.Gen != s.tokGen || tok.JQL != p.JQL || tok.Offset < 0 {
			return badRequest("The provided next page token is invalid or expired.")
		}
		offset = tok.Offset
	}
	size := 50
	if p.MaxResults != nil {
		size = min(max(*p.MaxResults, 1), 100)
	}
	hits, st, v := s.search(c, p.JQL)
	if hits == nil && st != 0 {
		return st, v
	}
	page := hits[min(offset, len(hits)):min(offset+size, len(hits))]
	out := map[string]any{"issues": s.issuesJSON(c, page, p.Fields), "isLast": offset+size >= len(hits)}
	if offset+size < len(hits) {
		raw, _ := json.Marshal(pageToken{Gen: s.tokGen, JQL: p.JQL, Offset: offset + size})
		out["nextPageToken"] = base64.RawURLEncoding.EncodeToString(raw)
	}
	return http.StatusOK, out
}

func (s *Server) searchOffset(c *call) (int, any) {
	p, err := readSearchParams(c.r)
	if err != nil {
		return badRequest("Invalid maxResults.")
	}
	hits, st, v := s.search(c, p.JQL)
	if hits == nil && st != 0 {
		return st, v
	}
	page, start, size, _, err := emulator.OffsetOf(c.r, hits, emulator.OffsetParams{Start: "startAt", Size: "maxResults", DefaultSize: 50, MaxSize: 100})
	if err != nil {
		return badRequest(err.Error())
	}
	fields := p.Fields
	if len(fields) == 0 {
		fields = []string{"*navigable"}
	}
	return http.StatusOK, map[string]any{"startAt": start, "maxResults": size, "total": len(hits),
		"issues": s.issuesJSON(c, page, fields)}
}

func (s *Server) listComments(c *call) (int, any) {
	key := c.r.PathValue("key")
	var owner *Project
	var is *Issue
	for _, p := range s.data.Projects {
		for _, x := range p.Issues {
			if x.Key == key || x.ID == key {
				owner, is = p, x
			}
		}
	}
	if is == nil || !s.canBrowse(c.me, owner) {
		return notFound("Issue does not exist or you do not have permission to see it.")
	}
	page, start, size, _, err := emulator.OffsetOf(c.r, is.Comments, emulator.OffsetParams{Start: "startAt", Size: "maxResults", DefaultSize: 50, MaxSize: 100})
	if err != nil {
		return badRequest(err.Error())
	}
	out := make([]any, 0, len(page))
	for _, cm := range page {
		out = append(out, c.commentJSON(is, cm))
	}
	return http.StatusOK, map[string]any{"startAt": start, "maxResults": size, "total": len(is.Comments), "comments": out}
}
