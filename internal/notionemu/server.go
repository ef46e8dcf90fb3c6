package notionemu

import (
	"cmp"
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

// Version is the Notion-Version the emulator answers for; any non-empty
// version is accepted.
const Version = "2022-06-28"

// BotID is the id of the integration's own bot user (/v1/users/me).
const BotID = "8e1b2c3d-0000-4000-8000-00000000b07a"

// Options tune a Server.
type Options struct {
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// RateLimit turns on Notion's limit: three requests a second on
	// average per token with bursts of up to Burst (30 when zero); past
	// it the server answers 429 rate_limited with Retry-After.
	RateLimit bool
	Burst     int
	// HideEmails leaves people's e-mail addresses out, as for an
	// integration without the "user information including email
	// addresses" capability; NoUserInfo refuses the users endpoints with
	// 403 restricted_resource, as for one without any user capability.
	HideEmails, NoUserInfo bool
	// IgnoreSort answers searches and queries in id order whatever sort
	// they ask for, to test that clients never trust an order blindly.
	IgnoreSort bool
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Server serves Data over the Notion API on the emulator kit. It is safe
// for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu     sync.Mutex
	data   *Data
	tokens map[string]bool
	idx    index
}

// The faults Notion answers with, for FailNext and FailEvery.
var (
	// RateLimited is Notion's 429 with Retry-After.
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
	// BadGateway is a proxy in front of Notion giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for an object deleted or unshared meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
)

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	s := &Server{opts: opts, data: data, tokens: map[string]bool{}}
	eo := emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusUnauthorized, "unauthorized", "API token is invalid.")
		},
	}
	if opts.RateLimit {
		burst := cmp.Or(opts.Burst, 30)
		eo.RateLimit = &emulator.RateLimit{Limit: burst, Window: time.Duration(burst) * time.Second / 3, Bucket: true,
			Headers: emulator.HeadersNone,
			Body:    `{"object":"error","status":429,"code":"rate_limited","message":"You have been rate limited. Please try again in a few minutes."}`}
	}
	s.Server = emulator.New(eo)
	s.reindex()
	s.routes()
	return s
}

// AddToken makes the server accept "Authorization: Bearer token" (an
// internal integration secret or an OAuth access token).
func (s *Server) AddToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = true
}

// RevokeToken makes the server refuse token.
func (s *Server) RevokeToken(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.tokens, token)
}

// Update runs f with the data locked, so a test can change the workspace
// while a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
	s.reindex()
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	token = strings.TrimSpace(token)
	return token, s.tokens[token]
}

// index finds objects by id (without dashes, lower-cased).
type index struct {
	pages  map[string]*Page
	dbs    map[string]*Database
	blocks map[string]blockAt
}

// blockAt is a block with what holds it.
type blockAt struct {
	b      *Block
	parent Parent
	page   *Page
}

func (s *Server) reindex() {
	s.idx = index{pages: map[string]*Page{}, dbs: map[string]*Database{}, blocks: map[string]blockAt{}}
	for _, p := range s.data.Pages {
		s.idx.pages[key(p.ID)] = p
		s.indexBlocks(p, Parent{Type: ParentPage, ID: p.ID}, p.Blocks)
	}
	for _, db := range s.data.Databases {
		s.idx.dbs[key(db.ID)] = db
	}
}

func (s *Server) indexBlocks(p *Page, parent Parent, bs []*Block) {
	for _, b := range bs {
		s.idx.blocks[key(b.ID)] = blockAt{b: b, parent: parent, page: p}
		s.indexBlocks(p, Parent{Type: ParentBlock, ID: b.ID}, b.Children)
	}
}

// key is an id as the index holds it: Notion accepts ids with or without
// dashes.
func key(id string) string { return strings.ToLower(strings.ReplaceAll(id, "-", "")) }

// call is one authenticated request being answered.
type call struct {
	r *http.Request
}

type handler func(c *call) (int, any)

func (s *Server) routes() {
	s.Handle("POST /v1/search", s.serve(s.search))
	s.Handle("POST /v1/databases/{id}/query", s.serve(s.queryDatabase))
	s.Handle("GET /v1/databases/{id}", s.serve(s.getDatabase))
	s.Handle("GET /v1/pages/{id}", s.serve(s.getPage))
	s.Handle("GET /v1/blocks/{id}", s.serve(s.getBlock))
	s.Handle("GET /v1/blocks/{id}/children", s.serve(s.blockChildren))
	s.Handle("GET /v1/users", s.serve(s.listUsers))
	s.Handle("GET /v1/users/{id}", s.serve(s.getUser))
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusBadRequest, "invalid_request_url", "Invalid request URL.")
	}, emulator.Public())
}

