package outline

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client calls the API's methods through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string // the workspace address + "/api"
}

// newClient builds the client on the stack's retry policy, which waits out
// Outline's 429 answers by their Retry-After, and a pace of the settings'
// requests a second.
func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	pace := httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "outline",
		Auth:      httpx.Bearer(c.APIKey),
		UserAgent: "tributary-outline-connector",
		RateLimit: pace,
		Retry:     o.retry,
	})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.web() + "/api"}, nil
}

// call sends one API method with a JSON body and decodes the answer into
// v. Every method the connector calls only reads, so the stack may send it
// again after a server error, a broken connection or a broken body.
func (c *client) call(ctx context.Context, method string, body, v any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("outline: encode %s: %w", method, err)
	}
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, c.api+"/"+method, bytes.NewReader(b))
	if err != nil {
		return tributary.NewError("outline", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	if _, err := c.http.DoJSON(req, v); err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	return nil
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// malformed is an answer the connector cannot read: a listing that
// contradicts itself, an object without its id or times.
func malformed(op, format string, args ...any) error {
	return tributary.NewError("outline: "+op, tributary.ErrMalformedResponse, fmt.Errorf(format, args...))
}

// page is a listing's answer: its items, left raw so that one malformed
// item costs one failure, and its pagination.
type page struct {
	Data       json.RawMessage `json:"data"`
	Pagination *struct {
		Offset   *int   `json:"offset"`
		Limit    *int   `json:"limit"`
		NextPath string `json:"nextPath"`
		Total    *int   `json:"total"`
	} `json:"pagination"`
}

// list calls a listing method at offset and returns its items as raw
// JSON under key ("" for a data array, else the array data[key]). It
// checks what the answer says of itself: the offset and limit asked, no
// more items than the limit, and a next path within the API.
func (c *client) list(ctx context.Context, method string, body map[string]any, key string, offset, limit int) ([]json.RawMessage, error) {
	body["offset"], body["limit"] = offset, limit
	var p page
	if err := c.call(ctx, method, body, &p); err != nil {
		return nil, err
	}
	pg := p.Pagination
	if pg == nil || pg.Offset == nil || pg.Limit == nil {
		return nil, malformed(method, "answer without pagination")
	}
	if *pg.Offset != offset || *pg.Limit != limit {
		return nil, malformed(method, "asked for offset %d limit %d, answered offset %d limit %d", offset, limit, *pg.Offset, *pg.Limit)
	}
	if pg.NextPath != "" && !strings.HasPrefix(pg.NextPath, "/api/") {
		return nil, malformed(method, "next path %q leaves the API", pg.NextPath)
	}
	var items []json.RawMessage
	data := p.Data
	if key != "" {
		var obj map[string]json.RawMessage
		if err := json.Unmarshal(data, &obj); err != nil {
			return nil, malformed(method, "data is not an object: %v", err)
		}
		data = obj[key]
	}
	if err := json.Unmarshal(data, &items); err != nil || items == nil && string(data) != "[]" {
		return nil, malformed(method, "data%s is not a list", keyPath(key))
	}
	if len(items) > limit {
		return nil, malformed(method, "%d items on a page of %d", len(items), limit)
	}
	return items, nil
}

func keyPath(key string) string {
	if key == "" {
		return ""
	}
	return "." + key
}

// all yields every item of a listing, page by page, until a short page.
// A listing whose offsets the server ignores (the same page again) ends
// with ErrMalformedResponse rather than running forever.
func all[T any](ctx context.Context, c *client, method string, body map[string]any, key string, yield func(*T) error) error {
	var first string
	for offset := 0; ; offset += maxPageSize {
		items, err := c.list(ctx, method, body, key, offset, maxPageSize)
		if err != nil {
			return err
		}
		if len(items) > 0 {
			if offset > 0 && string(items[0]) == first {
				return malformed(method, "offset %d answered the page of offset %d again", offset, offset-maxPageSize)
			}
			first = string(items[0])
		}
		for _, raw := range items {
			var v T
			if err := json.Unmarshal(raw, &v); err != nil {
				return malformed(method, "item: %v", err)
			}
			if err := yield(&v); err != nil {
				return err
			}
		}
		if len(items) < maxPageSize {
			return nil
		}
	}
}
