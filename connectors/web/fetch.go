package web

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
)

// maxRedirects bounds a chain of in-site redirects.
const maxRedirects = 10

// response is a fetched page after in-site redirects.
type response struct {
	url    *url.URL // the URL that answered, in fetch form
	header http.Header
	body   []byte
}

// skipError reports a URL the connector leaves alone on purpose: a
// redirect off the site or into a path robots.txt disallows. It is not a
// failure.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

// errTooLarge is the cause of a failure for a body over the size cap.
var errTooLarge = errors.New("body larger than max_page_bytes")

// errNotModified is a 304 answer to a conditional request.
var errNotModified = errors.New("not modified")

// get fetches u, following redirects that stay in the site and that
// robots.txt allows, reading at most limit bytes of the body. Redirects
// are followed here rather than by the client so that each hop is checked.
// The request is conditional on cond; a 304 answer is errNotModified.
func (r *run) get(ctx context.Context, u *url.URL, limit int64, cond conditions) (*response, error) {
	for hop := 0; ; hop++ {
		if hop > maxRedirects {
			return nil, fmt.Errorf("more than %d redirects", maxRedirects)
		}
		resp, loc, err := r.hop(ctx, u, limit, cond)
		if err != nil || loc == nil {
			return resp, err
		}
		if err := r.follows(loc); err != nil {
			return nil, err
		}
		u = loc
	}
}

// hop waits for the politeness limiter, then sends one request and reads
// its answer within the timeout, which therefore never runs out while a
// request is only queued behind a slow Crawl-delay. It returns the
// response, or the target of a redirect.
func (r *run) hop(ctx context.Context, u *url.URL, limit int64, cond conditions) (*response, *url.URL, error) {
	if err := r.c.wait(ctx); err != nil {
		return nil, nil, err
	}
	hctx, cancel := context.WithTimeout(ctx, r.c.s.Timeout.D())
	defer cancel()
	resp, err := r.c.do(hctx, u, cond)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
			err = tributary.NewError("", tributary.ErrTransient,
				fmt.Errorf("no answer within the %s timeout: %w", r.c.s.Timeout, err))
		}
		return nil, nil, err
	}
	defer drain(resp)
	if loc := redirectTarget(resp, u); loc != nil {
		return nil, loc, nil
	}
	if resp.StatusCode == http.StatusNotModified {
		return nil, nil, errNotModified
	}
	if err := statusError(resp); err != nil {
		return nil, nil, err
	}
	if resp.ContentLength > limit {
		return nil, nil, errTooLarge
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return nil, nil, tributary.NewError("read body", tributary.ErrTransient, err)
	}
	if int64(len(body)) > limit {
		return nil, nil, errTooLarge
	}
	return &response{url: u, header: resp.Header, body: body}, nil, nil
}

// wait blocks until the politeness limiter lets one more request through,
// reporting the wait to the run's Meter.
func (c *Connector) wait(ctx context.Context) error {
	res := c.limiter.Reserve()
	d := res.Delay()
	if d == 0 {
		return nil
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		tributary.MeterFrom(ctx).RateLimitWait(d)
		return nil
	case <-ctx.Done():
		res.Cancel()
		return ctx.Err()
	}
}

// follows checks a redirect target: in the site and allowed by robots.txt.
func (r *run) follows(loc *url.URL) error {
	if !r.site.contains(loc) {
		return &skipError{reason: "redirects off the site to " + loc.Redacted()}
	}
	if !r.allowed(loc) {
		return &skipError{reason: "redirects to a path robots.txt disallows"}
	}
	return nil
}

// redirectTarget returns the fetch form of a redirect's Location, or nil
// when resp is not a redirect.
func redirectTarget(resp *http.Response, from *url.URL) *url.URL {
	switch resp.StatusCode {
	case http.StatusMovedPermanently, http.StatusFound, http.StatusSeeOther,
		http.StatusTemporaryRedirect, http.StatusPermanentRedirect:
	default:
		return nil
	}
	loc, err := from.Parse(resp.Header.Get("Location"))
	if err != nil || resp.Header.Get("Location") == "" {
		return nil
	}
	return fetchURL(loc)
}

// do sends one GET through the connector's client, conditional on cond.
func (c *Connector) do(ctx context.Context, u *url.URL, cond conditions) (*http.Response, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, fmt.Errorf("request: %w", err)
	}
	req.Header.Set("User-Agent", c.s.UserAgent)
	cond.set(req)
	req.Header.Set("Accept", "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.5")
	resp, err := c.client.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, classifyTransport(err)
	}
	return resp, nil
}

// drain discards what is left of a body so the connection can be reused.
func drain(resp *http.Response) {
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
}
