// Package linearemu emulates Linear's GraphQL API (POST /graphql) for
// tests and examples: API keys sent bare in Authorization and OAuth
// tokens sent as Bearer, Relay-style connections (first, after, nodes,
// pageInfo) sorted newest first by createdAt or updatedAt with updatedAt
// filters, private teams visible only to their members, and Linear's two
// leaky-bucket rate limits, on requests and on query complexity, answered
// with a RATELIMITED GraphQL error (HTTP 400 by default, or 200) and the
// X-RateLimit-Requests-*, X-RateLimit-Complexity-* and X-Complexity
// headers.
//
// Queries are parsed and validated with gqlparser against the part of
// Linear's schema the emulator serves (schema.go); a query naming a field
// outside it fails validation with a GraphQL error, as it would against a
// real schema that lacks it. The kit's faults (FailNext, FailEvery) apply
// to "POST /graphql" or "*"; FailOperation injects GraphQL errors by
// operation name.
package linearemu

import (
	"encoding/json"
	"io"
	"math"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/gqlerror"
	"github.com/vektah/gqlparser/v2/validator"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// Path is the GraphQL endpoint's path.
const Path = "/graphql"

// Route is the endpoint's pattern, for the kit's fault schedule.
const Route = "POST /graphql"

var schema = gqlparser.MustLoadSchema(&ast.Source{Name: "linear.graphql", Input: schemaSDL})

// Options tune a Server.
type Options struct {
	// RequestLimit is the number of requests one token may send per hour;
	// zero means 5,000. ComplexityLimit is its complexity points per hour;
	// zero means 250,000. Both refill continuously (a leaky bucket).
	RequestLimit    int
	ComplexityLimit int
	// MaxComplexity refuses a single query costing more; zero means
	// 10,000.
	MaxComplexity int
	// RateLimitStatus is the HTTP status of a RATELIMITED answer: 400 (the
	// default) or 200.
	RateLimitStatus int
	// Latency delays every answer.
	Latency time.Duration
	// Clock tells the time; nil follows time.Now.
	Clock emulator.Clock
}

// Token is what a credential stands for.
type Token struct {
	User *User
	// OAuth says the token is an OAuth access token, sent as Bearer; an
	// API key is sent bare.
	OAuth bool
	// Scopes are an OAuth token's scopes; reading needs "read". API keys
	// read whatever their user may.
	Scopes []string
}

// Server serves Data over Linear's GraphQL API on the emulator kit. It is
// safe for concurrent use; tests change the data through Update.
type Server struct {
	*emulator.Server
	opts Options

	mu      sync.Mutex
	data    *Data
	tokens  map[string]*Token
	buckets map[string]*bucket
	ops     []*opFault
	limited int
	trust   func(token string) bool
	trusted *Token
	// parsed caches validated queries by their text: clients send the
	// same few again and again.
	parsed map[string]*ast.QueryDocument
}

// parse parses and validates a query, once per distinct text.
func (s *Server) parse(q string) (*ast.QueryDocument, gqlerror.List) {
	s.mu.Lock()
	doc := s.parsed[q]
	s.mu.Unlock()
	if doc != nil {
		return doc, nil
	}
	doc, errs := gqlparser.LoadQueryWithRules(schema, q, nil)
	if len(errs) > 0 {
		return nil, errs
	}
	s.mu.Lock()
	if len(s.parsed) >= 256 {
		clear(s.parsed)
	}
	s.parsed[q] = doc
	s.mu.Unlock()
	return doc, nil
}

// RateLimited returns how many RATELIMITED answers the server has sent,
// injected ones included.
func (s *Server) RateLimited() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.limited
}

func (s *Server) countLimited() {
	s.mu.Lock()
	s.limited++
	s.mu.Unlock()
}

type bucket struct {
	requests, points float64
	last             time.Time
}

type opFault struct {
	op     string
	left   int // FailOperation: requests still to fail; < 0 for all
	every  int // FailOperationEvery: fail each k-th
	seen   int
	code   string
	status int
}

// New serves data.
func New(data *Data, o Options) *Server {
	if o.RequestLimit == 0 {
		o.RequestLimit = 5000
	}
	if o.ComplexityLimit == 0 {
		o.ComplexityLimit = 250_000
	}
	if o.MaxComplexity == 0 {
		o.MaxComplexity = 10_000
	}
	if o.RateLimitStatus == 0 {
		o.RateLimitStatus = http.StatusBadRequest
	}
	s := &Server{opts: o, data: data, tokens: map[string]*Token{}, buckets: map[string]*bucket{}, parsed: map[string]*ast.QueryDocument{}}
	s.Server = emulator.New(emulator.Options{Clock: o.Clock, Latency: o.Latency})
	s.Handle(Route, s.graphql)
	return s
}

