package clickup

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string
}

// options are what tests change beyond the settings.
type options struct {
	retry httpx.RetryPolicy
	rate  float64 // requests per second; 0 follows the settings
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	auth := httpx.Header("Authorization", c.APIToken) // a personal token goes alone
	if !c.AccessToken.IsZero() {
		auth = httpx.Bearer(c.AccessToken)
	}
	pace := httpx.RateLimit{PerSecond: float64(s.RequestsPerMinute) / 60, Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	retry := o.retry
	if retry.MaxAttempts == 0 {
		// The budget is per token and minute, and often shared with other
		// integrations of the user: ask more often than the stack's five
		// times, each after the reset the headers name.
		retry.MaxAttempts = 8
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "clickup", Auth: auth, UserAgent: "tributary-clickup-connector",
		RateLimit: pace, Retry: retry, Adjust: adjust})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.BaseURL}, nil
}

// apiError is ClickUp's error body.
type apiError struct {
	Err   string `json:"err"`
	ECODE string `json:"ECODE"`
}

// notAuthorized are the 401 codes ClickUp gives a valid token for a
// workspace or item its user (or the OAuth app) may not read: a missing
// permission, not a dead token.
var notAuthorized = []string{"OAUTH_023", "OAUTH_026", "OAUTH_027", "OAUTH_061", "OAUTH_062"}

// adjust turns ClickUp's 401 "Team not authorized" answers into 403s, so
// the stack classifies them as ErrInsufficientPermissions; every other
// 401 (OAUTH_017, OAUTH_019, OAUTH_025 ...) stays a dead token. A 429
// carries X-RateLimit-Reset (epoch seconds) and X-RateLimit-Remaining: 0,
// which the stack reads as the wait, so it needs no change.
func adjust(resp *http.Response) {
	if resp.StatusCode != http.StatusUnauthorized {
		return
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var e apiError
	if json.Unmarshal(b, &e) == nil && slices.Contains(notAuthorized, e.ECODE) {
		resp.StatusCode, resp.Status = http.StatusForbidden, "403 Forbidden"
	}
}

// get fetches path (with query q) into v.
func (c *client) get(ctx context.Context, path string, q url.Values, v any) error {
	u := c.api + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return tributary.NewError("clickup", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

func malformed(op, format string, args ...any) error {
	return tributary.NewError("clickup: "+op, tributary.ErrMalformedResponse, fmt.Errorf(format, args...))
}

// terminal reports errors that will fail every following request too.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
