package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/tributary-dev/tributary"
)

// GetJSON gets rawURL and decodes its JSON body into v; see DoJSON.
func (c *Client) GetJSON(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return c.fail(tributary.ErrInvalidConfig, errors.New(c.redact(err.Error())))
	}
	_, err = c.DoJSON(req, v)
	return err
}

// PostJSON posts body encoded as JSON to rawURL and decodes the JSON answer
// into v (when v is not nil). POST is not retried after a server error
// unless ctx comes from Idempotent.
func (c *Client) PostJSON(ctx context.Context, rawURL string, body, v any) error {
	b, err := json.Marshal(body)
	if err != nil {
		return c.fail(nil, fmt.Errorf("encode request body: %w", err))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(b))
	if err != nil {
		return c.fail(tributary.ErrInvalidConfig, errors.New(c.redact(err.Error())))
	}
	req.Header.Set("Content-Type", "application/json")
	_, err = c.DoJSON(req, v)
	return err
}

// DoJSON sends req (asking for JSON unless it sets Accept), decodes the
// body into v (skipped when v is nil) and returns the response headers, for
// Link or rate-limit headers. A body that is not valid JSON for v, or is
// cut short, is an ErrTransient error carrying the decoder's error; a body
// over the cap fails with ErrBodyTooLarge. It never panics on bad input.
func (c *Client) DoJSON(req *http.Request, v any) (http.Header, error) {
	if req.Header.Get("Accept") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept", "application/json")
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if v == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		err = json.NewDecoder(resp.Body).Decode(v)
	}
	if err != nil {
		return resp.Header, c.decodeError(req, err)
	}
	return resp.Header, nil
}

func (c *Client) decodeError(req *http.Request, err error) error {
	where := req.Method + " " + c.redact(req.URL.String())
	switch {
	case errors.Is(err, ErrBodyTooLarge):
		return c.fail(nil, fmt.Errorf("%s: %w", where, err))
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return redactError(c.fail(nil, fmt.Errorf("%s: %w", where, err)), c.secrets())
	case errors.Is(err, io.EOF):
		err = fmt.Errorf("empty body: %w", io.ErrUnexpectedEOF)
	}
	return redactError(c.fail(tributary.ErrTransient, fmt.Errorf("%s: decode JSON: %w", where, err)), c.secrets())
}
