package outlineemu

import (
	"cmp"
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Options tune a Server.
type Options struct {
	// Latency delays every answer, to measure throughput realistically.
	Latency time.Duration
	// RateLimit turns on Outline's limits: Requests a minute per key on
	// every method (1000 when zero) and ListRequests a minute on
	// documents.list (100 when zero).
	RateLimit              bool
	Requests, ListRequests int
	// IgnoreOffset answers every listing from its start whatever offset it
	// asks for, as a broken proxy might, to test that clients notice.
	IgnoreOffset bool
	// ShuffleTies orders the documents that share an update time anew on
	// every request, as Outline's database may (its listings sort by the
	// update time alone); by default ties are in id order.
	ShuffleTies bool
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Server serves Data over the Outline API on the emulator kit. It is safe
// for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts  Options
	clock emulator.Clock

	mu   sync.Mutex
	data *Data
	keys map[string]string // API key -> user id
	// scopes, for a key restricted to some methods, lists them.
	scopes map[string][]string
	// budgets are the rate-limit windows per key and limit.
	budgets map[string]*window
	// shuffles counts the listings ShuffleTies reordered.
	shuffles uint64
}

type window struct {
	start time.Time
	used  int
}

// The faults Outline answers with, for FailNext and FailEvery.
var (
	// RateLimited is Outline's 429 with Retry-After.
	RateLimited = emulator.Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
	// BadGateway is a proxy in front of Outline giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// NotFound is the answer for a document deleted meanwhile.
	NotFound = emulator.Fault{Status: http.StatusNotFound}
)

// New returns a server for data. Add API keys with AddKey.
func New(data *Data, opts Options) *Server {
	s := &Server{opts: opts, data: data, keys: map[string]string{}, scopes: map[string][]string{},
		budgets: map[string]*window{}, clock: opts.Clock}
	if s.clock == nil {
		s.clock = emulator.SystemClock{}
	}
	s.Server = emulator.New(emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			writeError(w, http.StatusUnauthorized, "authentication_required", "Authentication required")
		},
	})
	s.routes()
	return s
}

// AddKey makes the server accept "Authorization: Bearer key" as the user
// with the id.
func (s *Server) AddKey(key, userID string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys[key] = userID
}

// Restrict limits key to the methods named (such as "documents.list"), as
// an API key made with scopes is: other methods answer 403
// authorization_error.
func (s *Server) Restrict(key string, methods ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.scopes[key] = methods
}

// RevokeKey makes the server refuse key.
func (s *Server) RevokeKey(key string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.keys, key)
}

// Update runs f with the data locked, so a test can change the workspace
// while a client reads it.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	scheme, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	if !strings.EqualFold(scheme, "bearer") {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	token = strings.TrimSpace(token)
	_, ok := s.keys[token]
	return token, ok
}

// call is one authenticated request being answered, with the data locked.
type call struct {
	r      *http.Request
	method string
	user   *User
	body   map[string]json.RawMessage
	// offset and limit are the request's pagination.
	offset, limit int
}

type handler func(c *call) (int, any)

var methods = map[string]func(*Server) handler{
	"auth.info":                     func(s *Server) handler { return s.authInfo },
	"collections.list":              func(s *Server) handler { return s.collectionsList },
	"collections.info":              func(s *Server) handler { return s.collectionsInfo },
	"collections.documents":         func(s *Server) handler { return s.collectionsDocuments },
	"collections.memberships":       func(s *Server) handler { return s.collectionMemberships },
	"collections.group_memberships": func(s *Server) handler { return s.collectionGroupMemberships },
	"documents.list":                func(s *Server) handler { return s.documentsList },
	"documents.info":                func(s *Server) handler { return s.documentsInfo },
	"documents.memberships":         func(s *Server) handler { return s.documentMemberships },
	"documents.group_memberships":   func(s *Server) handler { return s.documentGroupMemberships },
	"groups.list":                   func(s *Server) handler { return s.groupsList },
	"groups.memberships":            func(s *Server) handler { return s.groupsMemberships },
	"users.list":                    func(s *Server) handler { return s.usersList },
	"users.info":                    func(s *Server) handler { return s.usersInfo },
	"events.list":                   func(s *Server) handler { return s.eventsList },
}

func (s *Server) routes() {
	for name, h := range methods {
		s.Handle("POST /api/"+name, s.serve(name, h(s)))
	}
	s.Handle("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "not_found", "Resource not found")
	}, emulator.Public())
}

// serve reads the body and pagination, applies the rate limit, and runs a
// handler with the data locked.
func (s *Server) serve(method string, h handler) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		key := emulator.Principal(r)
		if !s.allow(w, key, method) {
			return
		}
		c := &call{r: r, method: method, body: map[string]json.RawMessage{}}
		if r.ContentLength != 0 {
			if err := json.NewDecoder(r.Body).Decode(&c.body); err != nil {
				writeError(w, http.StatusBadRequest, "invalid_request", "Request body must be a JSON object")
				return
			}
		}
		var err string
		if c.offset, c.limit, err = pagination(c.body); err != "" {
			writeError(w, http.StatusBadRequest, "invalid_request", err)
			return
		}
		s.mu.Lock()
		c.user = s.data.User(s.keys[key])
		var status int
		var v any
		scopes, scoped := s.scopes[key]
		switch {
		case c.user == nil || c.user.Suspended:
			status, v = errorOf(http.StatusUnauthorized, "authentication_required", "Authentication required")
		case scoped && !slices.Contains(scopes, method):
			status, v = errorOf(http.StatusForbidden, "authorization_error", "Access token does not have access to this resource")
		default:
			status, v = h(c)
		}
		s.mu.Unlock()
		emulator.WriteJSON(w, status, v)
	}
}

