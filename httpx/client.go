package httpx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
)

// ErrBodyTooLarge is the cause of reading a response body past
// Options.MaxBodyBytes.
var ErrBodyTooLarge = errors.New("response body exceeds the size limit")

// DefaultMaxBodyBytes is the body cap when Options.MaxBodyBytes is zero.
const DefaultMaxBodyBytes = 64 << 20

// Options configure a Client. Every field may be left zero.
type Options struct {
	// Env supplies the base transport (Env.HTTPClient), the logger and the
	// private-network permission.
	Env tributary.Env
	// Name prefixes error operations, such as "github".
	Name string
	// Auth adds credentials to each request; nil sends none.
	Auth Auth
	// RateLimit is the client-side pace.
	RateLimit RateLimit
	// Retry bounds retries.
	Retry RetryPolicy
	// MaxBodyBytes caps every response body; reading past it fails with
	// ErrBodyTooLarge. Zero means DefaultMaxBodyBytes; negative means no cap.
	MaxBodyBytes int64
	// UserAgent is sent when a request sets none; empty means "tributary".
	UserAgent string
	// Adjust, when set, sees every answer before the stack classifies or
	// retries it, and may change its status and headers: an API that says
	// how long to wait only in the body of a 429 (HubSpot's policies), or
	// answers a rate limit with 403, can be made to say it as the stack
	// understands (a 429 with Retry-After). It runs once per attempt, and
	// must leave the body readable from its start. It sits between the
	// retries and the rate limiter: what it changes reaches classification
	// and Retry-After waits, but not the limiter's reading of rate-limit
	// headers (a connector that paces itself by a header gives its own
	// RateLimit.Limiter, as Salesforce does).
	Adjust func(*http.Response)
	// ResponseHeaderTimeout bounds the wait for an answer's headers on
	// each attempt when the host's transport is an *http.Transport that
	// sets none, so a server that never answers costs a retry rather than
	// the whole run. Zero means DefaultResponseHeaderTimeout; negative
	// means none. Bodies are bounded by the request's context only.
	ResponseHeaderTimeout time.Duration
}

// DefaultResponseHeaderTimeout is the response-header timeout when
// Options.ResponseHeaderTimeout is zero.
const DefaultResponseHeaderTimeout = 2 * time.Minute

// Client sends requests through the stack: retries outermost, then
// Options.Adjust, the rate limiter, authentication, metering and the
// address guard over the host's transport. It is safe for concurrent use.
type Client struct {
	hc      *http.Client
	name    string
	auth    Auth
	maxBody int64
	agent   string
	log     *slog.Logger
	retry   RetryPolicy
}

// New builds a Client from o. It fails with ErrInvalidConfig on negative
// limits.
func New(o Options) (*Client, error) {
	if err := o.validate(); err != nil {
		return nil, err
	}
	c := &Client{name: o.Name, auth: o.Auth, maxBody: o.MaxBodyBytes, agent: o.UserAgent, log: o.Env.Log()}
	if c.name == "" {
		c.name = "http"
	}
	if c.maxBody == 0 {
		c.maxBody = DefaultMaxBodyBytes
	}
	if c.agent == "" {
		c.agent = "tributary"
	}
	var base http.RoundTripper = http.DefaultTransport
	if o.Env.HTTPClient != nil && o.Env.HTTPClient.Transport != nil {
		base = o.Env.HTTPClient.Transport
	}
	headerTimeout := o.ResponseHeaderTimeout
	if headerTimeout == 0 {
		headerTimeout = DefaultResponseHeaderTimeout
	}
	base = prepareTransport(base, o.Env.AllowPrivateNetwork, headerTimeout)
	if oa, ok := o.Auth.(*OAuth2); ok && oa.base == nil {
		oa.base = &http.Client{Transport: base, CheckRedirect: c.checkRedirect(o.Env.AllowPrivateNetwork)}
	}
	var rt http.RoundTripper = meterTransport{base}
	rt = authTransport{next: rt, auth: o.Auth, agent: c.agent}
	rt = newLimitTransport(rt, o.RateLimit)
	if o.Adjust != nil {
		rt = adjustTransport{next: rt, adjust: o.Adjust}
	}
	c.retry = o.Retry.withDefaults()
	rt = newRetryTransport(rt, c.retry, c.log, c.redact)
	c.hc = &http.Client{Transport: rt, CheckRedirect: c.checkRedirect(o.Env.AllowPrivateNetwork)}
	return c, nil
}

