package web

import (
	"context"
	"time"
)

// slots bound a run's pages being fetched or parsed to Concurrency. A page
// takes a slot before it waits for the politeness limiter and gives it
// back once it is parsed; while one of its requests waits between two
// attempts it lends the slot to other pages (see pause), so that a page
// waiting on a retry does not keep its share of the site from the rest of
// the crawl. A nil slots bounds nothing.
type slots chan struct{}

// holdKey is the context key of a request's *hold.
type holdKey struct{}

// hold is one request's claim on a slot.
type hold struct {
	s    slots
	held bool
}

// take waits for a slot and returns the claim, with a context that carries
// it to pause. The claim of a nil slots holds nothing.
func (s slots) take(ctx context.Context) (*hold, context.Context, error) {
	h := &hold{s: s}
	if s == nil {
		return h, ctx, nil
	}
	if err := h.acquire(ctx); err != nil {
		return nil, ctx, err
	}
	return h, context.WithValue(ctx, holdKey{}, h), nil
}

func (h *hold) acquire(ctx context.Context) error {
	select {
	case h.s <- struct{}{}:
		h.held = true
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// release gives the slot back, if the claim holds it.
func (h *hold) release() {
	if h.held {
		h.held = false
		<-h.s
	}
}

// pause is the HTTP stack's wait between two attempts of one request (a
// 429's Retry-After, a 5xx backoff). The request gives its slot up for the
// wait and takes one again before the next attempt; that wait counts
// against its timeout, which covers the retries. Only the request's own
// goroutine touches its hold: the stack pauses in the goroutine that sent
// the request.
func pause(ctx context.Context, d time.Duration) {
	h, _ := ctx.Value(holdKey{}).(*hold)
	if h != nil {
		h.release()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-ctx.Done():
		return
	}
	if h != nil && h.s != nil {
		_ = h.acquire(ctx) // fails only when ctx ends, and the attempt with it
	}
}
