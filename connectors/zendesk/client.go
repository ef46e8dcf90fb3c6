package zendesk

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	site string // https://acme.zendesk.com
	api  string // site + "/api/v2"
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	var auth httpx.Auth
	if !c.OAuthToken.IsZero() {
		auth = httpx.Bearer(c.OAuthToken)
	} else {
		auth = httpx.Basic(c.Email+"/token", c.APIToken)
	}
	pace := httpx.RateLimit{PerSecond: float64(s.RequestsPerMinute) / 60, Burst: 10}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "zendesk",
		Auth:      auth,
		UserAgent: "tributary-zendesk-connector",
		RateLimit: pace,
		Retry:     o.retry,
	})
	if err != nil {
		return nil, err
	}
	site := s.site()
	return &client{http: hc, site: site, api: site + "/api/v2"}, nil
}

// url joins the API root, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.api + path
	}
	return c.api + path + "?" + q.Encode()
}

// get fetches one answer into v; the stack retries 429s after their
// Retry-After, server errors and broken bodies.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("zendesk", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

// next checks a next link of a cursor listing: it must stay under the API
// root (of the account's address, or of its zendesk.com subdomain for an
// account on a host of its own), or the listing is malformed. The
// connector pages by after_cursor and never follows the link.
func (c *client) next(op, link string) error {
	if strings.HasPrefix(link, c.api+"/") {
		return nil
	}
	if u, err := url.Parse(link); err == nil && u.Scheme == "https" && strings.HasSuffix(u.Host, ".zendesk.com") &&
		strings.HasPrefix(u.Path, "/api/v2/") {
		return nil
	}
	return malformed(op, "next link "+httpx.RedactString(link)+" leaves the API root")
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrInsufficientPermissions) ||
		errors.Is(err, tributary.ErrRateLimited) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

func malformed(op, msg string) error {
	return tributary.NewError("zendesk: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}

// cursorPage reads a page of a cursor listing (its items under name, meta
// and links) and names the cursor of the next page, "" after the last. A
// page that says more follow without a new cursor, or whose next link
// leaves the API, is malformed.
func (c *client) cursorPage(op string, raw map[string]json.RawMessage, name, after string) ([]json.RawMessage, string, error) {
	var page apiPage
	var items []json.RawMessage
	for k, v := range map[string]any{"meta": &page.Meta, "links": &page.Links, name: &items} {
		b, ok := raw[k]
		if !ok && k == name {
			return nil, "", malformed(op, "the answer has no "+name)
		}
		if ok && string(b) != "null" {
			if err := json.Unmarshal(b, v); err != nil {
				return nil, "", malformed(op, fmt.Sprintf("%s does not decode: %v", k, err))
			}
		}
	}
	if !page.Meta.HasMore {
		return items, "", nil
	}
	if page.Meta.AfterCursor == "" || page.Meta.AfterCursor == after {
		return nil, "", malformed(op, "has_more without a new after_cursor")
	}
	if page.Links.Next != "" {
		if err := c.next(op, page.Links.Next); err != nil {
			return nil, "", err
		}
	}
	return items, page.Meta.AfterCursor, nil
}

// each reads every page of a cursor listing and hands each item to fn,
// stopping at the first error.
func (c *client) each(ctx context.Context, op, path string, q url.Values, name string, fn func(json.RawMessage) error) error {
	after := ""
	for {
		q2 := url.Values{"page[size]": {"100"}}
		for k, v := range q {
			q2[k] = v
		}
		if after != "" {
			q2.Set("page[after]", after)
		}
		var raw map[string]json.RawMessage
		if err := c.get(ctx, c.url(path, q2), &raw); err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		items, next, err := c.cursorPage(op, raw, name, after)
		if err != nil {
			return err
		}
		for _, it := range items {
			if err := fn(it); err != nil {
				return err
			}
		}
		if next == "" {
			return nil
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		after = next
	}
}
