package httpx

import (
	"errors"
	"fmt"
	"io"
	"net/http"

	"github.com/tributary-dev/tributary"
)

// DoBody sends req and reads its body whole, at most limit bytes, for a
// file's content. An answer whose body breaks off, ends short of its
// Content-Length, or that verify refuses (a size or checksum the caller
// knows from the item's metadata) is fetched again, with the retry
// policy's backoff and attempts, when req is idempotent and can be sent
// again; when that does not help it is an ErrTransient error carrying the
// last cause. A body over limit fails at once with ErrBodyTooLarge, as do
// the errors of Do. verify, when not nil, sees the response (its body
// already read and closed) and the body; resp is returned with the body
// so the caller can read its headers and status.
func (c *Client) DoBody(req *http.Request, limit int64, verify func(resp *http.Response, body []byte) error) (*http.Response, []byte, error) {
	replayable := canResend(req)
	where := req.Method + " " + c.redact(req.URL.String())
	for attempt := 1; ; attempt++ {
		resp, body, broken, err := c.doBodyOnce(req, limit, verify)
		if err == nil || broken == nil {
			return resp, body, err
		}
		if !replayable || attempt >= c.retry.MaxAttempts {
			return resp, nil, redactError(c.fail(tributary.ErrTransient, fmt.Errorf("%s: %w", where, broken)), c.secrets())
		}
		c.log.Debug("httpx: body arrived broken, fetching again", "client", c.name, "attempt", attempt, "error", c.redact(broken.Error()))
		if werr := sleepCtx(req.Context(), c.retry.backoff(attempt)); werr != nil {
			return resp, nil, werr
		}
		if req, err = rewind(req); err != nil {
			return nil, nil, err
		}
	}
}

// doBodyOnce sends req once and reads its body. broken, when set, is why
// an answer that arrived cannot be used and may be fetched again; err is
// then set too.
func (c *Client) doBodyOnce(req *http.Request, limit int64, verify func(*http.Response, []byte) error) (resp *http.Response, body []byte, broken, err error) {
	resp, err = c.Do(req)
	if err != nil {
		return nil, nil, nil, err
	}
	body, err = io.ReadAll(io.LimitReader(resp.Body, limit+1))
	resp.Body.Close()
	switch {
	case err == nil && int64(len(body)) > limit, errors.Is(err, ErrBodyTooLarge):
		err = c.fail(nil, fmt.Errorf("%s %s: %w", req.Method, c.redact(req.URL.String()), ErrBodyTooLarge))
		return resp, nil, nil, err
	case err != nil && req.Context().Err() != nil:
		return resp, nil, nil, req.Context().Err()
	case err != nil:
		return resp, nil, err, err
	case resp.ContentLength >= 0 && int64(len(body)) != resp.ContentLength:
		err = fmt.Errorf("body cut short: %d of %d bytes", len(body), resp.ContentLength)
		return resp, nil, err, err
	}
	if verify != nil {
		if err = verify(resp, body); err != nil {
			return resp, nil, err, err
		}
	}
	return resp, body, nil, nil
}
