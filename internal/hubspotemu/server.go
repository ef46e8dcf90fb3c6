package hubspotemu

import (
	"cmp"
	"encoding/json"
	"fmt"
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
	// TenSecondly is the requests one token may send per rolling ten
	// seconds; zero means 100 (a private app on a Free or Starter
	// account; Professional and Enterprise allow 190).
	TenSecondly int
	// SearchPerSecond is the searches one token may send per second;
	// zero means 5. Search answers carry no rate-limit headers.
	SearchPerSecond int
	// Daily is the requests one token may send per day; zero means no
	// daily limit.
	Daily int
	// SearchCap is how many results one search query can page through;
	// zero means HubSpot's 10,000. Asking for a page past it is a 400.
	SearchCap int
	// MaxAssociations bounds the associations one batch answer gives per
	// record before it pages them; zero means 500.
	MaxAssociations int
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// The faults HubSpot answers with, for FailNext and FailEvery.
var (
	// BadGateway is HubSpot's edge giving up.
	BadGateway = emulator.Fault{Status: http.StatusBadGateway}
	// Unavailable is a 503 without Retry-After.
	Unavailable = emulator.Fault{Status: http.StatusServiceUnavailable}
)

// The scopes the emulator asks for.
const (
	ScopeOwners = "crm.objects.owners.read"
	ScopeEmails = "sales-email-read"
)

// ScopeOf is the scope reading records of a type needs. Notes are read
// with the contacts scope.
func ScopeOf(typ string) string {
	switch typ {
	case "tickets":
		return "tickets"
	case Notes:
		return "crm.objects.contacts.read"
	case Emails:
		return ScopeEmails
	}
	return "crm.objects." + typ + ".read"
}

// AllScopes are the scopes a token needs for everything the emulator
// serves.
func AllScopes() []string {
	return []string{ScopeOf("contacts"), ScopeOf("companies"), ScopeOf("deals"), ScopeOf("tickets"), ScopeEmails, ScopeOwners}
}

// Server serves Data over the HubSpot API on the emulator kit. It is
// safe for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu     sync.Mutex
	data   *Data
	tokens map[string][]string // token -> scopes
	spent  map[string]*spending
	nextID int
}

// spending is one token's use of its budgets.
type spending struct {
	recent   []time.Time // requests of the last ten seconds
	searches []time.Time // searches of the last second
	day      time.Time
	daily    int
}

// New returns a server for data. Add tokens with AddToken.
func New(data *Data, opts Options) *Server {
	opts.TenSecondly = cmp.Or(opts.TenSecondly, 100)
	opts.SearchPerSecond = cmp.Or(opts.SearchPerSecond, 5)
	opts.SearchCap = cmp.Or(opts.SearchCap, 10000)
	opts.MaxAssociations = cmp.Or(opts.MaxAssociations, 500)
	s := &Server{opts: opts, data: data, tokens: map[string][]string{}, spent: map[string]*spending{}}
	s.Server = emulator.New(emulator.Options{
		Auth:    s.authenticate,
		Clock:   opts.Clock,
		Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			s.mu.Lock()
			defer s.mu.Unlock()
			s.writeError(w, http.StatusUnauthorized, "INVALID_AUTHENTICATION",
				"Authentication credentials not found. This API supports OAuth 2.0 authentication.", nil)
		},
	})
	s.route("GET /account-info/v3/details", s.account)
	s.route("GET /crm/v3/owners", s.owners)
	s.route("GET /crm/v3/owners/", s.owners)
	s.route("GET /crm/v3/objects/{type}", s.list)
	s.route("GET /crm/v3/objects/{type}/{id}", s.get)
	s.route("POST /crm/v3/objects/{type}/search", s.search)
	s.route("POST /crm/v3/objects/{type}/batch/read", s.batchRead)
	s.route("POST /crm/v4/associations/{from}/{to}/batch/read", s.associations)
	return s
}