// AddAPIKey lets key in as user.
func (s *Server) AddAPIKey(key string, user *User) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens[key] = &Token{User: user}
}

// AddOAuthToken lets an OAuth access token in as user with scopes.
func (s *Server) AddOAuthToken(token string, user *User, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokens["Bearer "+token] = &Token{User: user, OAuth: true, Scopes: scopes}
}

// TrustOAuth lets in as user, with scopes, every Bearer token valid says
// is good: the access tokens an authorization server (package oauthemu)
// issues and refreshes.
func (s *Server) TrustOAuth(valid func(token string) bool, user *User, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.trust = valid
	s.trusted = &Token{User: user, OAuth: true, Scopes: scopes}
}

// Update changes the data under the server's lock.
func (s *Server) Update(change func(*Data)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change(s.data)
}

// FailOperation answers the next n requests for the named operation (or
// every operation, "*") with a GraphQL error of code, under HTTP status
// (200 or 400 as Linear sends them). With n < 0 it answers every one
// until ClearOperationFaults.
func (s *Server) FailOperation(op string, n int, code string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops = append(s.ops, &opFault{op: op, left: n, code: code, status: status})
}

// FailOperationEvery answers every k-th request for the named operation
// (or "*") with a GraphQL error of code under HTTP status, until
// ClearOperationFaults. A RATELIMITED answer says, in its headers, that no
// request remains until a reset two seconds away, as Linear's do.
func (s *Server) FailOperationEvery(op string, k int, code string, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops = append(s.ops, &opFault{op: op, every: max(k, 1), code: code, status: status})
}

// ClearOperationFaults removes every fault FailOperation scheduled.
func (s *Server) ClearOperationFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.ops = nil
}

func (s *Server) opFault(op string) *opFault {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.ops {
		if f.op == "*" || f.op == op {
			if f.every > 0 {
				f.seen++
				if f.seen%f.every == 0 {
					return f
				}
				continue
			}
			if f.left < 0 {
				return f
			}
			f.left--
			if f.left <= 0 {
				s.ops = append(s.ops[:i:i], s.ops[i+1:]...)
			}
			return f
		}
	}
	return nil
}

type request struct {
	Query         string         `json:"query"`
	Variables     map[string]any `json:"variables"`
	OperationName string         `json:"operationName"`
}

func answer(w http.ResponseWriter, status int, data any, errs ...*gqlError) {
	body := map[string]any{}
	if data != nil {
		body["data"] = data
	}
	if len(errs) > 0 {
		body["errors"] = errs
	}
	emulator.WriteJSON(w, status, body)
}

