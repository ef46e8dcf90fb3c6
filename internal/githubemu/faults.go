package githubemu

import (
	"net/http"
	"strconv"
)

// Fault is a failure the server injects instead of a good answer.
type Fault int

// The faults the server can inject.
const (
	FaultNone Fault = iota
	// FaultTooMany answers 429 with Retry-After: 1.
	FaultTooMany
	// FaultSecondary answers 403 with a secondary rate limit message and
	// Retry-After: 1.
	FaultSecondary
	// FaultServerError answers 500.
	FaultServerError
	// FaultBadGateway answers 502, as GitHub does when a listing times out.
	FaultBadGateway
	// FaultReset closes the connection without an answer.
	FaultReset
	// FaultTruncate sends 200 and half the body, then closes the connection.
	FaultTruncate
	// FaultMalformed sends 200 with a body that is not JSON.
	FaultMalformed
	// FaultNotFound answers 404, as for an object deleted meanwhile.
	FaultNotFound
)

// faultPlan decides which requests fail: queued faults per route pattern
// first, then every n-th request cycling through a list.
type faultPlan struct {
	queued map[string][]Fault
	every  int
	cycle  []Fault
	count  int
	pos    int
}

func (p *faultPlan) next(pattern string) Fault {
	if q := p.queued[pattern]; len(q) > 0 {
		p.queued[pattern] = q[1:]
		return q[0]
	}
	if q := p.queued[""]; len(q) > 0 {
		p.queued[""] = q[1:]
		return q[0]
	}
	if p.every <= 0 || len(p.cycle) == 0 {
		return FaultNone
	}
	p.count++
	if p.count%p.every != 0 {
		return FaultNone
	}
	f := p.cycle[p.pos%len(p.cycle)]
	p.pos++
	return f
}

// FailNext makes the next requests to the route fail with the faults, in
// order. The route is a pattern such as "GET /repos/{owner}/{repo}/issues";
// "" means any route.
func (s *Server) FailNext(route string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.faults.queued == nil {
		s.faults.queued = map[string][]Fault{}
	}
	s.faults.queued[route] = append(s.faults.queued[route], faults...)
}

// FailEvery makes every n-th request fail, cycling through the faults; n = 0
// switches it off.
func (s *Server) FailEvery(n int, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults.every, s.faults.cycle, s.faults.count, s.faults.pos = n, faults, 0, 0
}

// injectFault writes the fault's answer; it reports false for FaultNone.
func injectFault(w http.ResponseWriter, f Fault, body []byte) bool {
	switch f {
	case FaultTooMany:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusTooManyRequests, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
	case FaultSecondary:
		w.Header().Set("Retry-After", "1")
		writeError(w, http.StatusForbidden, "You have exceeded a secondary rate limit. Please wait a few minutes before you try again.")
	case FaultServerError:
		writeError(w, http.StatusInternalServerError, "Server Error")
	case FaultBadGateway:
		writeError(w, http.StatusBadGateway, "Server Error")
	case FaultNotFound:
		writeError(w, http.StatusNotFound, "Not Found")
	case FaultReset:
		closeConn(w)
	case FaultTruncate:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body[:len(body)/2])
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		closeConn(w)
	case FaultMalformed:
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write([]byte(`{"message": [unterminated`))
	default:
		return false
	}
	return true
}

// closeConn drops the connection under the response.
func closeConn(w http.ResponseWriter) {
	if conn, _, err := http.NewResponseController(w).Hijack(); err == nil {
		_ = conn.Close()
		return
	}
	panic(http.ErrAbortHandler)
}
