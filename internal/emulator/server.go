package emulator

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server. Every field may be left zero.
type Options struct {
	// Auth checks every route not marked Public; nil means Anonymous.
	Auth Auth
	// RateLimit, when set, limits every route not marked Public, per
	// principal.
	RateLimit *RateLimit
	// Clock tells the time; nil means SystemClock.
	Clock Clock
	// Unauthorized answers a request that Auth refuses; nil answers 401
	// with {"message":"Bad credentials"}.
	Unauthorized http.HandlerFunc
	// Latency delays every answer a route's handler gives (not faults,
	// refusals or rate limiting), to measure throughput realistically.
	Latency time.Duration
}

// Server is an emulated upstream service: routes registered with Handle,
// behind authentication, a rate limit and a fault schedule, with a log of
// every request. Serve it over a real listener with Start, or in memory
// (for testing/synctest) with Transport. It is safe for concurrent use.
type Server struct {
	opts  Options
	clock Clock
	mux   *http.ServeMux
	lim   *limiter

	latency atomic.Int64 // a time.Duration

	mu     sync.Mutex
	faults []*rule
	log    []*Request
	// logLimit, when positive, bounds the log (LimitLog).
	logLimit int
	real     *httptest.Server
	mem      *memServer
}

// Request is one entry of the request log.
type Request struct {
	At      time.Time
	Method  string
	Path    string
	Query   string
	Pattern string // the route that served it, empty when none matched
	// Principal is who Auth said sent it, empty when refused.
	Principal string
	Status    int    // the answer's status; 0 for a reset connection
	Fault     string // the injected fault, empty when none
	Header    http.Header
	// Body is the request body (its first MaxLoggedBody bytes); the
	// handler still reads it whole.
	Body []byte
}

// MaxLoggedBody bounds the request body kept in the log.
const MaxLoggedBody = 64 << 10

// New returns a Server with no routes.
func New(o Options) *Server {
	s := &Server{opts: o, clock: o.Clock, mux: http.NewServeMux()}
	if s.clock == nil {
		s.clock = SystemClock{}
	}
	if s.opts.Auth == nil {
		s.opts.Auth = Anonymous
	}
	if o.RateLimit != nil {
		s.lim = newLimiter(*o.RateLimit)
	}
	s.latency.Store(int64(o.Latency))
	return s
}

// SetLatency changes Options.Latency for the requests that arrive next.
func (s *Server) SetLatency(d time.Duration) { s.latency.Store(int64(d)) }

// delay waits out the latency, reporting false when the request ended
// first.
func (s *Server) delay(r *http.Request) bool {
	d := time.Duration(s.latency.Load())
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-r.Context().Done():
		return false
	}
}

// Now returns the emulator's time; handlers use it for timestamps.
func (s *Server) Now() time.Time { return s.clock.Now() }

// RouteOption changes how one route is guarded.
type RouteOption func(*route)

type route struct {
	auth    Auth
	limited bool
}

// Public serves the route without authentication or rate limit.
func Public() RouteOption {
	return func(r *route) { r.auth, r.limited = Anonymous, false }
}

// WithAuth checks the route with a instead of the server's Auth.
func WithAuth(a Auth) RouteOption { return func(r *route) { r.auth = a } }

// Handle registers h for pattern, a net/http ServeMux pattern such as
// "GET /repos/{owner}/{repo}/issues" (read path values with r.PathValue).
// Before h runs, the request passes the fault schedule, authentication and
// the rate limit.
func (s *Server) Handle(pattern string, h http.HandlerFunc, opts ...RouteOption) {
	rt := &route{auth: s.opts.Auth, limited: true}
	for _, o := range opts {
		o(rt)
	}
	s.mux.Handle(pattern, s.guard(rt, h))
}

type entryKey struct{}

// Principal returns who sent r, as named by the route's Auth.
func Principal(r *http.Request) string {
	if e, ok := r.Context().Value(entryKey{}).(*Request); ok {
		return e.Principal
	}
	return ""
}