// serve checks the version header and runs a handler with the data locked.
func (s *Server) serve(h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Notion-Version") == "" {
			writeError(w, http.StatusBadRequest, "missing_version",
				"Notion-Version header failed validation: Notion-Version header should be defined, instead was `undefined`.")
			return
		}
		s.mu.Lock()
		status, v := h(&call{r: r})
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

type apiError struct {
	Object  string `json:"object"`
	Status  int    `json:"status"`
	Code    string `json:"code"`
	Message string `json:"message"`
}

func errorOf(status int, code, msg string) (int, any) {
	return status, apiError{Object: "error", Status: status, Code: code, Message: msg}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	_, v := errorOf(status, code, msg)
	emulator.WriteJSON(w, status, v)
}

func invalid(msg string) (int, any) { return errorOf(http.StatusBadRequest, "validation_error", msg) }

func notFound(kind, id string) (int, any) {
	return errorOf(http.StatusNotFound, "object_not_found", "Could not find "+kind+" with ID: "+id+
		". Make sure the relevant pages and databases are shared with your integration.")
}

// visiblePage returns the page if the integration may read it.
func (s *Server) visiblePage(id string) *Page {
	p := s.idx.pages[key(id)]
	if p == nil || p.Unshared || s.hiddenUnder(p.Parent) {
		return nil
	}
	return p
}

// hiddenUnder reports whether a parent is a database not shared: its rows
// are hidden too.
func (s *Server) hiddenUnder(p Parent) bool {
	if p.Type != ParentDatabase {
		return false
	}
	db := s.idx.dbs[key(p.ID)]
	return db == nil || db.Unshared
}

func (s *Server) getPage(c *call) (int, any) {
	p := s.visiblePage(c.r.PathValue("id"))
	if p == nil {
		return notFound("page", c.r.PathValue("id"))
	}
	return http.StatusOK, s.pageJSON(c, p)
}

func (s *Server) getDatabase(c *call) (int, any) {
	db := s.idx.dbs[key(c.r.PathValue("id"))]
	if db == nil || db.Unshared {
		return notFound("database", c.r.PathValue("id"))
	}
	return http.StatusOK, s.databaseJSON(c, db)
}

func (s *Server) block(id string) (blockAt, bool) {
	at, ok := s.idx.blocks[key(id)]
	if !ok || at.page.Unshared || s.hiddenUnder(at.page.Parent) {
		return blockAt{}, false
	}
	return at, true
}

func (s *Server) getBlock(c *call) (int, any) {
	at, ok := s.block(c.r.PathValue("id"))
	if !ok {
		return notFound("block", c.r.PathValue("id"))
	}
	return http.StatusOK, s.blockJSON(at.b, at.parent)
}

// blockChildren lists a page's top blocks or a block's children, paged
// by the id of the next child.
func (s *Server) blockChildren(c *call) (int, any) {
	id := c.r.PathValue("id")
	var children []*Block
	var parent Parent
	if p := s.visiblePage(id); p != nil {
		children, parent = p.Blocks, Parent{Type: ParentPage, ID: p.ID}
	} else if at, ok := s.block(id); ok {
		children, parent = at.b.Children, Parent{Type: ParentBlock, ID: at.b.ID}
		if at.b.Type == "child_page" || at.b.Type == "child_database" {
			children = nil
		}
	} else {
		return notFound("block", id)
	}
	size, err := pageSize(c.r.URL.Query().Get("page_size"))
	if err != nil {
		return invalid(err.Error())
	}
	from := 0
	if cur := c.r.URL.Query().Get("start_cursor"); cur != "" {
		from = slices.IndexFunc(children, func(b *Block) bool { return key(b.ID) == key(cur) })
		if from < 0 {
			return invalid("start_cursor provided is invalid: " + cur)
		}
	}
	end := min(from+size, len(children))
	results := make([]any, 0, end-from)
	for _, b := range children[from:end] {
		results = append(results, s.blockJSON(b, parent))
	}
	out := list("block", results, end < len(children))
	if end < len(children) {
		out["next_cursor"] = children[end].ID
	}
	return http.StatusOK, out
}

