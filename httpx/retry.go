package httpx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"log/slog"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"time"

	"github.com/hashicorp/go-retryablehttp"

	"github.com/tributary-dev/tributary"
)

// RetryPolicy bounds retries. The stack retries network failures and
// connection resets, 429 and rate-limit 403 answers, and 500, 502, 503 and
// 504 — the network failures after the request was sent and the 5xx answers
// only for idempotent requests (see Idempotent). It never retries 400, 401,
// 403 (other than rate limits) or 404.
type RetryPolicy struct {
	// MaxAttempts counts every attempt, the first included. Zero means 5;
	// 1 disables retries.
	MaxAttempts int
	// MaxWait bounds the total time spent waiting between attempts of one
	// request. When the server asks for a longer wait the request fails at
	// once with ErrRateLimited and RetryAfter set. Zero means 2 minutes.
	MaxWait time.Duration
	// MinBackoff and MaxBackoff bound the exponential backoff used when the
	// server names no wait. Zero means 500ms and 30s.
	MinBackoff, MaxBackoff time.Duration
	// Pause, when set, waits out the pause d before the next attempt of
	// the request whose context is ctx, in place of the stack's own timer.
	// It returns when the next attempt may start, or early when ctx ends
	// (the attempt then fails with ctx's error). A crawler uses it to lend
	// the request's concurrency slot to other requests while this one
	// waits. Nil means the stack sleeps.
	Pause func(ctx context.Context, d time.Duration)
}

// backoff is the wait before the attempt after the given one when the server
// names none: MinBackoff doubling each time, up to MaxBackoff.
func (p RetryPolicy) backoff(attempt int) time.Duration {
	if attempt > 30 {
		return p.MaxBackoff
	}
	return min(p.MinBackoff<<(attempt-1), p.MaxBackoff)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts == 0 {
		p.MaxAttempts = 5
	}
	if p.MaxWait == 0 {
		p.MaxWait = 2 * time.Minute
	}
	if p.MinBackoff == 0 {
		p.MinBackoff = 500 * time.Millisecond
	}
	if p.MaxBackoff == 0 {
		p.MaxBackoff = 30 * time.Second
	}
	return p
}

type idempotentKey struct{}

// Idempotent returns a context under which requests of any method count as
// idempotent and so may be retried after a server error or a broken
// connection (a search sent by POST, a GraphQL query). GET, HEAD, OPTIONS,
// TRACE, PUT and DELETE, and requests with an Idempotency-Key header, are
// idempotent already.
func Idempotent(ctx context.Context) context.Context {
	return context.WithValue(ctx, idempotentKey{}, true)
}

func isIdempotent(req *http.Request) bool {
	switch req.Method {
	case "", http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace, http.MethodPut, http.MethodDelete:
		return true
	}
	if req.Header.Get("Idempotency-Key") != "" || req.Header.Get("X-Idempotency-Key") != "" {
		return true
	}
	v, _ := req.Context().Value(idempotentKey{}).(bool)
	return v
}

// retryTransport runs each request through a go-retryablehttp client whose
// policy and backoff are this package's.
type retryTransport struct {
	inner  *http.Client
	policy RetryPolicy
	log    *slog.Logger
	redact func(string) string
}

