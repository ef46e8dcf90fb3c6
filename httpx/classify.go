package httpx

import (
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

// StatusError is the cause carried by the *tributary.Error that the stack
// returns for an HTTP response of status 400 or more. Read it with
// errors.AsType when the exact status matters (409, 410, 422 ...).
type StatusError struct {
	// StatusCode is the response status, such as 404.
	StatusCode int
	// Method and URL describe the request; the URL is already redacted.
	Method, URL string
	// Body is the start of the response body (at most 512 bytes), redacted,
	// as a hint for humans.
	Body string
}

// Error returns "GET https://host/path: 404 Not Found: body".
func (e *StatusError) Error() string {
	s := fmt.Sprintf("%s %s: %d %s", e.Method, e.URL, e.StatusCode, http.StatusText(e.StatusCode))
	if e.Body != "" {
		s += ": " + e.Body
	}
	return s
}

// KindOf returns the tributary error kind for a response: ErrCredentialExpired
// for 401, ErrRateLimited for 429 and for rate-limit 403s (GitHub's secondary
// limits send 403 with Retry-After or X-RateLimit-Remaining: 0),
// ErrInsufficientPermissions for other 403s, ErrNotFound for 404 and 410,
// ErrTransient for 408, 425 and 5xx, and nil otherwise (including success).
func KindOf(resp *http.Response) error {
	switch code := resp.StatusCode; {
	case code == http.StatusUnauthorized:
		return tributary.ErrCredentialExpired
	case code == http.StatusTooManyRequests:
		return tributary.ErrRateLimited
	case code == http.StatusForbidden:
		if IsRateLimited(resp) {
			return tributary.ErrRateLimited
		}
		return tributary.ErrInsufficientPermissions
	case code == http.StatusNotFound, code == http.StatusGone:
		return tributary.ErrNotFound
	case code == http.StatusRequestTimeout, code == http.StatusTooEarly, code >= 500:
		return tributary.ErrTransient
	}
	return nil
}

// IsRateLimited reports whether resp is the server asking to slow down: a 429,
// or a 403 that carries Retry-After or says no requests remain.
func IsRateLimited(resp *http.Response) bool {
	switch resp.StatusCode {
	case http.StatusTooManyRequests:
		return true
	case http.StatusForbidden:
		h := resp.Header
		if h.Get("Retry-After") != "" {
			return true
		}
		rem, ok := remaining(h)
		return ok && rem <= 0
	}
	return false
}

// RetryAfter returns how long the server asked the client to wait, from
// Retry-After (seconds, possibly with a decimal fraction as Discord sends
// them, or an HTTP date) or, for a response that says no requests remain,
// from X-RateLimit-Reset-After (seconds), X-RateLimit-Reset (epoch seconds)
// or RateLimit-Reset (seconds). The second result is false when the
// response names no wait.
func RetryAfter(resp *http.Response, now time.Time) (time.Duration, bool) {
	h := resp.Header
	if v := strings.TrimSpace(h.Get("Retry-After")); v != "" {
		if d, ok := seconds(v); ok {
			return d, true
		}
		if t, err := http.ParseTime(v); err == nil {
			return max(t.Sub(now), 0), true
		}
	}
	if rem, ok := remaining(h); ok && rem <= 0 {
		if d, ok := resetIn(h, now); ok {
			return d, true
		}
	}
	return 0, false
}

// remaining reads X-RateLimit-Remaining or RateLimit-Remaining (or the
// remaining= item of a structured RateLimit header).
func remaining(h http.Header) (int64, bool) {
	for _, name := range []string{"X-RateLimit-Remaining", "RateLimit-Remaining"} {
		if v := h.Get(name); v != "" {
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return structuredItem(h.Get("RateLimit"), "r", "remaining")
}

// limitOf reads X-RateLimit-Limit or RateLimit-Limit.
func limitOf(h http.Header) (int64, bool) {
	for _, name := range []string{"X-RateLimit-Limit", "RateLimit-Limit"} {
		if v := h.Get(name); v != "" {
			v, _, _ = strings.Cut(v, ",")
			v, _, _ = strings.Cut(v, ";")
			n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
			return n, err == nil
		}
	}
	return structuredItem(h.Get("RateLimit"), "limit")
}

// resetIn reads when the current rate-limit window resets:
// X-RateLimit-Reset-After (seconds from now, Discord's, preferred as it
// does not depend on the two clocks agreeing), else X-RateLimit-Reset or
// RateLimit-Reset. Of those, a value larger than 10^8 (some three years)
// is an epoch time in seconds (GitHub), a smaller one a number of seconds
// (IETF RateLimit-Reset). Values may carry a decimal fraction (Discord's
// have milliseconds).
func resetIn(h http.Header, now time.Time) (time.Duration, bool) {
	if v := h.Get("X-RateLimit-Reset-After"); v != "" {
		if d, ok := seconds(v); ok {
			return d, true
		}
	}
	var n float64
	var ok bool
	for _, name := range []string{"X-RateLimit-Reset", "RateLimit-Reset"} {
		if v := h.Get(name); v != "" {
			var err error
			n, err = strconv.ParseFloat(strings.TrimSpace(v), 64)
			ok = err == nil && !math.IsNaN(n) && !math.IsInf(n, 0)
			break
		}
	}
	if !ok {
		var i int64
		i, ok = structuredItem(h.Get("RateLimit"), "t", "reset")
		n = float64(i)
	}
	if !ok || n < 0 {
		return 0, false
	}
	if n > 100_000_000 {
		at := time.UnixMilli(int64(math.Ceil(n * 1000)))
		return max(at.Sub(now), 0), true
	}
	return secondsDuration(n), true
}

// maxSeconds bounds a wait read from a header (about 30 years), so that a
// huge value cannot overflow a time.Duration.
const maxSeconds = 1e9

// seconds reads a non-negative number of seconds, whole or with a decimal
// fraction ("7", "0.853"), rounded up to the millisecond.
func seconds(v string) (time.Duration, bool) {
	v = strings.TrimSpace(v)
	if v == "" || strings.ContainsAny(v, "eExXpP_") { // plain decimals only
		return 0, false
	}
	f, err := strconv.ParseFloat(v, 64)
	if err != nil || f < 0 || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return secondsDuration(f), true
}

func secondsDuration(f float64) time.Duration {
	f = min(f, maxSeconds)
	return time.Duration(math.Ceil(f*1000)) * time.Millisecond
}

// structuredItem finds an integer item such as r=10 or remaining=10 in a
// RateLimit header of the IETF draft ("default";r=10;t=30 or
// limit=100, remaining=10, reset=30).
func structuredItem(v string, keys ...string) (int64, bool) {
	if v == "" {
		return 0, false
	}
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ';' || r == ',' }) {
		k, val, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			continue
		}
		for _, key := range keys {
			if strings.EqualFold(k, key) {
				n, err := strconv.ParseInt(strings.TrimSpace(val), 10, 64)
				return n, err == nil
			}
		}
	}
	return 0, false
}