func (s *Server) graphql(w http.ResponseWriter, r *http.Request) {
	key := strings.TrimSpace(r.Header.Get("Authorization"))
	s.mu.Lock()
	tok := s.tokens[key]
	trust, trusted := s.trust, s.trusted
	s.mu.Unlock()
	if bearer, ok := strings.CutPrefix(key, "Bearer "); tok == nil && ok && trust != nil && trust(bearer) {
		tok = trusted
	}
	if tok == nil {
		// Linear answers a missing or unknown key with 400 and an
		// authentication error, not 401.
		answer(w, http.StatusBadRequest, nil, newError(CodeAuthentication, "Authentication required, not authenticated"))
		return
	}
	if !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		answer(w, http.StatusBadRequest, nil, newError(CodeParse, "POST body must be JSON (Content-Type: application/json)"))
		return
	}
	var req request
	dec := json.NewDecoder(io.LimitReader(r.Body, 1<<20))
	dec.UseNumber()
	if err := dec.Decode(&req); err != nil || req.Query == "" {
		answer(w, http.StatusBadRequest, nil, newError(CodeParse, "body must be a JSON object with a query"))
		return
	}
	doc, errs := s.parse(req.Query)
	if len(errs) > 0 {
		out := make([]*gqlError, len(errs))
		for i, e := range errs {
			out[i] = newError(CodeValidation, e.Message)
		}
		answer(w, http.StatusBadRequest, nil, out...)
		return
	}
	op := doc.Operations.ForName(req.OperationName)
	if op == nil || op.Operation != ast.Query {
		answer(w, http.StatusBadRequest, nil, newError(CodeValidation, "exactly one query operation must be named"))
		return
	}
	vars, err := validator.VariableValues(schema, op, req.Variables)
	if err != nil {
		answer(w, http.StatusBadRequest, nil, newError(CodeValidation, err.Error()))
		return
	}
	if tok.OAuth && !contains(tok.Scopes, "read") {
		answer(w, http.StatusBadRequest, nil, newError(CodeForbidden, "Invalid scope: `read` required"))
		return
	}
	cost := int(math.Ceil(complexity(op.SelectionSet, vars)))
	if cost > s.opts.MaxComplexity {
		answer(w, http.StatusBadRequest, nil, newError(CodeInvalidInput,
			"Query too complex: complexity "+strconv.Itoa(cost)+" exceeds the limit of "+strconv.Itoa(s.opts.MaxComplexity)))
		return
	}
	if !s.spend(w.Header(), key, cost) {
		e := newError(CodeRateLimited, "Rate limit exceeded")
		e.Extensions["userPresentableMessage"] = "You have exceeded the rate limit. Please try again later."
		s.countLimited()
		answer(w, s.opts.RateLimitStatus, nil, e)
		return
	}
	if f := s.opFault(op.Name); f != nil {
		if f.code == CodeRateLimited {
			s.countLimited()
			reset := s.Now().Add(2 * time.Second)
			w.Header().Set("X-RateLimit-Requests-Remaining", "0")
			w.Header().Set("X-RateLimit-Requests-Reset", strconv.FormatInt(reset.UnixMilli(), 10))
		}
		answer(w, f.status, nil, newError(f.code, "emulated error: "+f.code))
		return
	}
	s.mu.Lock()
	ex := &executor{d: s.data, viewer: tok.User, vars: vars}
	data, err := ex.object(op.SelectionSet, queryRoot{}, nil)
	s.mu.Unlock()
	if err != nil {
		fe, ok := err.(fieldError)
		if !ok {
			fe = fieldError{newError(CodeInternal, err.Error())}
		}
		// Linear answers errors inside a query with 200 and data null for
		// the failed root field.
		answer(w, http.StatusOK, map[string]any{}, fe.e)
		return
	}
	answer(w, http.StatusOK, data)
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// spend takes one request and cost points from the token's buckets and
// writes the rate-limit headers; it reports false, spending nothing, when
// either bucket lacks them.
func (s *Server) spend(h http.Header, key string, cost int) bool {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	rl, cl := float64(s.opts.RequestLimit), float64(s.opts.ComplexityLimit)
	b := s.buckets[key]
	if b == nil {
		b = &bucket{requests: rl, points: cl, last: now}
		s.buckets[key] = b
	}
	el := now.Sub(b.last).Hours()
	if el > 0 {
		b.requests = math.Min(rl, b.requests+el*rl)
		b.points = math.Min(cl, b.points+el*cl)
		b.last = now
	}
	ok := b.requests >= 1 && b.points >= float64(cost)
	if ok {
		b.requests--
		b.points -= float64(cost)
	}
	// Reset: when the bucket holds enough again (when refused) or is full.
	until := func(have, need, limit float64) time.Time {
		if !ok {
			if have >= need {
				return now
			}
			return now.Add(time.Duration((need - have) / limit * float64(time.Hour)))
		}
		return now.Add(time.Duration((limit - have) / limit * float64(time.Hour)))
	}
	ms := func(t time.Time) string { return strconv.FormatInt(int64(math.Ceil(float64(t.UnixNano())/1e6)), 10) }
	h.Set("X-RateLimit-Requests-Limit", strconv.Itoa(s.opts.RequestLimit))
	h.Set("X-RateLimit-Requests-Remaining", strconv.Itoa(int(b.requests)))
	h.Set("X-RateLimit-Requests-Reset", ms(until(b.requests, 1, rl)))
	h.Set("X-RateLimit-Complexity-Limit", strconv.Itoa(s.opts.ComplexityLimit))
	h.Set("X-RateLimit-Complexity-Remaining", strconv.Itoa(int(b.points)))
	h.Set("X-RateLimit-Complexity-Reset", ms(until(b.points, float64(cost), cl)))
	h.Set("X-Complexity", strconv.Itoa(cost))
	return ok
}