// AddToken accepts a private app (or OAuth) access token with scopes.
func (s *Server) AddToken(token string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[token] = scopes
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok = s.tokens[tok]
	return tok, ok
}

// answer is what a handler returns: a status and a body to encode.
type answer struct {
	status int
	body   any
}

type handler func(r *http.Request, token string) answer

// route registers a handler behind the rate limits, with the data locked.
func (s *Server) route(pattern string, h handler) {
	search := strings.HasSuffix(pattern, "/search")
	s.Handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		tok := emulator.Principal(r)
		if !s.spend(w, tok, search) {
			return
		}
		a := h(r, tok)
		if e, ok := a.body.(apiError); ok {
			s.writeError(w, a.status, e.category, e.message, e.context)
			return
		}
		emulator.WriteJSON(w, a.status, a.body)
	})
}

// spend takes one request of the token's budgets, or answers 429 with the
// policy that refused it. The lock is held.
func (s *Server) spend(w http.ResponseWriter, tok string, search bool) bool {
	now := s.Now()
	sp := s.spent[tok]
	if sp == nil {
		sp = &spending{}
		s.spent[tok] = sp
	}
	if day := now.UTC().Truncate(24 * time.Hour); !sp.day.Equal(day) {
		sp.day, sp.daily = day, 0
	}
	sp.recent = slices.DeleteFunc(sp.recent, func(t time.Time) bool { return now.Sub(t) >= 10*time.Second })
	sp.searches = slices.DeleteFunc(sp.searches, func(t time.Time) bool { return now.Sub(t) >= time.Second })
	refuse := func(policy string) bool {
		w.Header().Set("Content-Type", "application/json;charset=utf-8")
		w.WriteHeader(http.StatusTooManyRequests)
		json.NewEncoder(w).Encode(map[string]any{"status": "error", "errorType": "RATE_LIMIT",
			"message":       "You have reached your " + strings.ToLower(policy) + " limit.",
			"correlationId": s.correlation(), "policyName": policy, "groupName": "api"})
		return false
	}
	switch {
	case s.opts.Daily > 0 && sp.daily >= s.opts.Daily:
		return refuse("DAILY")
	case search && len(sp.searches) >= s.opts.SearchPerSecond:
		return refuse("SECONDLY")
	case len(sp.recent) >= s.opts.TenSecondly:
		return refuse("TEN_SECONDLY_ROLLING")
	}
	sp.recent = append(sp.recent, now)
	sp.daily++
	if search {
		sp.searches = append(sp.searches, now)
		return true
	}
	h := w.Header()
	h.Set("X-HubSpot-RateLimit-Interval-Milliseconds", "10000")
	h.Set("X-HubSpot-RateLimit-Max", strconv.Itoa(s.opts.TenSecondly))
	h.Set("X-HubSpot-RateLimit-Remaining", strconv.Itoa(s.opts.TenSecondly-len(sp.recent)))
	if s.opts.Daily > 0 {
		h.Set("X-HubSpot-RateLimit-Daily", strconv.Itoa(s.opts.Daily))
		h.Set("X-HubSpot-RateLimit-Daily-Remaining", strconv.Itoa(s.opts.Daily-sp.daily))
	}
	return true
}

func (s *Server) correlation() string {
	s.nextID++
	return fmt.Sprintf("5c6a1b2e-0000-4000-8000-%012d", s.nextID)
}

// apiError is an error answer: HubSpot's category, message and context.
type apiError struct {
	category, message string
	context           map[string][]string
}

func fail(status int, category, message string, ctx map[string][]string) answer {
	return answer{status, apiError{category, message, ctx}}
}

func (s *Server) writeError(w http.ResponseWriter, status int, category, message string, ctx map[string][]string) {
	body := map[string]any{"status": "error", "message": message, "correlationId": s.correlation(), "category": category}
	if ctx != nil {
		body["context"] = ctx
	}
	emulator.WriteJSON(w, status, body)
}

func badRequest(msg string) answer {
	return fail(http.StatusBadRequest, "VALIDATION_ERROR", msg, nil)
}

