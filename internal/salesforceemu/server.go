// Package salesforceemu emulates the parts of the Salesforce REST API the
// Salesforce connector reads, on the emulator kit: the OAuth 2.0 token
// endpoint (JWT bearer assertions verified with the connected app's
// certificate key, and refresh tokens), SOQL queries and queryAll with
// nextRecordsUrl locators that expire, sObject describe and record reads,
// error bodies as arrays of {message, errorCode, fields}, and the daily API
// request limit with the Sforce-Limit-Info header and the 403
// REQUEST_LIMIT_EXCEEDED answer.
package salesforceemu

import (
	"cmp"
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/jwtsign"
)

// Options tune a Server. Every field may be left zero.
type Options struct {
	// DailyLimit is the org's API requests per 24 hours; zero means
	// 1,000,000.
	DailyLimit int
	// BatchSize bounds the records of one query answer below what the
	// request's Sforce-Query-Options asks; zero means 2,000.
	BatchSize int
	// LocatorTTL is how long an unused query locator lives; zero means 15
	// minutes.
	LocatorTTL time.Duration
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Version is the API version the emulator names in the links it writes.
const Version = "v61.0"

// Server serves Data over the Salesforce REST API. It is safe for
// concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu       sync.Mutex
	data     *Data
	apps     map[string]*app     // consumer key -> app
	refresh  map[string]string   // refresh token -> user id
	sessions map[string]string   // access token -> user id
	locators map[string]*locator // locator id -> cursor
	order    []string            // locator ids, oldest first
	used     int                 // API requests spent
	nextID   int
	answers  []*canned // answers that replace the handlers'
}

// canned is an answer AnswerNext scheduled.
type canned struct {
	prefix string
	left   int
	status int
	body   string
}

type app struct {
	key    *rsa.PublicKey
	secret string
}

// locator is a server-side cursor: the records of a query's answer.
type locator struct {
	user    string
	object  *Object
	fields  []string
	records []*Record
	used    time.Time
}

// New returns a server for data. Register a connected app with AddApp.
func New(data *Data, opts Options) *Server {
	opts.DailyLimit = cmp.Or(opts.DailyLimit, 1_000_000)
	opts.BatchSize = cmp.Or(opts.BatchSize, 2000)
	opts.LocatorTTL = cmp.Or(opts.LocatorTTL, 15*time.Minute)
	s := &Server{opts: opts, data: data, apps: map[string]*app{}, refresh: map[string]string{}, sessions: map[string]string{},
		locators: map[string]*locator{}}
	s.Server = emulator.New(emulator.Options{Auth: s.authenticate, Clock: opts.Clock, Latency: opts.Latency,
		Unauthorized: func(w http.ResponseWriter, _ *http.Request) {
			writeErrors(w, http.StatusUnauthorized, "INVALID_SESSION_ID", "Session expired or invalid")
		}})
	s.Handle("POST /services/oauth2/token", s.token, emulator.Public())
	s.Handle("GET /services/data/{$}", s.versions, emulator.Public())
	s.route("GET /services/data/{version}/query", s.query(false))
	s.route("GET /services/data/{version}/queryAll", s.query(true))
	s.route("GET /services/data/{version}/query/{locator}", s.more)
	s.route("GET /services/data/{version}/queryAll/{locator}", s.more)
	s.route("GET /services/data/{version}/sobjects/{object}/describe", s.describe)
	s.route("GET /services/data/{version}/sobjects/{object}/{id}", s.record)
	return s
}

// AddApp registers a connected app: its consumer key, the public key of
// its certificate (for JWT bearer assertions) and its consumer secret
// (for refresh tokens; empty when the app needs none).
func (s *Server) AddApp(consumerKey string, pub *rsa.PublicKey, secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.apps[consumerKey] = &app{key: pub, secret: secret}
}

// AddRefreshToken grants a refresh token to the user with the username.
func (s *Server) AddRefreshToken(token, username string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refresh[token] = s.userID(username)
}

// ExpireSessions ends every session, as a session timeout does: the next
// request with an access token answers 401 INVALID_SESSION_ID.
func (s *Server) ExpireSessions() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.sessions)
}

