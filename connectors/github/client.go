package github

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// apiVersion is the REST API version the connector was written against.
const apiVersion = "2022-11-28"

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	base string // without a trailing slash
}

// newClient builds the client on the stack's default retry policy.
func newClient(s *Settings, c *Credentials, env tributary.Env) (*client, error) {
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "github",
		Auth:      httpx.Bearer(c.Token),
		UserAgent: "tributary-github-connector",
	})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, base: s.baseURL()}, nil
}

// url joins the base URL, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.base + path
	}
	return c.base + path + "?" + q.Encode()
}

// get fetches one object into v; the stack fetches a broken body again.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("github", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	_, err = c.http.DoJSON(req, v)
	return err
}

// pages lists a paginated endpoint from first through its Link headers,
// with the stack's guards against repeated pages (the stack also fetches a
// page whose body arrived broken again). Items stay raw so that one
// malformed item costs one failure, not the page. A next link outside the
// API root ends the listing with an error, so that the token never follows
// it.
func (c *client) pages(ctx context.Context, first string) iter.Seq2[httpx.Page[json.RawMessage], error] {
	return httpx.Link(ctx, c.http, first, httpx.Limits{Within: c.base + "/"}, rawItems)
}

func rawItems(b *[]json.RawMessage) []json.RawMessage { return *b }

// decodeItems decodes a page of objects that carry nothing to fail on one
// by one (repositories, comments, collaborators, teams).
func decodeItems[T any](raw []json.RawMessage) ([]T, error) {
	out := make([]T, 0, len(raw))
	for _, r := range raw {
		var v T
		if err := json.Unmarshal(r, &v); err != nil {
			return nil, tributary.NewError("github: decode page", tributary.ErrTransient, err)
		}
		out = append(out, v)
	}
	return out, nil
}

// sameAPI reports whether rawURL lies under the configured API root, so
// that neither a Link header nor a stored checkpoint can send the token
// elsewhere.
func (c *client) sameAPI(rawURL string) bool {
	return strings.HasPrefix(rawURL, c.base+"/")
}

// getRepo fetches one repository by full name.
func (c *client) getRepo(ctx context.Context, fullName string) (*apiRepo, error) {
	owner, name, _ := strings.Cut(fullName, "/")
	var r apiRepo
	if err := c.get(ctx, c.url("/repos/"+url.PathEscape(owner)+"/"+url.PathEscape(name), nil), &r); err != nil {
		return nil, fmt.Errorf("get repository %s: %w", fullName, err)
	}
	if err := r.check(); err != nil {
		return nil, tributary.NewError("github: get repository "+fullName, tributary.ErrMalformedResponse, err)
	}
	return &r, nil
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
