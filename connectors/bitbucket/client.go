package bitbucket

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

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string // API root without a trailing slash
	web  string // site address without a trailing slash
}

// retryPolicy waits longer than the stack's default: Bitbucket's budget is
// a rolling hour and its 429 answers name no wait, so backing off for
// minutes lets the oldest requests of the hour drop out of the window.
var retryPolicy = httpx.RetryPolicy{MaxAttempts: 10, MaxWait: 10 * time.Minute, MaxBackoff: 2 * time.Minute}

func newClient(s *Settings, c *Credentials, env tributary.Env) (*client, error) {
	var auth httpx.Auth
	if !c.AccessToken.IsZero() {
		auth = httpx.Bearer(c.AccessToken)
	} else {
		auth = httpx.Basic(c.Username, c.AppPassword)
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "bitbucket", Auth: auth, Retry: retryPolicy,
		UserAgent: "tributary-bitbucket-connector"})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.apiURL(), web: s.webURL()}, nil
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
		return tributary.NewError("bitbucket", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	_, err = c.http.DoJSON(req, v)
	return err
}

// pageBody is Bitbucket's paging object. Values stay raw so that one
// malformed item costs one failure, not the page.
type pageBody struct {
	Values  *[]json.RawMessage `json:"values"`
	Next    string             `json:"next"`
	Page    int                `json:"page"`
	Pagelen int                `json:"pagelen"`
}

// page fetches one page of a listing and returns its values and its next
// link, "" on the last page. A page without values, or whose next link
// leaves the API root or names the page itself, is ErrMalformedResponse:
// the listing cannot be trusted and asking again would not help.
func (c *client) page(ctx context.Context, rawURL string) ([]json.RawMessage, string, error) {
	var body pageBody
	if err := c.get(ctx, rawURL, &body); err != nil {
		return nil, "", err
	}
	if body.Values == nil {
		return nil, "", malformed("page of %s has no values", redactURL(rawURL))
	}
	if body.Next == "" {
		return *body.Values, "", nil
	}
	if !strings.HasPrefix(body.Next, c.api+"/") {
		return nil, "", tributary.NewError("bitbucket", tributary.ErrMalformedResponse,
			fmt.Errorf("next link %s leaves the API root %s: %w", redactURL(body.Next), c.api, httpx.ErrPagination))
	}
	if body.Next == rawURL {
		return nil, "", tributary.NewError("bitbucket", tributary.ErrMalformedResponse,
			fmt.Errorf("next link names the page itself: %w", httpx.ErrPagination))
	}
	return *body.Values, body.Next, nil
}

// pages lists every page of a listing from first by its next links, with
// the stack's guards against repeated links and endless listings.
func (c *client) pages(ctx context.Context, first string) iter.Seq2[httpx.Page[json.RawMessage], error] {
	return httpx.Cursor(ctx, first, httpx.Limits{}, c.page)
}

// each decodes the items of every page of a listing.
func each[T any](ctx context.Context, c *client, first string) iter.Seq2[*T, error] {
	return func(yield func(*T, error) bool) {
		for pg, err := range c.pages(ctx, first) {
			if err != nil {
				yield(nil, err)
				return
			}
			for _, raw := range pg.Items {
				var v T
				if err := json.Unmarshal(raw, &v); err != nil {
					yield(nil, malformed("item of %s: %v", redactURL(pg.At), err))
					return
				}
				if !yield(&v, nil) {
					return
				}
			}
		}
	}
}

func malformed(format string, args ...any) error {
	return tributary.NewError("bitbucket", tributary.ErrMalformedResponse, fmt.Errorf(format, args...))
}

// redactURL drops a URL's query, which may hold user input, for messages.
func redactURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(bad URL)"
	}
	u.RawQuery, u.User, u.Fragment = "", nil, ""
	return u.String()
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// hidden reports errors that mean one object is gone or may not be read.
func hidden(err error) bool {
	return errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions)
}

func isNotFound(err error) bool { return errors.Is(err, tributary.ErrNotFound) }
