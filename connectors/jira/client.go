package jira

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	site string // without a trailing slash
	api  string // site + "/rest/api/3" or "/rest/api/2"
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
	return &client{http: hc, site: s.site(), api: s.site() + "/rest/api/" + version}, nil
}

// url joins the API root, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.api + path
	}
	return c.api + path + "?" + q.Encode()
}

// get fetches one object into v; the stack fetches a broken body again.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("jira", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
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
