package web

import (
	"context"
	"slices"
	"sync"
	"time"
)

// slots bound a run's pages being fetched or parsed to Concurrency. A page
// takes a slot before it waits for the politeness limiter and gives it
// back once it is parsed; while one of its requests waits between two
// attempts it lends the slot to other pages (see pause), so that a page
// waiting on a retry does not keep its share of the site from the rest of
// the crawl. A freed slot goes to the waiting page found first, so pages
// are requested in the order the crawl commits them, and the oldest page
// is never kept waiting behind later ones. A nil *slots bounds nothing.
type slots struct {
	mu      sync.Mutex
	free    int
	waiting []*waiter // by seq
}

// waiter is a page waiting for a slot.
type waiter struct {
	seq   int
	ready chan struct{} // closed when the slot is handed over
}

func newSlots(n int) *slots { return &slots{free: n} }

// acquire waits until the page of sequence number seq holds a slot, or
// ctx ends.
func (s *slots) acquire(ctx context.Context, seq int) error {
	s.mu.Lock()
	if s.free > 0 {
		s.free--
		s.mu.Unlock()
		return nil
	}
	w := &waiter{seq: seq, ready: make(chan struct{})}
	i, _ := slices.BinarySearchFunc(s.waiting, seq, func(w *waiter, seq int) int { return w.seq - seq })
	s.waiting = slices.Insert(s.waiting, i, w)
	s.mu.Unlock()
	select {
	case <-w.ready:
		return nil
	case <-ctx.Done():
	}
	s.mu.Lock()
	if i := slices.Index(s.waiting, w); i >= 0 {
		s.waiting = slices.Delete(s.waiting, i, i+1)
		s.mu.Unlock()
		return ctx.Err()
	}
	s.mu.Unlock()
	s.release() // handed over as ctx ended: pass it on
	return ctx.Err()
}

// release hands a slot to the first page waiting, or frees it.
func (s *slots) release() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.waiting) == 0 {
		s.free++
		return
	}
	w := s.waiting[0]
	s.waiting = slices.Delete(s.waiting, 0, 1)
	close(w.ready)
}

// holdKey is the context key of a request's *hold.
type holdKey struct{}

// hold is one page's claim on a slot. Only the page's worker touches it:
// the HTTP stack pauses in the goroutine that sent the request.
type hold struct {
	s    *slots
	seq  int
	held bool
}

// take waits for a slot for the page of sequence number seq and returns
// the claim, with a context that carries it to pause. The claim of a nil
// *slots holds nothing.
func (s *slots) take(ctx context.Context, seq int) (*hold, context.Context, error) {
	h := &hold{s: s, seq: seq}
	if s == nil {
		return h, ctx, nil
	}
	if err := h.acquire(ctx); err != nil {
		return nil, ctx, err
	}
	return h, context.WithValue(ctx, holdKey{}, h), nil
}

func (h *hold) acquire(ctx context.Context) error {
	if err := h.s.acquire(ctx, h.seq); err != nil {
		return err
	}
	h.held = true
	return nil
}

// release gives the slot back, if the claim holds it.
func (h *hold) release() {
	if h.held {
		h.held = false
		h.s.release()
	}
}

// pause is the HTTP stack's wait between two attempts of one request (a
// 429's Retry-After, a 5xx backoff). The page gives its slot up for the
// wait and takes one again before the next attempt, ahead of the pages
// found after it; that wait counts against the request's timeout, which
// covers its retries.
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
