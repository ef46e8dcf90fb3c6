package httpx

import (
	"context"
	"net/http"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-dev/tributary"
)

// RateLimit sets the client's own pace. The stack also slows down on its own
// when the server's rate-limit headers say few requests remain, whatever
// these settings.
type RateLimit struct {
	// PerSecond is the sustained request rate; zero means no client-side
	// limit.
	PerSecond float64
	// Burst is how many requests may go at once after a pause; zero means 1.
	Burst int
	// PerHost keeps one limiter per host (for crawlers) instead of one for
	// the whole client, which is one credential.
	PerHost bool
	// Limiter, when set, is used instead of PerSecond and Burst, so several
	// clients sharing one credential can share one budget.
	Limiter *rate.Limiter
}

// lowWater is the share of the server's limit under which the stack spreads
// the remaining requests evenly until the reset.
const lowWater = 0.1

// limitTransport waits for the client's limiter and the server's pacing
// before each attempt and learns the server's budget from each response.
type limitTransport struct {
	next http.RoundTripper
	cfg  RateLimit

	mu    sync.Mutex
	gates map[string]*gate
}

func newLimitTransport(next http.RoundTripper, cfg RateLimit) *limitTransport {
	return &limitTransport{next: next, cfg: cfg, gates: map[string]*gate{}}
}

func (t *limitTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	g := t.gate(req)
	if err := g.wait(req.Context()); err != nil {
		closeBody(req)
		return nil, err
	}
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		g.observe(resp.Header, time.Now())
	}
	return resp, err
}

func (t *limitTransport) gate(req *http.Request) *gate {
	key := ""
	if t.cfg.PerHost {
		key = req.URL.Host
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	g := t.gates[key]
	if g == nil {
		g = &gate{lim: t.cfg.Limiter}
		if g.lim == nil && t.cfg.PerSecond > 0 {
			g.lim = rate.NewLimiter(rate.Limit(t.cfg.PerSecond), max(t.cfg.Burst, 1))
		}
		t.gates[key] = g
	}
	return g
}

// gate is one budget: the client's limiter and the server's pacing.
type gate struct {
	lim *rate.Limiter

	mu       sync.Mutex
	next     time.Time     // earliest start of the next request (server pacing)
	interval time.Duration // spacing while the server's budget is low
}

// wait blocks until a request may go, reporting the wait to the Meter.
func (g *gate) wait(ctx context.Context) error {
	if g.lim != nil {
		r := g.lim.Reserve()
		if err := sleep(ctx, r.Delay()); err != nil {
			r.Cancel()
			return err
		}
	}
	g.mu.Lock()
	now := time.Now()
	start := now
	if g.next.After(now) {
		start = g.next
	}
	if g.interval > 0 {
		g.next = start.Add(g.interval)
	}
	g.mu.Unlock()
	return sleep(ctx, start.Sub(now))
}

// observe adjusts the pacing from the server's rate-limit headers: when no
// requests remain it holds until the reset; when few remain it spreads them
// evenly over the time left.
func (g *gate) observe(h http.Header, now time.Time) {
	rem, ok := remaining(h)
	if !ok {
		return
	}
	reset, ok := resetIn(h, now)
	if !ok {
		return
	}
	low := int64(10)
	if lim, ok := limitOf(h); ok && lim > 0 {
		low = max(int64(float64(lim)*lowWater), 1)
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	switch {
	case rem <= 0:
		g.interval = 0
		if until := now.Add(reset); until.After(g.next) {
			g.next = until
		}
	case rem < low:
		// Spread the remaining requests over the time left. Reset times
		// come in whole seconds, so this errs on the slow side, which
		// keeps concurrent callers from overshooting into a 429.
		g.interval = reset / time.Duration(rem+1)
	default:
		g.interval = 0
	}
}

// sleep waits d, reporting it to the Meter as a rate-limit wait, or returns
// early with ctx's error.
func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	tributary.MeterFrom(ctx).RateLimitWait(d)
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
