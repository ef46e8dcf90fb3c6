package slack

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// Slack's documented per-minute limits for the methods the connector calls
// (Tier 2: 20, Tier 3: 50, Tier 4: 100). conversations.history and
// conversations.replies take Settings.HistoryRequestsPerMinute instead.
var methodLimits = map[string]int{
	"conversations.list":    20,
	"conversations.info":    50,
	"conversations.members": 100,
	"users.info":            100,
	"users.list":            20,
}

// bodyAttempts bounds the attempts at a call whose response arrived but
// could not be read or decoded (a body cut short by a dropped connection),
// or that Slack answered with a transient error code in a 200 response.
const bodyAttempts = 4

// client calls the Web API. Each rate-limit tier gets its own httpx.Client,
// so a slow method never holds up a fast one; all share the host's
// transport, the address guard and retries that honour Retry-After.
type client struct {
	base    string
	clients map[string]*httpx.Client
	other   *httpx.Client
	log     *slog.Logger
	backoff time.Duration
}

// tuning adjusts the client for benchmarks of the connector's own cost,
// which run in real time: no pacing to Slack's tiers. The zero value is
// the production behaviour.
type tuning struct {
	unpaced bool
}

func newClient(s Settings, token tributary.Secret, env tributary.Env, tune tuning) (*client, error) {
	// burst lets the higher tiers send a few calls at once, as Slack
	// tolerates; history and replies, the costly ones, go one at a time.
	mk := func(perMinute, burst int) (*httpx.Client, error) {
		o := httpx.Options{Env: env, Name: "slack", Auth: httpx.Bearer(token)}
		if perMinute > 0 && !tune.unpaced {
			o.RateLimit = httpx.RateLimit{PerSecond: float64(perMinute) / 60, Burst: burst}
		}
		return httpx.New(o)
	}
	c := &client{base: s.BaseURL, clients: map[string]*httpx.Client{}, log: env.Log(), backoff: time.Second}
	var err error
	if c.other, err = mk(0, 0); err != nil {
		return nil, err
	}
	for _, m := range []string{"conversations.history", "conversations.replies"} {
		if c.clients[m], err = mk(s.HistoryRequestsPerMinute, 1); err != nil {
			return nil, err
		}
	}
	for m, n := range methodLimits {
		if c.clients[m], err = mk(n, max(n/10, 1)); err != nil {
			return nil, err
		}
	}
	return c, nil
}

// call sends one Web API call as a GET with the parameters in the query
// and decodes the answer into out. Errors are classified *tributary.Error
// values; Slack's own error codes are *APIError causes.
func (c *client) call(ctx context.Context, method string, params url.Values, out response) error {
	hc := c.clients[method]
	if hc == nil {
		hc = c.other
	}
	u := c.base + "/" + method
	if len(params) > 0 {
		u += "?" + params.Encode()
	}
	var err error
	for attempt := 1; ; attempt++ {
		err = c.attempt(ctx, hc, method, u, out)
		if err == nil || !retryable(err) || attempt == bodyAttempts {
			return err
		}
		wait := c.backoff << (attempt - 1)
		c.log.Debug("slack: retrying call", "method", method, "attempt", attempt, "error", err)
		if kindIs(err, tributary.ErrRateLimited) {
			tributary.MeterFrom(ctx).RateLimitWait(wait)
		}
		if werr := sleep(ctx, wait); werr != nil {
			return werr
		}
	}
}

// attempt sends the request once through the stack (which retries
// transport failures, 429s and 5xx itself) and decodes the body.
func (c *client) attempt(ctx context.Context, hc *httpx.Client, method, u string, out response) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return tributary.NewError("slack: "+method, tributary.ErrInvalidConfig, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		if ctx.Err() != nil {
			return ctx.Err()
		}
		return tributary.NewError("slack: "+method, tributary.ErrTransient, fmt.Errorf("%w: %w", errBadBody, err))
	}
	*out.slackEnvelope() = envelope{}
	return decode(method, body, out)
}

// retryable reports whether call should try again: a body that could not
// be read or decoded, or a transient or rate-limit code in a 200 answer.
// Transport failures and HTTP statuses were already retried by the stack.
func retryable(err error) bool {
	if errors.Is(err, errBadBody) {
		return true
	}
	return slackCode(err) != "" && (kindIs(err, tributary.ErrTransient) || kindIs(err, tributary.ErrRateLimited))
}

func kindIs(err, kind error) bool { return errors.Is(err, kind) }

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
