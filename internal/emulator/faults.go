package emulator

import (
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"time"
)

// Fault is one way an answer can go wrong. Fields combine: a Delay is
// served first, then a Reset, a Status or a Truncate.
type Fault struct {
	// Status answers with this status and a small JSON error body instead
	// of running the handler.
	Status int
	// RetryAfter, with Status, sends Retry-After in seconds.
	RetryAfter time.Duration
	// Reset drops the connection without an answer (a TCP reset on a real
	// listener, end of stream in memory).
	Reset bool
	// Truncate runs the handler but sends only the first half of its body,
	// as a complete HTTP answer: the client reads malformed JSON.
	Truncate bool
	// Delay holds the answer this long (a slow upstream); it ends early
	// when the client gives up.
	Delay time.Duration
}

// Common faults.
var (
	TooManyRequests    = Fault{Status: http.StatusTooManyRequests, RetryAfter: time.Second}
	InternalError      = Fault{Status: http.StatusInternalServerError}
	ServiceUnavailable = Fault{Status: http.StatusServiceUnavailable}
	ConnectionReset    = Fault{Reset: true}
	TruncatedBody      = Fault{Truncate: true}
)

// Slow returns a fault that delays the answer by d.
func Slow(d time.Duration) Fault { return Fault{Delay: d} }

func (f Fault) String() string {
	switch {
	case f.Reset:
		return "reset"
	case f.Status != 0:
		return "status " + strconv.Itoa(f.Status)
	case f.Truncate:
		return "truncate"
	case f.Delay > 0:
		return "delay " + f.Delay.String()
	}
	return "none"
}

// rule is a scheduled fault for the requests matching target.
type rule struct {
	target string
	fault  Fault
	left   int // FailNext: requests still to fail
	every  int // FailEvery: fail each k-th
	seen   int
}

func (r *rule) matches(req *http.Request) bool {
	return r.target == "*" || r.target == req.URL.Path || r.target == req.Pattern
}

// FailNext makes the next n requests matching target fail with f. Target is
// a request path ("/rest/api/3/search"), a route pattern as given to Handle
// ("GET /repos/{owner}/{repo}/issues"), or "*" for every route.
func (s *Server) FailNext(target string, n int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &rule{target: target, fault: f, left: n})
}

// FailEvery makes every k-th request matching target fail with f (the
// k-th, the 2k-th ...), until ClearFaults.
func (s *Server) FailEvery(target string, k int, f Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, &rule{target: target, fault: f, every: max(k, 1)})
}

// ClearFaults removes every scheduled fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
}

// faultFor returns the fault due for req, if any, and advances the
// schedule.
func (s *Server) faultFor(req *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, r := range s.faults {
		if !r.matches(req) {
			continue
		}
		if r.every > 0 {
			r.seen++
			if r.seen%r.every == 0 {
				return r.fault, true
			}
			continue
		}
		r.left--
		if r.left <= 0 {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
		}
		return r.fault, true
	}
	return Fault{}, false
}

// serveFault applies f; it returns false when the handler should still run
// (a Delay alone) and reports through truncate whether to cut the body.
func serveFault(w http.ResponseWriter, r *http.Request, f Fault) (done bool) {
	if f.Delay > 0 {
		t := time.NewTimer(f.Delay)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return true
		}
	}
	switch {
	case f.Reset:
		resetConn(w)
		return true
	case f.Status != 0:
		if f.RetryAfter > 0 {
			w.Header().Set("Retry-After", strconv.FormatInt(ceilSeconds(f.RetryAfter), 10))
		}
		WriteJSON(w, f.Status, map[string]string{"message": fmt.Sprintf("emulated fault: %s", http.StatusText(f.Status))})
		return true
	}
	return false
}

// resetConn drops the connection under w without answering.
func resetConn(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err != nil {
		panic(http.ErrAbortHandler) // the server closes the connection
	}
	if tcp, ok := conn.(*net.TCPConn); ok {
		tcp.SetLinger(0) // send RST rather than FIN
	}
	conn.Close()
}

// truncated runs h and sends the first half of its body. A HEAD answer
// has no body to cut, so its headers (its Content-Length above all) go
// out as h wrote them.
func truncated(w http.ResponseWriter, r *http.Request, h http.Handler) {
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	body := rec.Body.Bytes()
	for k, v := range rec.Header() {
		w.Header()[k] = v
	}
	if r.Method == http.MethodHead {
		w.WriteHeader(rec.Code)
		return
	}
	half := body[:len(body)/2]
	w.Header().Set("Content-Length", strconv.Itoa(len(half)))
	w.WriteHeader(rec.Code)
	w.Write(half)
}