// guard wraps a handler with faults, auth, the rate limit and latency.
func (s *Server) guard(rt *route, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e, _ := r.Context().Value(entryKey{}).(*Request)
		if e == nil {
			e = &Request{}
		}
		s.record(func() { e.Pattern = r.Pattern })
		f, faulty := s.faultFor(r)
		if faulty {
			s.record(func() { e.Fault = f.String() })
			if serveFault(w, r, f) {
				return
			}
		}
		p, ok := rt.auth(r)
		if !ok {
			s.unauthorized(w, r)
			return
		}
		s.record(func() { e.Principal = p })
		if rt.limited && s.lim != nil {
			now := s.clock.Now()
			allowed, remaining, reset := s.lim.take(p, now)
			if !allowed {
				s.lim.refuse(w, reset, now)
				return
			}
			s.lim.headers(w.Header(), remaining, reset, now)
		}
		if !s.delay(r) {
			return
		}
		if faulty && f.Truncate {
			truncated(w, r, h)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// record changes a log entry under the lock, as Requests may read it at
// any time.
func (s *Server) record(change func()) {
	s.mu.Lock()
	defer s.mu.Unlock()
	change()
}

func (s *Server) unauthorized(w http.ResponseWriter, r *http.Request) {
	if s.opts.Unauthorized != nil {
		s.opts.Unauthorized(w, r)
		return
	}
	WriteJSON(w, http.StatusUnauthorized, map[string]string{"message": "Bad credentials"})
}

// ServeHTTP serves r and records it in the log. A request no route
// matches is answered 404 with {"message":"Not Found"}.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	e := &Request{At: s.clock.Now(), Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone()}
	if r.Body != nil && r.Body != http.NoBody {
		e.Body, _ = io.ReadAll(io.LimitReader(r.Body, MaxLoggedBody))
		r.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(e.Body), r.Body), r.Body}
	}
	sw := &statusWriter{ResponseWriter: w}
	s.mu.Lock()
	if s.logLimit > 0 && len(s.log) >= 2*s.logLimit {
		n := copy(s.log, s.log[len(s.log)-s.logLimit:])
		clear(s.log[n:])
		s.log = s.log[:n]
	}
	s.log = append(s.log, e) // logged on arrival, so requests in flight count
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		e.Status = sw.status
		if e.Fault == "reset" {
			e.Status = 0
		}
	}()
	if _, pattern := s.mux.Handler(r); pattern == "" {
		Error(sw, http.StatusNotFound, "Not Found") // as JSON, like real APIs
		return
	}
	s.mux.ServeHTTP(sw, r.WithContext(context.WithValue(r.Context(), entryKey{}, e)))
}

// Requests returns a copy of the request log, in order of arrival. A
// request still being answered has Status 0.
func (s *Server) Requests() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Request, len(s.log))
	for i, e := range s.log {
		out[i] = *e
	}
	return out
}

// Count returns how many logged requests match target: a path, a route
// pattern, or "*" for all.
func (s *Server) Count(target string) int {
	n := 0
	for _, r := range s.Requests() {
		if target == "*" || r.Path == target || r.Pattern == target {
			n++
		}
	}
	return n
}

// CountStatus returns how many logged requests were answered with status.
func (s *Server) CountStatus(status int) int {
	n := 0
	for _, r := range s.Requests() {
		if r.Status == status {
			n++
		}
	}
	return n
}

// Faults returns how many logged requests the fault schedule answered.
func (s *Server) Faults() int {
	n := 0
	for _, r := range s.Requests() {
		if r.Fault != "" {
			n++
		}
	}
	return n
}

// LimitLog keeps only about the last n requests in the log (at least n,
// fewer than 2n), so that a run of many requests, measured for its memory,
// does not measure the log. Zero, the default, keeps every request.
func (s *Server) LimitLog(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.logLimit = max(n, 0)
}

// ResetLog empties the request log.
func (s *Server) ResetLog() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.log = nil
}

// BaseURL returns the scheme and host the client addressed r to, such as
// "https://api.github.com", for absolute links in answers. Requests that
// Transport carried for an https URL count as https.
func BaseURL(r *http.Request) string { u := requestURL(r); return u.Scheme + "://" + u.Host }

// WriteJSON answers with status and v encoded as JSON.
func WriteJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, `{"message":"emulator: cannot encode answer"}`, http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.WriteHeader(status)
	w.Write(b)
}

// Error answers with status and {"message": message}.
func Error(w http.ResponseWriter, status int, message string) {
	WriteJSON(w, status, map[string]string{"message": message})
}

// statusWriter remembers the status written through it.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
