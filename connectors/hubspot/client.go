package hubspot

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the API through the shared HTTP stack.
type client struct {
	http   *httpx.Client
	api    string
	search *rate.Limiter // searches have a budget of their own
	// zone is the account's time zone, where its daily budget resets.
	zone atomic.Pointer[time.Location]

	mu      sync.Mutex
	account *account // read once
}

// account is what GET /account-info/v3/details says.
type account struct {
	PortalID int64  `json:"portalId"`
	UIDomain string `json:"uiDomain"`
	TimeZone string `json:"timeZone"`
}

// options are what tests change beyond the settings.
type options struct {
	retry  httpx.RetryPolicy
	rate   float64 // requests per second; 0 follows the settings
	search float64 // searches per second; 0 means 4
	// searchCap is how deep a search pages; 0 means HubSpot's 10,000.
	searchCap int
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	cl := &client{api: s.BaseURL, search: rate.NewLimiter(rate.Limit(cmp.Or(o.search, 4)), 1)}
	pace := httpx.RateLimit{PerSecond: float64(s.RequestsPerTenSeconds) / 10, Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	retry := o.retry
	if retry.MaxAttempts == 0 {
		// A token is often shared by several integrations, each spending
		// the same rolling budget: ask more often than the stack's five
		// times, each after the wait HubSpot's policy implies.
		retry.MaxAttempts = 10
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "hubspot", Auth: httpx.Bearer(c.AccessToken),
		UserAgent: "tributary-hubspot-connector", RateLimit: pace, Retry: retry, Adjust: cl.adjust})
	if err != nil {
		return nil, err
	}
	cl.http = hc
	return cl, nil
}

// adjust gives HubSpot's 429s the wait their policy implies, which they
// say only in the body: a second for the searches' SECONDLY budget, the
// interval for the rolling TEN_SECONDLY_ROLLING one, and the time to the
// account's midnight for DAILY, which is longer than the stack waits, so
// that the run ends with ErrRateLimited naming when to come back.
//
// Every answer's X-HubSpot-RateLimit-* headers are also given the names
// the stack reads, so that it spreads the last requests of a rolling
// budget over its interval, as two clients sharing one token must.
func (c *client) adjust(resp *http.Response) {
	h := resp.Header
	if rem := h.Get("X-HubSpot-RateLimit-Remaining"); rem != "" && h.Get("X-RateLimit-Remaining") == "" {
		h.Set("X-RateLimit-Remaining", rem)
		h.Set("X-RateLimit-Limit", h.Get("X-HubSpot-RateLimit-Max"))
		reset := 10
		if ms, err := strconv.Atoi(h.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
			reset = (ms + 999) / 1000
		}
		h.Set("X-RateLimit-Reset", strconv.Itoa(reset))
	}
	if resp.StatusCode != http.StatusTooManyRequests || h.Get("Retry-After") != "" {
		return
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var e struct {
		PolicyName string `json:"policyName"`
	}
	json.Unmarshal(b, &e)
	wait := 10 * time.Second
	switch e.PolicyName {
	case "SECONDLY":
		wait = time.Second
	case "TEN_SECONDLY_ROLLING":
		if ms, err := strconv.Atoi(resp.Header.Get("X-HubSpot-RateLimit-Interval-Milliseconds")); err == nil && ms > 0 {
			wait = time.Duration(ms) * time.Millisecond
		}
	case "DAILY":
		loc := c.zone.Load()
		if loc == nil {
			loc = time.UTC
		}
		now := time.Now().In(loc)
		y, m, d := now.Date()
		wait = time.Date(y, m, d+1, 0, 0, 0, 0, loc).Sub(now)
	}
	resp.Header.Set("Retry-After", strconv.Itoa(max(int((wait+time.Second-1)/time.Second), 1)))
}

// get fetches one answer into v.
func (c *client) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api+path, nil)
	if err != nil {
		return tributary.NewError("hubspot", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

// post sends body and decodes the answer into v. Every POST the
// connector sends reads (searches and batch reads), so the stack may send
// it again. A search waits for the search budget first.
func (c *client) post(ctx context.Context, path string, body, v any, search bool) error {
	if search {
		if err := c.search.Wait(ctx); err != nil {
			return err
		}
	}
	b, err := json.Marshal(body)
	if err != nil {
		return tributary.NewError("hubspot", tributary.ErrInvalidConfig, err)
	}
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, c.api+path, bytes.NewReader(b))
	if err != nil {
		return tributary.NewError("hubspot", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	_, err = c.http.DoJSON(req, v)
	return err
}

// details returns the account's portal id and web domain, read once.
func (c *client) details(ctx context.Context) (*account, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.account != nil {
		return c.account, nil
	}
	var a account
	if err := c.get(ctx, "/account-info/v3/details", &a); err != nil {
		return nil, fmt.Errorf("hubspot: account details: %w", err)
	}
	if a.PortalID <= 0 {
		return nil, malformed("account details", "no portalId")
	}
	if a.UIDomain == "" {
		a.UIDomain = "app.hubspot.com"
	}
	if loc, err := time.LoadLocation(a.TimeZone); err == nil && a.TimeZone != "" {
		c.zone.Store(loc)
	}
	c.account = &a
	return &a, nil
}

func malformed(op, msg string) error {
	return tributary.NewError("hubspot: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}

// terminal reports errors that will fail every following request too.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrInsufficientPermissions) ||
		errors.Is(err, tributary.ErrRateLimited) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// missingScopes reads the scopes a 403 MISSING_SCOPES answer names.
func missingScopes(err error) []string {
	se, ok := errors.AsType[*httpx.StatusError](err)
	if !ok {
		return nil
	}
	var e struct {
		Category string `json:"category"`
		Context  struct {
			RequiredScopes         []string `json:"requiredScopes"`
			RequiredGranularScopes []string `json:"requiredGranularScopes"`
		} `json:"context"`
	}
	if json.Unmarshal([]byte(se.Body), &e) != nil || e.Category != "MISSING_SCOPES" {
		return nil
	}
	return append(e.Context.RequiredScopes, e.Context.RequiredGranularScopes...)
}

// statusOf is the HTTP status of an error answer, or 0.
func statusOf(err error) int {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return se.StatusCode
	}
	return 0
}