// ExpireLocators releases every query locator, as their expiry does.
func (s *Server) ExpireLocators() {
	s.mu.Lock()
	defer s.mu.Unlock()
	clear(s.locators)
	s.order = nil
}

// AnswerNext makes the next n data requests whose path starts with
// prefix answer status with body instead of what the handler would,
// after the daily limit is counted (so Sforce-Limit-Info is sent): an
// error array such as [{"message":"...","errorCode":"INSUFFICIENT_ACCESS"}]
// for a permission taken away mid-run, or a body the client cannot read.
func (s *Server) AnswerNext(prefix string, n, status int, body string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.answers = append(s.answers, &canned{prefix: prefix, left: n, status: status, body: body})
}

// cannedFor returns the answer scheduled for the path, if any, and counts
// it. The lock is held.
func (s *Server) cannedFor(path string) *canned {
	for i, c := range s.answers {
		if strings.HasPrefix(path, c.prefix) {
			if c.left--; c.left <= 0 {
				s.answers = slices.Delete(s.answers, i, i+1)
			}
			return c
		}
	}
	return nil
}

// SetUsed sets the API requests spent in the current 24 hours.
func (s *Server) SetUsed(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.used = n
}

// Update runs f with the data locked.
func (s *Server) Update(f func(d *Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f(s.data)
}

func (s *Server) userID(username string) string {
	for id, name := range s.data.Usernames {
		if strings.EqualFold(name, username) {
			return id
		}
	}
	return ""
}

func (s *Server) authenticate(r *http.Request) (string, bool) {
	tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok {
		return "", false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	u, ok := s.sessions[tok]
	return u, ok
}

// apiError is one element of Salesforce's error array.
type apiError struct {
	Message   string   `json:"message"`
	ErrorCode string   `json:"errorCode"`
	Fields    []string `json:"fields,omitempty"`
}

func writeErrors(w http.ResponseWriter, status int, code, message string, fields ...string) {
	emulator.WriteJSON(w, status, []apiError{{Message: message, ErrorCode: code, Fields: fields}})
}

type answer struct {
	status int
	body   any
}

func fail(status int, code, message string, fields ...string) answer {
	return answer{status, []apiError{{Message: message, ErrorCode: code, Fields: fields}}}
}

// route registers a data handler behind the daily limit, with the data
// locked.
func (s *Server) route(pattern string, h func(r *http.Request, user string) answer) {
	s.Handle(pattern, func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		user := emulator.Principal(r)
		if !validVersion(r.PathValue("version")) {
			writeErrors(w, http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
			return
		}
		if s.data.NoAPI[user] {
			writeErrors(w, http.StatusForbidden, "API_DISABLED_FOR_ORG", "The REST API is not enabled for this Organization.")
			return
		}
		if s.used >= s.opts.DailyLimit {
			writeErrors(w, http.StatusForbidden, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.")
			return
		}
		s.used++
		w.Header().Set("Sforce-Limit-Info", fmt.Sprintf("api-usage=%d/%d", s.used, s.opts.DailyLimit))
		if c := s.cannedFor(r.URL.Path); c != nil {
			w.Header().Set("Content-Type", "application/json;charset=UTF-8")
			w.WriteHeader(c.status)
			_, _ = io.WriteString(w, c.body)
			return
		}
		a := h(r, user)
		emulator.WriteJSON(w, a.status, a.body)
	})
}

func validVersion(v string) bool {
	n, ok := strings.CutPrefix(v, "v")
	f, err := strconv.ParseFloat(n, 64)
	return ok && err == nil && f >= 20 && strings.HasSuffix(n, ".0")
}

func (s *Server) versions(w http.ResponseWriter, _ *http.Request) {
	emulator.WriteJSON(w, http.StatusOK, []map[string]string{
		{"label": "Summer '24", "url": "/services/data/v61.0", "version": "61.0"},
	})
}

// token is the OAuth 2.0 token endpoint: the JWT bearer grant and the
// refresh-token grant.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "bad form"})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	refuse := func(code, desc string) {
		emulator.WriteJSON(w, http.StatusBadRequest, map[string]string{"error": code, "error_description": desc})
	}
	var user string
	switch r.PostForm.Get("grant_type") {
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		var c struct {
			Iss string `json:"iss"`
			Sub string `json:"sub"`
			Aud string `json:"aud"`
			Exp int64  `json:"exp"`
		}
		assertion := r.PostForm.Get("assertion")
		// The consumer key is read before the signature is checked, to
		// know whose key checks it.
		var unverified struct {
			Iss string `json:"iss"`
		}
		_ = peekClaims(assertion, &unverified)
		a := s.apps[unverified.Iss]
		if a == nil || a.key == nil {
			refuse("invalid_client_id", "client identifier invalid")
			return
		}
		if jwtsign.Verify(a.key, assertion, &c) != nil {
			refuse("invalid_grant", "invalid assertion")
			return
		}
		base := emulator.BaseURL(r)
		if c.Aud != "https://login.salesforce.com" && c.Aud != "https://test.salesforce.com" && c.Aud != base {
			refuse("invalid_grant", "audience is invalid")
			return
		}
		if c.Exp <= s.Now().Unix() {
			refuse("invalid_grant", "expired authorization code")
			return
		}
		if user = s.userID(c.Sub); user == "" {
			refuse("invalid_grant", "user hasn't approved this consumer")
			return
		}
	case "refresh_token":
		a := s.apps[r.PostForm.Get("client_id")]
		if a == nil {
			refuse("invalid_client_id", "client identifier invalid")
			return
		}
		if a.secret != "" && r.PostForm.Get("client_secret") != a.secret {
			refuse("invalid_client", "invalid client credentials")
			return
		}
		if user = s.refresh[r.PostForm.Get("refresh_token")]; user == "" {
			refuse("invalid_grant", "expired access/refresh token")
			return
		}
	default:
		refuse("unsupported_grant_type", "grant type not supported")
		return
	}
	s.nextID++
	tok := fmt.Sprintf("%s!AQ0AQ%08d", s.data.OrgID[:15], s.nextID)
	s.sessions[tok] = user
	instance := cmp.Or(s.data.InstanceURL, emulator.BaseURL(r))
	emulator.WriteJSON(w, http.StatusOK, map[string]string{"access_token": tok, "instance_url": instance,
		"id": "https://login.salesforce.com/id/" + s.data.OrgID + "/" + user, "token_type": "Bearer",
		"issued_at": strconv.FormatInt(s.Now().UnixMilli(), 10), "signature": "c2lnbmF0dXJl", "scope": "api"})
}

// query runs a SOQL query: its first batch, and a locator for the rest.
func (s *Server) query(all bool) func(r *http.Request, user string) answer {
	return func(r *http.Request, user string) answer {
		q, err := parseQuery(r.URL.Query().Get("q"))
		if err != nil {
			return fail(http.StatusBadRequest, "MALFORMED_QUERY", err.Error())
		}
		ob := s.data.Object(q.object)
		if ob == nil || slices.Contains(s.data.Hidden[user], ob.Name) {
			return fail(http.StatusBadRequest, "INVALID_TYPE", fmt.Sprintf("sObject type '%s' is not supported.", q.object))
		}
		for _, f := range q.fieldsOf() {
			if !s.hasField(ob, f) {
				return fail(http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on entity '%s'. If you are attempting to use a custom field, be sure to append the '__c' after the custom field name.", f, ob.Name))
			}
		}
		var recs []*Record
		for _, rec := range ob.Records {
			if rec.Deleted() && !all {
				continue
			}
			if q.where != nil {
				ok, err := q.where.eval(func(f string) any { return s.value(ob, rec, f) })
				if err != nil {
					return fail(http.StatusBadRequest, "INVALID_QUERY_FILTER_OPERATOR", err.Error())
				}
				if !ok {
					continue
				}
			}
			recs = append(recs, rec)
		}
		if len(q.order) > 0 {
			slices.SortStableFunc(recs, func(a, b *Record) int {
				for _, k := range q.order {
					c := order(s.value(ob, a, k.field), s.value(ob, b, k.field))
					if k.desc {
						c = -c
					}
					if c != 0 {
						return c
					}
				}
				return 0
			})
		}
		if q.limit > 0 && len(recs) > q.limit {
			recs = recs[:q.limit]
		}
		return s.batch(r, &locator{user: user, object: ob, fields: q.fields, records: recs}, 0, all)
	}
}

// batch answers the records of a cursor from offset, keeping the cursor
// when more follow. The lock is held.
func (s *Server) batch(r *http.Request, l *locator, offset int, all bool) answer {
	size := s.opts.BatchSize
	if o := r.Header.Get("Sforce-Query-Options"); o != "" {
		if n, err := strconv.Atoi(strings.TrimPrefix(strings.TrimSpace(o), "batchSize=")); err == nil && n >= 200 && n <= 2000 {
			size = min(size, n)
		}
	}
	end := min(offset+size, len(l.records))
	out := make([]map[string]any, 0, end-offset)
	for _, rec := range l.records[offset:end] {
		out = append(out, s.render(l.object, rec, l.fields))
	}
	body := map[string]any{"totalSize": len(l.records), "done": end >= len(l.records), "records": out}
	if end < len(l.records) {
		s.nextID++
		id := fmt.Sprintf("01g5g%010dAAA", s.nextID)
		l.used = s.Now()
		s.locators[id] = l
		s.order = append(s.order, id)
		// A user may keep ten cursors open; an eleventh releases the
		// oldest.
		for len(s.order) > 10 {
			delete(s.locators, s.order[0])
			s.order = s.order[1:]
		}
		kind := "query"
		if all {
			kind = "queryAll"
		}
		body["nextRecordsUrl"] = fmt.Sprintf("/services/data/%s/%s/%s-%d", r.PathValue("version"), kind, id, end)
	}
	return answer{http.StatusOK, body}
}

// more answers the batch a nextRecordsUrl names.
func (s *Server) more(r *http.Request, user string) answer {
	loc := r.PathValue("locator")
	i := strings.LastIndexByte(loc, '-')
	var l *locator
	offset := -1
	if i > 0 {
		l = s.locators[loc[:i]]
		offset, _ = strconv.Atoi(loc[i+1:])
	}
	if l != nil && s.Now().Sub(l.used) > s.opts.LocatorTTL {
		delete(s.locators, loc[:i])
		l = nil
	}
	if l == nil || l.user != user || offset <= 0 || offset > len(l.records) {
		return fail(http.StatusBadRequest, "INVALID_QUERY_LOCATOR", "invalid query locator")
	}
	delete(s.locators, loc[:i])
	s.order = slices.DeleteFunc(s.order, func(id string) bool { return id == loc[:i] })
	return s.batch(r, l, offset, strings.Contains(r.URL.Path, "/queryAll/"))
}

func (s *Server) field(ob *Object, name string) (Field, bool) {
	for _, f := range ob.Fields {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Field{}, false
}

// hasField reports whether a field, or a relationship's field, exists.
func (s *Server) hasField(ob *Object, name string) bool {
	rel, sub, ok := strings.Cut(name, ".")
	if !ok {
		_, ok := s.field(ob, name)
		return ok
	}
	for _, f := range ob.Fields {
		if strings.EqualFold(f.RelationshipName, rel) {
			for _, to := range f.ReferenceTo {
				if t := s.data.Object(to); t != nil && s.hasField(t, sub) {
					return true
				}
			}
		}
	}
	return false
}

// value is a record's value of a field or relationship field.
func (s *Server) value(ob *Object, rec *Record, name string) any {
	rel, sub, ok := strings.Cut(name, ".")
	if !ok {
		f, _ := s.field(ob, name)
		return rec.Fields[f.Name]
	}
	for _, f := range ob.Fields {
		if strings.EqualFold(f.RelationshipName, rel) {
			id, _ := rec.Fields[f.Name].(string)
			if to, target := s.data.Find(id); target != nil {
				return s.value(to, target, sub)
			}
		}
	}
	return nil
}

func order(a, b any) int {
	switch x := a.(type) {
	case time.Time:
		y, _ := b.(time.Time)
		return x.Compare(y)
	case string:
		y, _ := b.(string)
		return strings.Compare(x, y)
	case float64:
		y, _ := b.(float64)
		return cmp.Compare(x, y)
	}
	if a == nil && b != nil {
		return -1
	}
	if a != nil && b == nil {
		return 1
	}
	return 0
}

// FormatTime writes a datetime as the API does.
func FormatTime(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000+0000") }

func (s *Server) attributes(ob *Object, id string) map[string]string {
	return map[string]string{"type": ob.Name, "url": "/services/data/" + Version + "/sobjects/" + ob.Name + "/" + id}
}

// render writes the fields of a record a query selected.
func (s *Server) render(ob *Object, rec *Record, fields []string) map[string]any {
	out := map[string]any{"attributes": s.attributes(ob, rec.ID())}
	for _, name := range fields {
		rel, sub, isRel := strings.Cut(name, ".")
		if !isRel {
			f, _ := s.field(ob, name)
			out[f.Name] = s.json(rec.Fields[f.Name])
			if f.Name == "SystemModstamp" && rec.Broken {
				out[f.Name] = "yesterday"
			}
			continue
		}
		for _, f := range ob.Fields {
			if !strings.EqualFold(f.RelationshipName, rel) {
				continue
			}
			id, _ := rec.Fields[f.Name].(string)
			to, target := s.data.Find(id)
			if target == nil {
				out[f.RelationshipName] = nil
				continue
			}
			m, _ := out[f.RelationshipName].(map[string]any)
			if m == nil {
				m = map[string]any{"attributes": s.attributes(to, id)}
				out[f.RelationshipName] = m
			}
			if tf, ok := s.field(to, sub); ok {
				m[tf.Name] = s.json(target.Fields[tf.Name])
			}
		}
	}
	return out
}

func (s *Server) json(v any) any {
	if t, ok := v.(time.Time); ok {
		return FormatTime(t)
	}
	return v
}

// describe answers an object's metadata.
func (s *Server) describe(r *http.Request, user string) answer {
	ob := s.data.Object(r.PathValue("object"))
	if ob == nil || slices.Contains(s.data.Hidden[user], ob.Name) {
		return fail(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	fields := make([]map[string]any, 0, len(ob.Fields))
	for _, f := range ob.Fields {
		fields = append(fields, map[string]any{"name": f.Name, "label": cmp.Or(f.Label, f.Name), "type": f.Type, "nameField": f.NameField,
			"htmlFormatted": f.HTML, "referenceTo": append([]string{}, f.ReferenceTo...), "relationshipName": nilIfEmpty(f.RelationshipName),
			"filterable": true, "sortable": f.Type != "textarea"})
	}
	return answer{http.StatusOK, map[string]any{"name": ob.Name, "label": ob.Label, "keyPrefix": ob.KeyPrefix, "queryable": true,
		"retrieveable": true, "searchable": true, "fields": fields,
		"urls": map[string]string{"describe": "/services/data/" + Version + "/sobjects/" + ob.Name + "/describe"}}}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// record answers one record, with every field or those ?fields= names.
func (s *Server) record(r *http.Request, user string) answer {
	ob := s.data.Object(r.PathValue("object"))
	if ob == nil || slices.Contains(s.data.Hidden[user], ob.Name) {
		return fail(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	id := r.PathValue("id")
	if len(id) == 15 {
		id = ID18(id)
	}
	var rec *Record
	for _, x := range ob.Records {
		if x.ID() == id {
			rec = x
		}
	}
	if rec == nil {
		return fail(http.StatusNotFound, "NOT_FOUND", "The requested resource does not exist")
	}
	if rec.Deleted() {
		return fail(http.StatusNotFound, "ENTITY_IS_DELETED", "entity is deleted")
	}
	var names []string
	if fs := r.URL.Query().Get("fields"); fs != "" {
		for f := range strings.SplitSeq(fs, ",") {
			if !s.hasField(ob, f) || strings.Contains(f, ".") {
				return fail(http.StatusBadRequest, "INVALID_FIELD", fmt.Sprintf("No such column '%s' on sobject of type %s", f, ob.Name), f)
			}
			names = append(names, f)
		}
	} else {
		for _, f := range ob.Fields {
			names = append(names, f.Name)
		}
	}
	return answer{http.StatusOK, s.render(ob, rec, names)}
}

// peekClaims decodes a token's claims without checking its signature.
func peekClaims(token string, v any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		return fmt.Errorf("not a token")
	}
	return decodeSegment(parts[1], v)
}
