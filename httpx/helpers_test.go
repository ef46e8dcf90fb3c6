package httpx_test

import (
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"time"

	"github.com/tributary-dev/tributary"
)

// handlerTransport serves requests from a handler in the calling goroutine,
// so tests can run under testing/synctest with no network.
type handlerTransport struct{ h http.Handler }

func (t handlerTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if err := req.Context().Err(); err != nil {
		return nil, err
	}
	rec := httptest.NewRecorder()
	t.h.ServeHTTP(rec, req)
	resp := rec.Result()
	resp.Request = req
	return resp, nil
}

// fnTransport is a RoundTripper made of a function.
type fnTransport func(*http.Request) (*http.Response, error)

func (f fnTransport) RoundTrip(req *http.Request) (*http.Response, error) { return f(req) }

func envFor(rt http.RoundTripper) tributary.Env {
	return tributary.Env{HTTPClient: &http.Client{Transport: rt}}
}

// countingMeter records what the stack reports.
type countingMeter struct {
	requests atomic.Int64
	mu       sync.Mutex
	waits    []time.Duration
}

func (m *countingMeter) Request() { m.requests.Add(1) }
func (m *countingMeter) RateLimitWait(d time.Duration) {
	m.mu.Lock()
	m.waits = append(m.waits, d)
	m.mu.Unlock()
}

func (m *countingMeter) totalWait() time.Duration {
	m.mu.Lock()
	defer m.mu.Unlock()
	var t time.Duration
	for _, w := range m.waits {
		t += w
	}
	return t
}