// allowed checks that the token has the scope, or answers 403
// MISSING_SCOPES naming it.
func (s *Server) allowed(tok, scope string) (answer, bool) {
	if slices.Contains(s.tokens[tok], scope) {
		return answer{}, true
	}
	return fail(http.StatusForbidden, "MISSING_SCOPES",
		"This app hasn't been granted all required scopes to make this call. Read more about required scopes here: https://developers.hubspot.com/scopes.",
		map[string][]string{"requiredGranularScopes": {scope}}), false
}

// typeOf checks the object type of a path, and the scope to read it.
func (s *Server) typeOf(r *http.Request, name, tok string) (string, answer, bool) {
	typ := r.PathValue(name)
	if _, ok := ObjectTypes[typ]; !ok && typ != Notes && typ != Emails {
		return "", fail(http.StatusBadRequest, "OBJECT_TYPE_NOT_FOUND", "Unable to infer object type from: "+typ, nil), false
	}
	a, ok := s.allowed(tok, ScopeOf(typ))
	return typ, a, ok
}

func (s *Server) account(*http.Request, string) answer {
	return answer{http.StatusOK, map[string]any{"portalId": s.data.PortalID, "accountType": "STANDARD",
		"timeZone": s.data.TimeZone, "companyCurrency": "USD", "additionalCurrencies": []string{},
		"utcOffset": "-05:00", "utcOffsetMilliseconds": -18000000, "uiDomain": s.data.UIDomain, "dataHostingLocation": "na1"}}
}

// limitParam reads limit, between 1 and most, def when absent.
func limitParam(v string, def, most int) (int, bool) {
	if v == "" {
		return def, true
	}
	n, err := strconv.Atoi(v)
	return n, err == nil && n >= 1 && n <= most
}

func (s *Server) owners(r *http.Request, tok string) answer {
	if a, ok := s.allowed(tok, ScopeOwners); !ok {
		return a
	}
	q := r.URL.Query()
	limit, ok := limitParam(q.Get("limit"), 100, 500)
	if !ok {
		return badRequest("limit must be between 1 and 500")
	}
	archived := q.Get("archived") == "true"
	var all []*Owner
	for _, o := range s.data.Owners {
		if o.Archived == archived && (q.Get("email") == "" || strings.EqualFold(o.Email, q.Get("email"))) {
			all = append(all, o)
		}
	}
	page, next, ok := after(all, q.Get("after"), limit, func(o *Owner) int64 { return o.ID })
	if !ok {
		return badRequest("after is not a valid cursor")
	}
	results := []map[string]any{}
	for _, o := range page {
		teams := []map[string]any{}
		for _, t := range o.Teams {
			teams = append(teams, map[string]any{"id": strconv.FormatInt(t.ID, 10), "name": t.Name, "primary": t.Primary})
		}
		results = append(results, map[string]any{"id": strconv.FormatInt(o.ID, 10), "email": o.Email, "type": "PERSON",
			"firstName": o.FirstName, "lastName": o.LastName, "userId": o.UserID, "userIdIncludingInactive": o.UserID,
			"createdAt": "2019-01-01T00:00:00.000Z", "updatedAt": "2019-01-01T00:00:00.000Z", "archived": o.Archived, "teams": teams})
	}
	return answer{http.StatusOK, withPaging(map[string]any{"results": results}, r, next)}
}

// after pages items in id order from the cursor (the first id of the
// page), giving the cursor of the next page, "" after the last.
func after[T any](items []T, cursor string, limit int, id func(T) int64) ([]T, string, bool) {
	from := int64(0)
	if cursor != "" {
		n, err := strconv.ParseInt(cursor, 10, 64)
		if err != nil || n < 0 {
			return nil, "", false
		}
		from = n
	}
	i, _ := slices.BinarySearchFunc(items, from, func(t T, from int64) int { return cmp.Compare(id(t), from) })
	items = items[i:]
	if len(items) <= limit {
		return items, "", true
	}
	return items[:limit], strconv.FormatInt(id(items[limit]), 10), true
}

