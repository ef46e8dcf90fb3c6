package httpx

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"time"

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
// Link or rate-limit headers. A body that is cut short or is not valid JSON
// for v is fetched again, with the retry policy's backoff and attempts, when
// the request is idempotent and can be sent again (a body cut off by a
// dropped connection is the common case); when that does not help it is an
// ErrTransient error carrying the decoder's error. A body over the cap fails
// with ErrBodyTooLarge. It never panics on bad input.
func (c *Client) DoJSON(req *http.Request, v any) (http.Header, error) {
	if req.Header.Get("Accept") == "" {
		req = req.Clone(req.Context())
		req.Header.Set("Accept", "application/json")
	}
	replayable := canResend(req)
	for attempt := 1; ; attempt++ {
		h, err, broken := c.doJSONOnce(req, v)
		if !broken || !replayable || attempt >= c.retry.MaxAttempts {
			return h, err
		}
		c.log.Debug("httpx: body arrived broken, fetching again", "client", c.name, "attempt", attempt, "error", err)
		if werr := sleepCtx(req.Context(), c.retry.backoff(attempt)); werr != nil {
			return h, err
		}
		if req, err = rewind(req); err != nil {
			return h, err
		}
		if v != nil {
			// Nothing of the broken body may survive into the next decode.
			if rv := reflect.ValueOf(v); rv.Kind() == reflect.Pointer && !rv.IsNil() {
				rv.Elem().SetZero()
			}
		}
	}
}

// doJSONOnce sends req once and decodes its body. broken reports an answer
// that arrived but whose body could not be read or decoded.
func (c *Client) doJSONOnce(req *http.Request, v any) (h http.Header, err error, broken bool) {
	resp, err := c.Do(req)
	if err != nil {
		return nil, err, false
	}
	defer resp.Body.Close()
	if v == nil {
		_, err = io.Copy(io.Discard, resp.Body)
	} else {
		err = json.NewDecoder(resp.Body).Decode(v)
	}
	if err != nil {
		ctxDone := errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || req.Context().Err() != nil
		return resp.Header, c.decodeError(req, err), !ctxDone && !errors.Is(err, ErrBodyTooLarge)
	}
	return resp.Header, nil, false
}

// canResend reports whether req may be sent again after its answer's body
// arrived broken: it is idempotent and has no body, or one GetBody renews.
func canResend(req *http.Request) bool {
	return isIdempotent(req) && (req.Body == nil || req.Body == http.NoBody || req.GetBody != nil)
}

// rewind returns req ready to be sent again, with a fresh body when it has one.
func rewind(req *http.Request) (*http.Request, error) {
	if req.GetBody == nil {
		return req, nil
	}
	body, err := req.GetBody()
	if err != nil {
		return nil, err
	}
	req = req.Clone(req.Context())
	req.Body = body
	return req, nil
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
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
