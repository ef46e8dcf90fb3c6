package emulator

import (
	"sync"
	"time"
)

// Clock tells the emulator the time: rate-limit windows, Retry-After dates
// and the timestamps of the request log come from it.
type Clock interface {
	Now() time.Time
}

// SystemClock reads time.Now. Inside a testing/synctest bubble that is the
// bubble's fake clock, so an emulator created in the bubble follows it.
type SystemClock struct{}

// Now returns time.Now().
func (SystemClock) Now() time.Time { return time.Now() }

// ManualClock is a Clock that moves only when told, for tests outside
// synctest that need to cross a rate-limit window without waiting. Its zero
// value starts at 2024-01-01T00:00:00Z. It is safe for concurrent use.
type ManualClock struct {
	mu  sync.Mutex
	now time.Time
}

// NewManualClock returns a ManualClock set to t.
func NewManualClock(t time.Time) *ManualClock { return &ManualClock{now: t} }

// Now returns the clock's time.
func (c *ManualClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.now.IsZero() {
		c.now = time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	}
	return c.now
}

// Advance moves the clock forward by d.
func (c *ManualClock) Advance(d time.Duration) {
	now := c.Now()
	c.mu.Lock()
	c.now = now.Add(d)
	c.mu.Unlock()
}

// Set moves the clock to t.
func (c *ManualClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}
