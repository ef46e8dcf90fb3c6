package slackemu

import (
	"math/rand/v2"
	"net/http"
	"strconv"
)

// FaultKind says what a Fault does to a request.
type FaultKind int

// The kinds of fault.
const (
	// FaultStatus answers with an HTTP status (500, 502, 503) and a short
	// non-JSON body, as a proxy in front of Slack would.
	FaultStatus FaultKind = iota
	// FaultRateLimit answers HTTP 429 with Retry-After and Slack's
	// ratelimited body.
	FaultRateLimit
	// FaultReset drops the connection before answering.
	FaultReset
	// FaultTruncate sends the headers with the full Content-Length and only
	// half of the body, then drops the connection.
	FaultTruncate
	// FaultSlackError answers HTTP 200 with {"ok":false,"error":Code}.
	FaultSlackError
)

// Fault is one injected failure.
type Fault struct {
	Kind FaultKind
	// Status is the HTTP status of a FaultStatus (500 when zero).
	Status int
	// RetryAfter is the Retry-After seconds of a FaultRateLimit.
	RetryAfter int
	// Code is the Slack error code of a FaultSlackError.
	Code string
}

// Fail queues faults for a method ("*" for any method): each of the next
// requests to it gets the next fault, in order.
func (s *Server) Fail(method string, faults ...Fault) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[method] = append(s.faults[method], faults...)
}

// FailRandomly makes a share (0 to 1) of all requests fail with one of the
// given faults, picked by a generator seeded with seed; nil faults means
// every kind: 429, 500, 503, resets and truncated bodies.
func (s *Server) FailRandomly(rate float64, seed uint64, faults ...Fault) {
	if len(faults) == 0 {
		faults = []Fault{
			{Kind: FaultRateLimit, RetryAfter: 1},
			{Kind: FaultStatus, Status: 500},
			{Kind: FaultStatus, Status: 503},
			{Kind: FaultReset},
			{Kind: FaultTruncate},
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.randFaults = &randomFaults{rate: rate, rng: rand.New(rand.NewPCG(seed, seed^0x5eed)), faults: faults}
	if rate <= 0 {
		s.randFaults = nil
	}
}

func (s *Server) nextFault(method string) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range []string{method, "*"} {
		if q := s.faults[key]; len(q) > 0 {
			s.faults[key] = q[1:]
			return q[0], true
		}
	}
	if rf := s.randFaults; rf != nil && rf.rng.Float64() < rf.rate {
		return rf.faults[rf.rng.IntN(len(rf.faults))], true
	}
	return Fault{}, false
}

// apply writes the fault and returns the status and label for the log.
func (f Fault) apply(w http.ResponseWriter) (int, string) {
	switch f.Kind {
	case FaultRateLimit:
		w.Header().Set("Retry-After", strconv.Itoa(max(f.RetryAfter, 0)))
		writeJSON(w, http.StatusTooManyRequests, errorBody("ratelimited"))
		return http.StatusTooManyRequests, "ratelimited"
	case FaultReset:
		panic(http.ErrAbortHandler)
	case FaultTruncate:
		body := []byte(`{"ok":true,"messages":[{"type":"message","ts":"1700000000.000100","text":"cut`)
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		w.Header().Set("Content-Length", strconv.Itoa(2*len(body)))
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(body)
		if fl, ok := w.(http.Flusher); ok {
			fl.Flush()
		}
		panic(http.ErrAbortHandler)
	case FaultSlackError:
		writeJSON(w, http.StatusOK, errorBody(f.Code))
		return http.StatusOK, f.Code
	}
	status := f.Status
	if status == 0 {
		status = http.StatusInternalServerError
	}
	w.Header().Set("Content-Type", "text/html")
	w.WriteHeader(status)
	_, _ = w.Write([]byte("<html><body>upstream error</body></html>"))
	return status, "status " + strconv.Itoa(status)
}
