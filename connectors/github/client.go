package github

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// apiVersion is the REST API version the connector was written against.
const apiVersion = "2022-11-28"

// bodyAttempts bounds how often a page whose body arrived broken (cut
// short, not JSON) is fetched again. The HTTP stack retries statuses and
// network failures; a broken body is only seen once it is decoded.
const bodyAttempts = 4

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	base string // without a trailing slash
	// minWait and maxWait bound the backoff before fetching a broken body
	// again.
	minWait, maxWait time.Duration
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
	return &client{http: hc, base: s.baseURL(), minWait: 500 * time.Millisecond, maxWait: 30 * time.Second}, nil
}

// url joins the base URL, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.base + path
	}
	return c.base + path + "?" + q.Encode()
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
		return tributary.NewError("github", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	_, err = c.http.DoJSON(req, v)
	return err
}

// sleep waits before the attempt after the given one: the minimum wait,
// doubling each time, up to the maximum.
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

// pages lists a paginated endpoint from first through its Link headers,
// with the stack's guards against repeated pages. Items stay raw so that
// one malformed item costs one failure, not the page. A page whose body
// arrived broken is fetched again, up to bodyAttempts times; a next link
// outside the API root ends the listing with an error, so that the token
// never follows it.
func (c *client) pages(ctx context.Context, first string) iter.Seq2[httpx.Page[json.RawMessage], error] {
	return func(yield func(httpx.Page[json.RawMessage], error) bool) {
		at, attempt := first, 1
		for at != "" {
			restart := ""
			for pg, err := range httpx.Link(ctx, c.http, at, httpx.Limits{}, rawItems) {
				if err != nil && brokenBody(err) && attempt < bodyAttempts && pg.At != "" {
					if err := c.sleep(ctx, attempt); err != nil {
						yield(pg, err)
						return
					}
					attempt, restart = attempt+1, pg.At
					break
				}
				if err == nil {
					attempt = 1
					if pg.Next != "" && !c.sameAPI(pg.Next) {
						err = tributary.NewError("github", tributary.ErrTransient,
							fmt.Errorf("next-page link leaves the API root %s", c.base))
					}
				}
				if !yield(pg, err) || err != nil {
					return
				}
			}
			at = restart
		}
	}
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

// brokenBody reports whether err is a response that arrived but could not
// be decoded: the stack reports those as transient with no status.
func brokenBody(err error) bool {
	if !errors.Is(err, tributary.ErrTransient) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	_, status := errors.AsType[*httpx.StatusError](err)
	return !status
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
	if r.NodeID == "" || r.FullName == "" || r.HTMLURL == "" {
		return nil, tributary.NewError("github: get repository "+fullName, tributary.ErrTransient,
			errors.New("answer lacks node_id, full_name or html_url"))
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
