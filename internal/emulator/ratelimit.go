package emulator

import (
	"math"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// HeaderStyle names the rate-limit headers an emulator sends.
type HeaderStyle int

// Header styles.
const (
	// HeadersGitHub sends X-RateLimit-Limit, -Remaining, -Used and -Reset
	// (epoch seconds), as GitHub and many others do.
	HeadersGitHub HeaderStyle = iota
	// HeadersIETF sends RateLimit-Limit, -Remaining and -Reset (seconds),
	// as in the IETF httpapi draft.
	HeadersIETF
	// HeadersNone sends no rate-limit headers, only Retry-After on a refusal
	// (Slack, Atlassian).
	HeadersNone
)

// RateLimit makes an emulator answer like a service with a request budget
// per principal (per token).
type RateLimit struct {
	// Limit is the number of requests per Window.
	Limit int
	// Window is the budget's period, such as time.Hour for GitHub's 5000
	// requests per hour.
	Window time.Duration
	// Bucket refills the budget continuously (a token bucket holding Limit
	// requests) instead of all at once at the end of each fixed window.
	Bucket bool
	// Status is the refusal status: 429 (the default) or 403 (GitHub).
	Status int
	// Headers chooses the rate-limit headers sent on every answer.
	Headers HeaderStyle
	// OmitRetryAfter leaves Retry-After out of refusals.
	OmitRetryAfter bool
	// Body is the refusal's JSON body; empty means
	// {"message":"API rate limit exceeded"}.
	Body string
}

type budget struct {
	start  time.Time // fixed window start
	used   int
	tokens float64 // bucket
	last   time.Time
}

type limiter struct {
	cfg RateLimit
	mu  sync.Mutex
	per map[string]*budget
}

func newLimiter(cfg RateLimit) *limiter {
	if cfg.Status == 0 {
		cfg.Status = http.StatusTooManyRequests
	}
	if cfg.Body == "" {
		cfg.Body = `{"message":"API rate limit exceeded"}`
	}
	return &limiter{cfg: cfg, per: map[string]*budget{}}
}

// take spends one request of principal's budget, reporting whether it was
// allowed, how many remain and when the budget is next replenished.
func (l *limiter) take(principal string, now time.Time) (ok bool, remaining int, reset time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.per[principal]
	if b == nil {
		b = &budget{start: now, tokens: float64(l.cfg.Limit), last: now}
		l.per[principal] = b
	}
	if l.cfg.Bucket {
		return l.takeBucket(b, now)
	}
	if now.Sub(b.start) >= l.cfg.Window {
		b.start, b.used = now, 0
	}
	reset = b.start.Add(l.cfg.Window)
	if b.used >= l.cfg.Limit {
		return false, 0, reset
	}
	b.used++
	return true, l.cfg.Limit - b.used, reset
}

func (l *limiter) takeBucket(b *budget, now time.Time) (bool, int, time.Time) {
	rate := float64(l.cfg.Limit) / l.cfg.Window.Seconds()
	b.tokens = math.Min(float64(l.cfg.Limit), b.tokens+now.Sub(b.last).Seconds()*rate)
	b.last = now
	if b.tokens < 1 {
		wait := time.Duration((1 - b.tokens) / rate * float64(time.Second))
		return false, 0, now.Add(wait)
	}
	b.tokens--
	full := time.Duration((float64(l.cfg.Limit) - b.tokens) / rate * float64(time.Second))
	return true, int(b.tokens), now.Add(full)
}

// headers writes the rate-limit headers for an answer.
func (l *limiter) headers(h http.Header, remaining int, reset, now time.Time) {
	switch l.cfg.Headers {
	case HeadersGitHub:
		h.Set("X-RateLimit-Limit", strconv.Itoa(l.cfg.Limit))
		h.Set("X-RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("X-RateLimit-Used", strconv.Itoa(l.cfg.Limit-remaining))
		h.Set("X-RateLimit-Reset", strconv.FormatInt(ceilUnix(reset), 10))
	case HeadersIETF:
		h.Set("RateLimit-Limit", strconv.Itoa(l.cfg.Limit))
		h.Set("RateLimit-Remaining", strconv.Itoa(remaining))
		h.Set("RateLimit-Reset", strconv.FormatInt(ceilSeconds(reset.Sub(now)), 10))
	}
}

// refuse answers a request over budget.
func (l *limiter) refuse(w http.ResponseWriter, reset, now time.Time) {
	l.headers(w.Header(), 0, reset, now)
	if !l.cfg.OmitRetryAfter {
		w.Header().Set("Retry-After", strconv.FormatInt(max(ceilSeconds(reset.Sub(now)), 1), 10))
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(l.cfg.Status)
	w.Write([]byte(l.cfg.Body))
}

func ceilSeconds(d time.Duration) int64 { return int64(math.Ceil(d.Seconds())) }

func ceilUnix(t time.Time) int64 {
	if t.Nanosecond() > 0 {
		return t.Unix() + 1
	}
	return t.Unix()
}