// withPaging adds paging.next with the cursor and a link to the next page.
func withPaging(body map[string]any, r *http.Request, next string) map[string]any {
	if next == "" {
		return body
	}
	u := *r.URL
	q := u.Query()
	q.Set("after", next)
	u.RawQuery = q.Encode()
	link := "https://api.hubapi.com" + u.Path + "?" + u.RawQuery
	body["paging"] = map[string]any{"next": map[string]any{"after": next, "link": link}}
	return body
}

// fields splits a comma-separated property list.
func fields(v string) []string {
	var out []string
	for f := range strings.SplitSeq(v, ",") {
		if f = strings.TrimSpace(f); f != "" {
			out = append(out, f)
		}
	}
	return out
}

// record writes an object as the CRM API does, with the properties asked
// for (and the system ones) and, when asked, its associations.
func (s *Server) record(o *Object, props []string, assoc []string) map[string]any {
	all := o.props()
	p := map[string]any{"hs_object_id": all["hs_object_id"], "createdate": all["createdate"],
		ModifiedProperty(o.Type): all[ModifiedProperty(o.Type)]}
	for _, name := range props {
		if v, ok := all[name]; ok {
			p[name] = v
		} else {
			p[name] = nil
		}
	}
	out := map[string]any{"id": strconv.FormatInt(o.ID, 10), "properties": p,
		"createdAt": stamp(o.CreatedAt), "updatedAt": stamp(o.UpdatedAt), "archived": o.Archived()}
	if o.Archived() {
		out["archivedAt"] = stamp(o.ArchivedAt)
	}
	if len(assoc) > 0 {
		as := map[string]any{}
		for _, t := range assoc {
			ids := o.Associations[t]
			if len(ids) == 0 {
				continue
			}
			var res []map[string]any
			for _, id := range ids {
				res = append(res, map[string]any{"id": strconv.FormatInt(id, 10), "type": singular(o.Type) + "_to_" + singular(t)})
			}
			as[t] = map[string]any{"results": res}
		}
		if len(as) > 0 {
			out["associations"] = as
		}
	}
	return out
}

func singular(t string) string { return strings.TrimSuffix(strings.TrimSuffix(t, "s"), "ie") }

func (s *Server) list(r *http.Request, tok string) answer {
	typ, a, ok := s.typeOf(r, "type", tok)
	if !ok {
		return a
	}
	q := r.URL.Query()
	limit, ok := limitParam(q.Get("limit"), 10, 100)
	if !ok {
		return badRequest("limit must be between 1 and 100")
	}
	archived := q.Get("archived") == "true"
	var all []*Object
	for _, o := range s.data.Objects[typ] {
		if o.Archived() == archived {
			all = append(all, o)
		}
	}
	page, next, ok := after(all, q.Get("after"), limit, func(o *Object) int64 { return o.ID })
	if !ok {
		return badRequest("after is not a valid cursor")
	}
	results := []map[string]any{}
	for _, o := range page {
		results = append(results, s.record(o, fields(q.Get("properties")), fields(q.Get("associations"))))
	}
	return answer{http.StatusOK, withPaging(map[string]any{"results": results}, r, next)}
}

func notFound(typ string, id string) answer {
	return fail(http.StatusNotFound, "OBJECT_NOT_FOUND", "resource not found", map[string][]string{"id": {id}, "type": {typ}})
}

func (s *Server) get(r *http.Request, tok string) answer {
	typ, a, ok := s.typeOf(r, "type", tok)
	if !ok {
		return a
	}
	id, err := strconv.ParseInt(r.PathValue("id"), 10, 64)
	o := s.data.Get(typ, id)
	q := r.URL.Query()
	if err != nil || o == nil || o.Archived() != (q.Get("archived") == "true") {
		return notFound(typ, r.PathValue("id"))
	}
	return answer{http.StatusOK, s.record(o, fields(q.Get("properties")), fields(q.Get("associations")))}
}
