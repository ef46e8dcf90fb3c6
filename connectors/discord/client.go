package discord

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"

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
	// threadPage and memberPage size the archived threads' and the
	// members' pages; 0 means Discord's most, 100 and 1,000.
	threadPage, memberPage int
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	pace := httpx.RateLimit{PerSecond: float64(s.RequestsPerSecond), Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	retry := o.retry
	if retry.MaxAttempts == 0 {
		retry.MaxAttempts = 8
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "discord", Auth: httpx.HeaderWithPrefix("Authorization", "Bot ", c.BotToken),
		UserAgent: "DiscordBot (https://github.com/tributary-dev/tributary, 1) tributary-discord-connector",
		RateLimit: pace, Retry: retry, Adjust: adjust})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.BaseURL}, nil
}

// adjust makes Discord's answers say what the stack understands. A 429's
// body names the wait to the millisecond (retry_after: 0.853) where its
// Retry-After header rounds it up to whole seconds: the body's value
// becomes Retry-After, which the stack reads with its decimals. Discord
// sends a bucket's rate-limit headers on every answer, so a 403 of a
// bucket that happens to be empty would read as a rate limit: those
// headers are taken off answers other than 429, after the stack's pacing
// has read them.
func adjust(resp *http.Response) {
	h := resp.Header
	if resp.StatusCode != http.StatusTooManyRequests {
		if resp.StatusCode == http.StatusForbidden {
			h.Del("X-RateLimit-Remaining")
			h.Del("Retry-After")
		}
		return
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 4<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	var e struct {
		RetryAfter *float64 `json:"retry_after"`
	}
	if json.Unmarshal(b, &e) == nil && e.RetryAfter != nil && *e.RetryAfter >= 0 && *e.RetryAfter < 1e6 {
		h.Set("Retry-After", strconv.FormatFloat(*e.RetryAfter, 'f', 3, 64))
	}
}

// get fetches one answer into v.
func (c *client) get(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api+path, nil)
	if err != nil {
		return tributary.NewError("discord", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

func malformed(op, format string, args ...any) error {
	return tributary.NewError("discord: "+op, tributary.ErrMalformedResponse, fmt.Errorf(format, args...))
}

// terminal reports errors that will fail every following request too.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// statusOf is the HTTP status of an error answer, or 0.
func statusOf(err error) int {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return se.StatusCode
	}
	return 0
}
