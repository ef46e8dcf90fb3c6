package gitlab

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	web  string // the instance address, without a trailing slash
	api  string // web + "/api/v4"
}

// newClient builds the client on the stack's default retry policy, which
// waits out GitLab's 429 answers by their Retry-After and paces requests
// by the RateLimit-* headers.
func newClient(s *Settings, c *Credentials, env tributary.Env) (*client, error) {
	auth := httpx.Header("PRIVATE-TOKEN", c.Token)
	if c.TokenType == TokenOAuth {
		auth = httpx.Bearer(c.Token)
	}
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "gitlab",
		Auth:      auth,
		UserAgent: "tributary-gitlab-connector",
	})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, web: s.baseURL(), api: s.baseURL() + "/api/v4"}, nil
}

// url joins the API root, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.api + path
	}
	return c.api + path + "?" + q.Encode()
}

// enc escapes a project or group path as one path segment ("acme%2Fapi"),
// as GitLab wants ids given as paths.
func enc(path string) string { return url.PathEscape(path) }

// get fetches one object into v; the stack fetches a broken body again.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("gitlab", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	_, err = c.http.DoJSON(req, v)
	return err
}

// pages lists a paginated endpoint from first through its Link headers
// (offset or keyset alike), with the stack's guards against repeated
// pages. Items stay raw so that one malformed item costs one failure, not
// the page. A next link outside the API root ends the listing with an
// error, so that the token never follows it.
func (c *client) pages(ctx context.Context, first string) iter.Seq2[httpx.Page[json.RawMessage], error] {
	return httpx.Link(ctx, c.http, first, httpx.Limits{Within: c.api + "/"}, rawItems)
}

func rawItems(b *[]json.RawMessage) []json.RawMessage { return *b }

// decodeItems decodes a page of objects that carry nothing to fail on one
// by one (projects, members, notes).
func decodeItems[T any](raw []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(raw))
	for _, r := range raw {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			return nil, tributary.NewError("gitlab: decode page", tributary.ErrTransient, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// each yields the objects of every page of a listing.
func each[T any](ctx context.Context, c *client, first string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for pg, err := range c.pages(ctx, first) {
			if err != nil {
				yield(nil, err)
				return
			}
			items, err := decodeItems[T](pg.Items)
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range items {
				if !yield(&items[i], nil) {
					return
				}
			}
		}
	}
}

// getProject fetches one project by full path or id.
func (c *client) getProject(ctx context.Context, path string) (*apiProject, error) {
	var p apiProject
	if err := c.get(ctx, c.url("/projects/"+enc(path), nil), &p); err != nil {
		return nil, fmt.Errorf("get project %s: %w", path, err)
	}
	if err := p.check(); err != nil {
		return nil, tributary.NewError("gitlab: get project "+path, tributary.ErrTransient, err)
	}
	return &p, nil
}

// status returns the HTTP status of a failed request, or 0.
func status(err error) int {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return se.StatusCode
	}
	return 0
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
