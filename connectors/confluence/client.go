package confluence

import (
	"context"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	site string // the site address, without a trailing slash
	api  string // site + "/rest/api"
}

func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	auth := httpx.Basic(c.Email, c.APIToken)
	if !c.PersonalAccessToken.IsZero() {
		auth = httpx.Bearer(c.PersonalAccessToken)
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "confluence", Auth: auth,
		UserAgent: "tributary-confluence-connector", Retry: retry,
		RateLimit: httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: partsConcurrency}})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, site: s.base(), api: s.base() + "/rest/api"}, nil
}

// url joins the API root, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.api + path
	}
	return c.api + path + "?" + q.Encode()
}

// link resolves a _links.next value. Confluence makes it relative to the
// site address ("/rest/api/content/search?...&cursor=..."); a link that
// repeats the context path ("/wiki/rest/api/...") or is absolute is taken
// too. A link outside the API root is refused, so the credentials never
// follow it.
func (c *client) link(next string) (string, error) {
	var abs string
	switch {
	case strings.HasPrefix(next, "/rest/api/"):
		abs = c.site + next
	case strings.HasPrefix(next, "/"):
		if u, err := url.Parse(c.site); err == nil {
			abs = u.Scheme + "://" + u.Host + next
		}
	default:
		abs = next
	}
	if !strings.HasPrefix(abs, c.api+"/") {
		return "", tributary.NewError("confluence", tributary.ErrMalformedResponse,
			fmt.Errorf("next-page link %q is not under the REST API %s", next, c.api))
	}
	return abs, nil
}

// get fetches one object into v; the stack fetches a broken body again.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("confluence", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	_, err = c.http.DoJSON(req, v)
	return err
}

// pages lists a paginated endpoint from first, following _links.next
// (cursor links on Cloud, start offsets on Server) with the stack's
// guards against repeated links. Page.At is the URL that fetched the page
// and Page.Next the URL of the next one.
func pages[T any](ctx context.Context, c *client, first string) iter.Seq2[httpx.Page[T], error] {
	return httpx.Cursor(ctx, first, httpx.Limits{}, func(ctx context.Context, at string) ([]T, string, error) {
		var l apiList[T]
		if err := c.get(ctx, at, &l); err != nil {
			return nil, "", err
		}
		if l.Links.Next == "" {
			return l.Results, "", nil
		}
		next, err := c.link(l.Links.Next)
		return l.Results, next, err
	})
}

// each yields every element of a paginated listing.
func each[T any](ctx context.Context, c *client, first string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for pg, err := range pages[T](ctx, c, first) {
			if err != nil {
				yield(nil, err)
				return
			}
			for i := range pg.Items {
				if !yield(&pg.Items[i], nil) {
					return
				}
			}
		}
	}
}
