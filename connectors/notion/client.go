package notion

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// ErrMalformed is the cause of an answer the connector cannot read: a
// listing that says more follow but gives no cursor, an object without
// its id or times. It matches with errors.Is.
var ErrMalformed = errors.New("malformed answer from the Notion API")

// client reads the API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string // base URL + "/v1"
}

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	pace := httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: 3}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "notion",
		Auth:      httpx.Bearer(c.Token),
		UserAgent: "tributary-notion-connector",
		RateLimit: pace,
		Retry:     o.retry,
	})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.api()}, nil
}

// url joins the API root, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.api + path
	}
	return c.api + path + "?" + q.Encode()
}

// get fetches one object into v; the stack fetches a broken body again.
func (c *client) get(ctx context.Context, path string, q url.Values, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.url(path, q), nil)
	if err != nil {
		return tributary.NewError("notion", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Notion-Version", APIVersion)
	_, err = c.http.DoJSON(req, v)
	return err
}

// post sends a read-only query (search, database query) as JSON. These
// change nothing, so the stack may send them again after a server error
// or a broken body.
func (c *client) post(ctx context.Context, path string, body, v any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("notion: encode request: %w", err)
	}
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, c.url(path, nil), bytes.NewReader(b))
	if err != nil {
		return tributary.NewError("notion", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Notion-Version", APIVersion)
	_, err = c.http.DoJSON(req, v)
	return err
}

// apiCode returns the code of a Notion error answer (validation_error,
// object_not_found, restricted_resource ...), or "" for other errors.
func apiCode(err error) string {
	se, ok := errors.AsType[*httpx.StatusError](err)
	if !ok {
		return ""
	}
	var body struct {
		Object string `json:"object"`
		Code   string `json:"code"`
	}
	if json.Unmarshal([]byte(se.Body), &body) != nil || body.Object != "error" {
		return ""
	}
	return body.Code
}

// invalidCursor reports a 400 validation_error: for a request that named
// a cursor, the cursor is no longer accepted.
func invalidCursor(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusBadRequest && apiCode(err) == "validation_error"
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// gone reports an object deleted or no longer shared with the
// integration: Notion answers 404 object_not_found for both, and 403
// restricted_resource for an object the integration lost access to.
func gone(err error) bool {
	return errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions)
}

func malformed(op, msg string) error {
	return tributary.NewError("notion: "+op, nil, fmt.Errorf("%w: %s", ErrMalformed, msg))
}