// allow spends a request of key's budgets, answering 429 past one.
func (s *Server) allow(w http.ResponseWriter, key, method string) bool {
	if !s.opts.RateLimit {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	limits := []struct {
		name  string
		limit int
	}{{"", cmp.Or(s.opts.Requests, 1000)}}
	if method == "documents.list" {
		limits = append(limits, struct {
			name  string
			limit int
		}{method, cmp.Or(s.opts.ListRequests, 100)})
	}
	for _, l := range limits {
		b := s.budgets[key+" "+l.name]
		if b == nil || now.Sub(b.start) >= time.Minute {
			b = &window{start: now}
			s.budgets[key+" "+l.name] = b
		}
		if b.used >= l.limit {
			reset := int64(b.start.Add(time.Minute).Sub(now)+time.Second-1) / int64(time.Second)
			h := w.Header()
			h.Set("Retry-After", strconv.FormatInt(reset, 10))
			h.Set("RateLimit-Limit", strconv.Itoa(l.limit))
			h.Set("RateLimit-Remaining", "0")
			h.Set("RateLimit-Reset", strconv.FormatInt(reset, 10))
			writeError(w, http.StatusTooManyRequests, "rate_limit_exceeded", "Rate limit exceeded for this operation")
			return false
		}
		b.used++
	}
	return true
}

// pagination reads offset and limit as Outline does: limit 25 by default,
// at most 100.
func pagination(body map[string]json.RawMessage) (offset, limit int, problem string) {
	num := func(name string, def int) (int, bool) {
		raw, ok := body[name]
		if !ok || string(raw) == "null" {
			return def, true
		}
		var n float64
		if json.Unmarshal(raw, &n) != nil {
			var s string
			if json.Unmarshal(raw, &s) != nil {
				return 0, false
			}
			v, err := strconv.ParseFloat(s, 64)
			if err != nil {
				return 0, false
			}
			n = v
		}
		return int(n), true
	}
	limit, ok := num("limit", 25)
	if !ok {
		return 0, 0, "Pagination limit must be a valid number"
	}
	offset, ok = num("offset", 0)
	if !ok {
		return 0, 0, "Pagination offset must be a valid number"
	}
	switch {
	case limit > 100:
		return 0, 0, "Pagination limit is too large (max 100)"
	case limit <= 0:
		return 0, 0, "Pagination limit must be greater than 0"
	case offset < 0:
		return 0, 0, "Pagination offset must be greater than or equal to 0"
	}
	return offset, limit, ""
}

// str reads a string field of the body.
func (c *call) str(name string) string {
	var v string
	if raw, ok := c.body[name]; ok {
		json.Unmarshal(raw, &v)
	}
	return v
}

// page cuts items to the call's offset and limit and answers them with
// Outline's pagination object.
func page[T any](s *Server, c *call, items []T) ([]T, map[string]any) {
	offset := c.offset
	if s.opts.IgnoreOffset {
		offset = 0
	}
	from := min(offset, len(items))
	to := min(from+c.limit, len(items))
	q := url.Values{"limit": {strconv.Itoa(c.limit)}, "offset": {strconv.Itoa(c.offset + c.limit)}}
	return items[from:to], map[string]any{"offset": c.offset, "limit": c.limit,
		"nextPath": "/api/" + c.method + "?" + q.Encode(), "total": len(items)}
}

type apiError struct {
	OK      bool   `json:"ok"`
	Error   string `json:"error"`
	Status  int    `json:"status"`
	Message string `json:"message"`
}

func errorOf(status int, code, msg string) (int, any) {
	return status, apiError{Error: code, Status: status, Message: msg}
}

func writeError(w http.ResponseWriter, status int, code, msg string) {
	_, v := errorOf(status, code, msg)
	emulator.WriteJSON(w, status, v)
}

func notFound() (int, any) { return errorOf(http.StatusNotFound, "not_found", "Resource not found") }

func forbidden() (int, any) {
	return errorOf(http.StatusForbidden, "authorization_error", "Authorization error")
}

func invalid(msg string) (int, any) { return errorOf(http.StatusBadRequest, "validation_error", msg) }

// stamp is a time as Outline's JSON gives it, or nil for a zero one.
func stamp(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC().Format("2006-01-02T15:04:05.000Z")
}

// Slug is a title as Outline puts it in a path: lower-cased, letters and
// digits kept, other runs of characters made one hyphen.
func Slug(title string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if dash && b.Len() > 0 {
				b.WriteByte('-')
			}
			b.WriteRune(r)
			dash = false
			continue
		}
		dash = true
	}
	if b.Len() == 0 {
		return "untitled"
	}
	return b.String()
}
