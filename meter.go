package tributary

import (
	"context"
	"time"
)

// Meter receives measurements from inside a connector while it runs: the
// HTTP stack reports each request and each wait imposed by a rate limit, so
// that a host can tell a starved run from a stalled one. Implementations
// must be safe for concurrent use.
type Meter interface {
	// Request records one request sent to the source.
	Request()
	// RateLimitWait records time spent waiting for a rate limit (the
	// client's own limiter or the server's Retry-After).
	RateLimitWait(d time.Duration)
}

type meterKey struct{}

// WithMeter returns a context that carries m to the connector code (and HTTP
// stack) running under it. The runner installs one per run.
func WithMeter(ctx context.Context, m Meter) context.Context {
	return context.WithValue(ctx, meterKey{}, m)
}

// MeterFrom returns the Meter carried by ctx, or one that discards.
func MeterFrom(ctx context.Context) Meter {
	if m, ok := ctx.Value(meterKey{}).(Meter); ok && m != nil {
		return m
	}
	return nopMeter{}
}

type nopMeter struct{}

func (nopMeter) Request()                    {}
func (nopMeter) RateLimitWait(time.Duration) {}