func pageSize(v string) (int, error) {
	if v == "" {
		return 100, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 1 || n > 100 {
		return 0, errText("body failed validation: body.page_size should be a number between 1 and 100, instead was `" + v + "`.")
	}
	return n, nil
}

type errText string

func (e errText) Error() string { return string(e) }

func list(typ string, results []any, more bool) map[string]any {
	return map[string]any{"object": "list", "results": results, "next_cursor": nil, "has_more": more,
		"type": typ, typ: map[string]any{}}
}

// entry is a page or database in a listing, with its sort key.
type entry struct {
	t   time.Time // the minute reported
	id  string
	obj any
}

// cursor encodes the place of the next entry, so a listing goes on from
// the same place in its order even when entries move.
type cursor struct {
	T  int64  `json:"t"`
	ID string `json:"i"`
}

func encodeCursor(e entry) string {
	b, _ := json.Marshal(cursor{T: e.t.UnixMilli(), ID: e.id})
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeCursor(s string) (cursor, bool) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	var c cursor
	if err != nil || json.Unmarshal(b, &c) != nil || c.ID == "" {
		return cursor{}, false
	}
	return c, true
}

type searchBody struct {
	Query  string `json:"query"`
	Filter *struct {
		Property string `json:"property"`
		Value    string `json:"value"`
	} `json:"filter"`
	Sort *struct {
		Direction string `json:"direction"`
		Timestamp string `json:"timestamp"`
	} `json:"sort"`
	StartCursor string `json:"start_cursor"`
	PageSize    *int   `json:"page_size"`
}

func readBody(r *http.Request, v any) error {
	dec := json.NewDecoder(r.Body)
	dec.DisallowUnknownFields()
	return dec.Decode(v)
}

func sizeOf(p *int) (int, error) {
	if p == nil {
		return 100, nil
	}
	return pageSize(strconv.Itoa(*p))
}

func (s *Server) search(c *call) (int, any) {
	var b searchBody
	if err := readBody(c.r, &b); err != nil {
		return invalid("body failed validation: " + err.Error())
	}
	size, err := sizeOf(b.PageSize)
	if err != nil {
		return invalid(err.Error())
	}
	want := ""
	if b.Filter != nil {
		if b.Filter.Property != "object" || b.Filter.Value != "page" && b.Filter.Value != "database" {
			return invalid("body failed validation: body.filter.value should be `\"page\"` or `\"database\"`.")
		}
		want = b.Filter.Value
	}
	descending := true
	if b.Sort != nil {
		if b.Sort.Timestamp != "last_edited_time" || b.Sort.Direction != "ascending" && b.Sort.Direction != "descending" {
			return invalid("body failed validation: body.sort should be a last_edited_time sort.")
		}
		descending = b.Sort.Direction == "descending"
	}
	var entries []entry
	if want != "database" {
		for _, p := range s.data.Pages {
			if s.visiblePage(p.ID) != nil && !p.Archived && strings.Contains(strings.ToLower(p.Title), strings.ToLower(b.Query)) {
				entries = append(entries, entry{t: minute(p.Edited), id: p.ID, obj: p})
			}
		}
	}
	if want != "page" {
		for _, db := range s.data.Databases {
			if !db.Unshared && !db.Archived && strings.Contains(strings.ToLower(db.Title), strings.ToLower(b.Query)) {
				entries = append(entries, entry{t: minute(db.Edited), id: db.ID, obj: db})
			}
		}
	}
	return s.listing(c, entries, descending, b.StartCursor, size, "page_or_database")
}

// listing answers the page of entries the cursor names, in the order
// asked for (the time reported, then the id).
func (s *Server) listing(c *call, entries []entry, descending bool, start string, size int, typ string) (int, any) {
	order := func(a, b entry) int {
		if c := a.t.Compare(b.t); c != 0 && !s.opts.IgnoreSort {
			if descending {
				return -c
			}
			return c
		}
		return strings.Compare(a.id, b.id)
	}
	slices.SortFunc(entries, order)
	from := 0
	if start != "" {
		cur, ok := decodeCursor(start)
		if !ok {
			return invalid("start_cursor provided is invalid: " + start)
		}
		at := entry{t: time.UnixMilli(cur.T).UTC(), id: cur.ID}
		from = len(entries)
		if i := slices.IndexFunc(entries, func(e entry) bool { return order(e, at) >= 0 }); i >= 0 {
			from = i
		}
	}
	end := min(from+size, len(entries))
	results := make([]any, 0, end-from)
	for _, e := range entries[from:end] {
		switch o := e.obj.(type) {
		case *Page:
			results = append(results, s.pageJSON(c, o))
		case *Database:
			results = append(results, s.databaseJSON(c, o))
		}
	}
	out := list(typ, results, end < len(entries))
	if end < len(entries) {
		out["next_cursor"] = encodeCursor(entries[end])
	}
	return http.StatusOK, out
}

// minute is a time as Notion reports it: rounded down to the minute.
func minute(t time.Time) time.Time { return t.UTC().Truncate(time.Minute) }
