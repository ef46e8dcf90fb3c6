package connectortest

import (
	"context"
	"maps"
	"slices"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
)

// Skips is a run's Meter that records what the connector reports it passed
// over on purpose (tributary.ReportSkip), for a connector's own tests of
// what it leaves out and why. The zero value is ready to use; it is safe
// for concurrent use.
type Skips struct {
	mu  sync.Mutex
	why map[string]string
}

var _ tributary.Skipper = (*Skips)(nil)

// In returns ctx carrying s as the run's Meter.
func (s *Skips) In(ctx context.Context) context.Context { return tributary.WithMeter(ctx, s) }

// Request does nothing: Skips counts skips only.
func (s *Skips) Request() {}

// RateLimitWait does nothing.
func (s *Skips) RateLimitWait(time.Duration) {}

// Skip records that id was passed over for reason.
func (s *Skips) Skip(id, reason string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.why == nil {
		s.why = map[string]string{}
	}
	s.why[id] = reason
}

// Reasons returns each id passed over so far with its reason.
func (s *Skips) Reasons() map[string]string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.why)
}

// IDs returns the ids passed over so far, sorted.
func (s *Skips) IDs() []string {
	return slices.Sorted(maps.Keys(s.Reasons()))
}
