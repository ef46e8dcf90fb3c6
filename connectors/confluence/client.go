package confluence

import (
	"cmp"
	"context"
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

// bodyAttempts bounds how often a request whose body arrived broken (cut
// short, not JSON) is sent again. The HTTP stack retries statuses and
// network failures; a broken body is only seen once it is decoded.
const bodyAttempts = 4

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	site string // the site address, without a trailing slash
	api  string // site + "/rest/api"
	// minWait and maxWait bound the backoff before a broken body is
	// fetched again.
	minWait, maxWait time.Duration
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
	return &client{http: hc, site: s.base(), api: s.base() + "/rest/api",
		minWait: cmp.Or(retry.MinBackoff, 500*time.Millisecond), maxWait: cmp.Or(retry.MaxBackoff, 30*time.Second)}, nil
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
		return "", tributary.NewError("confluence", tributary.ErrTransient,
			fmt.Errorf("next-page link %q is not under the REST API %s", next, c.api))
	}
	return abs, nil
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
		return tributary.NewError("confluence", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
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

// brokenBody reports whether err is a response that arrived but could not
// be decoded: the stack reports those as transient with no status.
func brokenBody(err error) bool {
	if !errors.Is(err, tributary.ErrTransient) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	_, status := errors.AsType[*httpx.StatusError](err)
	return !status
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