func (o Options) validate() error {
	var errs []error
	bad := func(field, problem string) {
		errs = append(errs, &tributary.FieldError{Field: field, Problem: problem})
	}
	if o.RateLimit.PerSecond < 0 {
		bad("rate_limit.per_second", "must not be negative")
	}
	if o.RateLimit.Burst < 0 {
		bad("rate_limit.burst", "must not be negative")
	}
	if o.Retry.MaxAttempts < 0 {
		bad("retry.max_attempts", "must not be negative")
	}
	if o.Retry.MaxWait < 0 || o.Retry.MinBackoff < 0 || o.Retry.MaxBackoff < 0 {
		bad("retry", "durations must not be negative")
	}
	if len(errs) == 0 {
		return nil
	}
	return &tributary.Error{Op: "httpx: new client", Kind: tributary.ErrInvalidConfig, Err: errors.Join(errs...)}
}

// StandardClient returns the stack as a plain *http.Client for libraries
// that want one. It retries, limits, authenticates and guards like Do, but
// returns error statuses as responses instead of classifying them, and does
// not cap bodies.
func (c *Client) StandardClient() *http.Client { return c.hc }

// Do sends req. A response with status 400 or more is closed and returned
// as a *tributary.Error whose Kind classifies it and whose cause is a
// *StatusError; failures after the retries run out are ErrTransient (or
// ErrRateLimited with RetryAfter). The returned body is capped at
// Options.MaxBodyBytes. Every error is free of secrets.
func (c *Client) Do(req *http.Request) (*http.Response, error) {
	if s := req.URL.Scheme; s != "http" && s != "https" {
		closeBody(req)
		return nil, c.fail(tributary.ErrInvalidConfig, fmt.Errorf("unsupported URL scheme %q in %s", s, c.redact(req.URL.String())))
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return nil, c.transportError(req.Context(), err)
	}
	if resp.StatusCode >= 400 {
		return nil, c.statusError(resp)
	}
	if c.maxBody > 0 {
		resp.Body = &cappedBody{rc: resp.Body, left: c.maxBody}
	}
	return resp, nil
}

// Get sends a GET request for rawURL; see Do.
func (c *Client) Get(ctx context.Context, rawURL string) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, c.fail(tributary.ErrInvalidConfig, errors.New(c.redact(err.Error())))
	}
	return c.Do(req)
}

func (c *Client) fail(kind, err error) error {
	return &tributary.Error{Op: c.name, Kind: kind, Err: err}
}

// transportError classifies an error from the http.Client.
func (c *Client) transportError(ctx context.Context, err error) error {
	var kind error = tributary.ErrTransient
	switch te, isTE := errors.AsType[*tributary.Error](err); {
	case ctx.Err() != nil: // the caller gave up; err matches ctx.Err()
		kind = nil
	case errors.Is(err, ErrForbiddenAddress):
		kind = tributary.ErrInvalidConfig
	case isTE:
		kind = te.Kind
	}
	if ue, ok := err.(*url.Error); ok {
		// Callers who dig out the *url.Error find its URL redacted too.
		err = &url.Error{Op: ue.Op, URL: c.redact(ue.URL), Err: ue.Err}
	}
	return redactError(&tributary.Error{Op: c.name, Kind: kind, Err: err}, c.secrets())
}

// statusError turns an error response into a classified error.
func (c *Client) statusError(resp *http.Response) error {
	defer resp.Body.Close()
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10)) // let the connection be reused
	kind := KindOf(resp)
	if kind == tributary.ErrCredentialExpired {
		if oa, ok := c.auth.(*OAuth2); ok {
			oa.invalidate(bearerOf(resp.Request))
		}
	}
	se := &StatusError{StatusCode: resp.StatusCode, Method: resp.Request.Method,
		URL: c.redact(resp.Request.URL.String()), Body: c.redact(oneLine(snippet))}
	e := &tributary.Error{Op: c.name, Kind: kind, Err: se}
	if kind == tributary.ErrRateLimited || kind == tributary.ErrTransient {
		e.RetryAfter, _ = RetryAfter(resp, time.Now())
	}
	return e
}