func newRetryTransport(next http.RoundTripper, p RetryPolicy, log *slog.Logger, redact func(string) string) *retryTransport {
	inner := &http.Client{
		Transport:     next,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
	return &retryTransport{inner: inner, policy: p, log: log, redact: redact}
}

// attempts is the state of one request across its attempts.
type attempts struct {
	req         *http.Request
	n           int           // attempts made
	waited      time.Duration // total backoff so far
	next        time.Duration // wait chosen for the coming retry
	rateLimited bool          // the coming wait is the server's rate limit
}

func (t *retryTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil && req.Body != http.NoBody {
		req = req.Clone(req.Context()) // retryablehttp rewinds the body on the request it holds
	}
	st := &attempts{req: req}
	rc := &retryablehttp.Client{
		HTTPClient:   t.inner,
		RetryMax:     t.policy.MaxAttempts - 1,
		RetryWaitMin: t.policy.MinBackoff,
		RetryWaitMax: t.policy.MaxBackoff,
		CheckRetry: func(ctx context.Context, resp *http.Response, err error) (bool, error) {
			return t.check(ctx, st, resp, err)
		},
		Backoff: func(_, _ time.Duration, _ int, resp *http.Response) time.Duration {
			return t.backoff(st, resp)
		},
		ErrorHandler: func(resp *http.Response, err error, _ int) (*http.Response, error) {
			if resp != nil && err == nil {
				return resp, nil
			}
			if resp != nil {
				resp.Body.Close()
			}
			if ue, ok := err.(*url.Error); ok {
				// The inner client's; the outer one wraps the error
				// again, so it would name the request twice.
				err = ue.Err
			}
			return nil, err
		},
	}
	rreq, err := retryablehttp.FromRequest(req)
	if err != nil {
		return nil, err
	}
	return rc.Do(rreq)
}

// check decides whether to retry and how long to wait first.
func (t *retryTransport) check(ctx context.Context, st *attempts, resp *http.Response, err error) (bool, error) {
	st.n++
	if ctx.Err() != nil {
		return false, ctx.Err()
	}
	var wait time.Duration
	var named bool
	switch {
	case err != nil:
		if !retryableError(err) || (!isIdempotent(st.req) && !isDialError(err)) {
			return false, nil
		}
	case IsRateLimited(resp):
		st.rateLimited = true
		wait, named = RetryAfter(resp, time.Now())
	case resp.StatusCode == http.StatusServiceUnavailable, resp.StatusCode == http.StatusInternalServerError,
		resp.StatusCode == http.StatusBadGateway, resp.StatusCode == http.StatusGatewayTimeout:
		if !isIdempotent(st.req) {
			return false, nil
		}
		wait, named = RetryAfter(resp, time.Now())
		st.rateLimited = named
	default:
		return false, nil
	}
	if !named {
		wait = t.exponential(st.n)
	}
	if st.waited+wait > t.policy.MaxWait {
		return false, nil
	}
	st.next = wait
	return true, nil
}

// backoff returns the wait chosen by check and reports it.
func (t *retryTransport) backoff(st *attempts, resp *http.Response) time.Duration {
	st.waited += st.next
	if st.rateLimited {
		tributary.MeterFrom(st.req.Context()).RateLimitWait(st.next)
	}
	status := 0
	if resp != nil {
		status = resp.StatusCode
	}
	t.log.Debug("retrying request", "method", st.req.Method, "url", t.redact(st.req.URL.String()),
		"status", status, "wait", st.next, "attempt", st.n)
	w := st.next
	st.rateLimited = false
	if t.policy.Pause != nil {
		t.policy.Pause(st.req.Context(), w)
		return 0
	}
	return w
}

// exponential returns a jittered backoff for attempt n (1-based): between
// half and all of MinBackoff·2^(n-1), capped at MaxBackoff.
func (t *retryTransport) exponential(n int) time.Duration {
	d := t.policy.MinBackoff << min(n-1, 30)
	if d <= 0 || d > t.policy.MaxBackoff {
		d = t.policy.MaxBackoff
	}
	return d/2 + rand.N(d/2+1)
}

// retryableError reports whether a transport error may pass on a retry.
func retryableError(err error) bool {
	// The request's own context was checked before; a deadline met here is
	// a transport timeout (net/http's match context.DeadlineExceeded), which
	// may pass.
	if errors.Is(err, ErrForbiddenAddress) {
		return false
	}
	if te, ok := errors.AsType[*tributary.Error](err); ok {
		return te.Kind == tributary.ErrTransient || te.Kind == tributary.ErrRateLimited
	}
	if _, ok := errors.AsType[*tls.CertificateVerificationError](err); ok {
		return false
	}
	if _, ok := errors.AsType[x509.UnknownAuthorityError](err); ok {
		return false
	}
	if _, ok := errors.AsType[x509.HostnameError](err); ok {
		return false
	}
	if dns, ok := errors.AsType[*net.DNSError](err); ok {
		return dns.IsTemporary || dns.IsTimeout
	}
	return true
}

// isDialError reports whether err happened before anything was sent, so a
// retry cannot repeat a side effect.
func isDialError(err error) bool {
	op, ok := errors.AsType[*net.OpError](err)
	return ok && op.Op == "dial"
}
