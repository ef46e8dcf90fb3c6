package jira

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// bodyAttempts bounds how often an answer whose body arrived broken (cut
// short, not JSON) is fetched again. The HTTP stack retries statuses and
// network failures; a broken body is only seen once it is decoded.
const bodyAttempts = 4

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	site string // without a trailing slash
	api  string // site + "/rest/api/3" or "/rest/api/2"
	// minWait and maxWait bound the backoff before fetching a broken body
	// again.
	minWait, maxWait time.Duration
}

func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	auth := httpx.Basic(c.Email, c.APIToken)
	version := "3"
	if s.Deployment == Server {
		auth, version = httpx.Bearer(c.PersonalAccessToken), "2"
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "jira", Auth: auth, UserAgent: "tributary-jira-connector", Retry: retry})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, site: s.site(), api: s.site() + "/rest/api/" + version,
		minWait: cmp.Or(retry.MinBackoff, 500*time.Millisecond), maxWait: cmp.Or(retry.MaxBackoff, 30*time.Second)}, nil
}

// url joins the API root, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.api + path
	}
	return c.api + path + "?" + q.Encode()
}

// get fetches one object into v. A broken body is fetched again, up to
// bodyAttempts times.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	for attempt := 1; ; attempt++ {
		err := c.getOnce(ctx, rawURL, v)
		if err == nil || attempt >= bodyAttempts || !brokenBody(err) {
			return err
		}
		if err := c.sleep(ctx, attempt); err != nil {
			return err
		}
	}
}

func (c *client) getOnce(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("jira", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

func (c *client) sleep(ctx context.Context, attempt int) error {
	t := time.NewTimer(min(c.minWait<<(attempt-1), c.maxWait))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// brokenBody reports whether err is an answer that arrived but could not be
// decoded: the stack reports those as transient with no status.
func brokenBody(err error) bool {
	if !errors.Is(err, tributary.ErrTransient) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	_, status := errors.AsType[*httpx.StatusError](err)
	return !status
}

// badRequest reports a 400 answer: JQL Jira refused, or a page token that
// expired.
func badRequest(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusBadRequest
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
