package bookstack

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client calls the API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string // the instance's address + "/api/"
}

// newClient builds the client on the stack's retry policy, which waits out
// BookStack's 429 answers by their Retry-After, at the settings' pace.
func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	pace := httpx.RateLimit{PerSecond: float64(s.RequestsPerMinute) / 60, Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "bookstack",
		Auth:      httpx.HeaderWithPrefix("Authorization", "Token ", tributary.NewSecret(c.TokenID+":"+c.TokenSecret.Reveal())),
		UserAgent: "tributary-bookstack-connector",
		RateLimit: pace,
		Retry:     o.retry,
	})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.web() + "/api/"}, nil
}

// get reads an API path with its query into v.
func (c *client) get(ctx context.Context, path string, q url.Values, v any) error {
	u := c.api + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return tributary.NewError("bookstack", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	if _, err := c.http.DoJSON(req, v); err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	return nil
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per page.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// malformed is an answer the connector cannot use.
func malformed(op, format string, args ...any) error {
	return tributary.NewError("bookstack: "+op, tributary.ErrMalformedResponse, fmt.Errorf(format, args...))
}

// listing is a listing's answer: its items, left raw so that one
// malformed item costs one failure, and the total of the query.
type listing struct {
	Data  json.RawMessage `json:"data"`
	Total *int            `json:"total"`
}

// list asks a listing for count items from offset and checks the answer:
// a data list of at most count items and a total.
func (c *client) list(ctx context.Context, path string, q url.Values, offset, count int) ([]json.RawMessage, int, error) {
	q = cloneQuery(q)
	q.Set("count", fmt.Sprint(count))
	if offset > 0 {
		q.Set("offset", fmt.Sprint(offset))
	}
	var l listing
	if err := c.get(ctx, path, q, &l); err != nil {
		return nil, 0, err
	}
	var items []json.RawMessage
	if err := json.Unmarshal(l.Data, &items); err != nil || items == nil && string(l.Data) != "[]" {
		return nil, 0, malformed(path, "data is not a list")
	}
	if l.Total == nil || *l.Total < 0 {
		return nil, 0, malformed(path, "listing without its total")
	}
	if len(items) > count {
		return nil, 0, malformed(path, "%d items on a page of %d", len(items), count)
	}
	return items, *l.Total, nil
}

func cloneQuery(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

// all yields every item of a listing, page by page by offset. The listing
// ends at a short page or once the total of the first answer is reached:
// BookStack releases before v0.29.3 answered a request with an offset with
// the total of that page alone, so later totals are not trusted. A
// listing whose offsets the server ignores (the same page again) ends with
// ErrMalformedResponse rather than running forever.
func all[T any](ctx context.Context, c *client, path string, q url.Values, count int, yield func(*T) error) error {
	var first string
	total := -1
	for offset := 0; ; offset += count {
		items, t, err := c.list(ctx, path, q, offset, count)
		if err != nil {
			return err
		}
		if total < 0 {
			total = t
		}
		if len(items) > 0 {
			if offset > 0 && string(items[0]) == first {
				return malformed(path, "offset %d answered the page of offset %d again", offset, offset-count)
			}
			first = string(items[0])
		}
		for _, raw := range items {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return malformed(path, "item: %v", err)
			}
			if err := yield(&v); err != nil {
				return err
			}
		}
		if len(items) < count || offset+len(items) >= total {
			return nil
		}
	}
}

// stampLayout is how filters give times: BookStack compares them with its
// database's datetime columns, which hold seconds.
const stampLayout = "2006-01-02 15:04:05"

// stamp formats t, rounded up to the second, for a filter.
func stamp(t time.Time) string { return ceilSecond(t).Format(stampLayout) }

// ceilSecond rounds t up to a whole second, in UTC: an item (whose time
// has whole seconds) is at or after t exactly when it is at or after
// ceilSecond(t), and before t exactly when before ceilSecond(t).
func ceilSecond(t time.Time) time.Time {
	t = t.UTC()
	if tr := t.Truncate(time.Second); !tr.Equal(t) {
		return tr.Add(time.Second)
	}
	return t
}