// Rejected tells the client that the server refused the credentials req
// was sent with, for an API that says so in the body of an answer whose
// status does not (a GraphQL error in a 200 or 400 answer). An OAuth2
// access token is then forgotten, so the next request obtains a new one,
// and Rejected reports true: asking once more may succeed. Other Auths
// cannot renew what they send, and Rejected reports false. Pass the
// request the answer came with (http.Response.Request), which carries
// the credentials as sent.
func (c *Client) Rejected(req *http.Request) bool {
	oa, ok := c.auth.(*OAuth2)
	if !ok {
		return false
	}
	oa.invalidate(bearerOf(req))
	return true
}

func bearerOf(req *http.Request) string {
	if req == nil {
		return ""
	}
	s, _ := strings.CutPrefix(req.Header.Get("Authorization"), "Bearer ")
	return s
}

func oneLine(b []byte) string {
	if !utf8.Valid(b) {
		return ""
	}
	return strings.Join(strings.Fields(string(b)), " ")
}

// secrets lists the values that must never appear in an error.
func (c *Client) secrets() []string {
	if h, ok := c.auth.(secretHolder); ok {
		return h.Secrets()
	}
	return nil
}

func (c *Client) redact(s string) string { return RedactString(s, c.secrets()...) }

// checkRedirect bounds redirects, refuses forbidden hosts and marks
// requests that left the original host so credentials are not sent there.
func (c *Client) checkRedirect(allowPrivate bool) func(*http.Request, []*http.Request) error {
	return func(req *http.Request, via []*http.Request) error {
		if len(via) >= 10 {
			return errors.New("stopped after 10 redirects")
		}
		if !allowPrivate {
			if err := checkURLHost(req); err != nil {
				return fmt.Errorf("redirect refused: %w", err)
			}
		}
		first := via[0].URL
		if req.URL.Host != first.Host || (first.Scheme == "https" && req.URL.Scheme != "https") {
			*req = *req.WithContext(context.WithValue(req.Context(), foreignHostKey{}, true))
		}
		return nil
	}
}

type foreignHostKey struct{}

// authTransport sets the User-Agent and adds credentials, except on
// requests redirected to another host.
type authTransport struct {
	next  http.RoundTripper
	auth  Auth
	agent string
}

func (t authTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	needAgent := req.Header.Get("User-Agent") == ""
	foreign := req.Context().Value(foreignHostKey{}) != nil
	if !needAgent && (t.auth == nil || foreign) {
		return t.next.RoundTrip(req)
	}
	req = req.Clone(req.Context())
	if needAgent {
		req.Header.Set("User-Agent", t.agent)
	}
	if t.auth == nil || foreign {
		return t.next.RoundTrip(req)
	}
	if err := t.auth.Authorize(req); err != nil {
		closeBody(req)
		return nil, err
	}
	return t.next.RoundTrip(req)
}

// meterTransport counts each attempt that reaches the network.
type meterTransport struct{ next http.RoundTripper }

func (t meterTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	tributary.MeterFrom(req.Context()).Request()
	return t.next.RoundTrip(req)
}

// cappedBody fails reads past the cap instead of truncating silently.
type cappedBody struct {
	rc   io.ReadCloser
	left int64
}

func (b *cappedBody) Read(p []byte) (int, error) {
	if b.left <= 0 {
		var one [1]byte
		n, err := b.rc.Read(one[:])
		if n > 0 {
			return 0, ErrBodyTooLarge
		}
		return 0, err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rc.Read(p)
	b.left -= int64(n)
	return n, err
}

func (b *cappedBody) Close() error { return b.rc.Close() }

// adjustTransport hands each answer to Options.Adjust.
type adjustTransport struct {
	next   http.RoundTripper
	adjust func(*http.Response)
}

func (t adjustTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil {
		t.adjust(resp)
	}
	return resp, err
}
