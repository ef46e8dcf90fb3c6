package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/extract"
)

// Application permissions, named in errors when Graph refuses a request.
const (
	PermSites  = "Sites.Read.All"
	PermGroups = "GroupMember.Read.All"
)

// client reads Graph through the shared HTTP stack.
type client struct {
	http  *httpx.Client
	auth  *appToken
	graph string // Graph root + /v1.0
}

func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	base := throttleTransport{next: guardedBase(env)}
	inner := env
	inner.HTTPClient = &http.Client{Transport: base}
	th, err := httpx.New(httpx.Options{Env: inner, Name: "sharepoint", Retry: retry, UserAgent: "tributary-sharepoint-connector",
		MaxBodyBytes: 1 << 20})
	if err != nil {
		return nil, err
	}
	auth, err := newAppToken(s, c, th)
	if err != nil {
		return nil, err
	}
	hc, err := httpx.New(httpx.Options{Env: inner, Name: "sharepoint", Auth: auth, Retry: retry,
		UserAgent: "tributary-sharepoint-connector", MaxBodyBytes: max(s.MaxFileSize+1, 64<<20)})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, auth: auth, graph: s.graph()}, nil
}

// guardedBase returns the host's transport with the address guard applied
// at dial time (httpx applies it to URLs only when its base is not an
// *http.Transport, as here, where the throttle transport wraps it).
func guardedBase(env tributary.Env) http.RoundTripper {
	var rt http.RoundTripper = http.DefaultTransport
	if env.HTTPClient != nil && env.HTTPClient.Transport != nil {
		rt = env.HTTPClient.Transport
	}
	t, ok := rt.(*http.Transport)
	if !ok {
		return rt
	}
	t = t.Clone()
	if t.ResponseHeaderTimeout == 0 {
		t.ResponseHeaderTimeout = httpx.DefaultResponseHeaderTimeout
	}
	if !env.AllowPrivateNetwork {
		d := &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil || httpx.ForbiddenAddr(ap.Addr()) {
				return &httpx.ForbiddenAddressError{Host: address, Dial: true}
			}
			return nil
		}}
		t.DialContext = d.DialContext
	}
	return t
}

// throttleTransport turns SharePoint's throttling 503 (one with
// Retry-After) into a 429, so the stack waits as asked and reports a rate
// limit rather than a server error.
type throttleTransport struct{ next http.RoundTripper }

func (t throttleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
		resp.StatusCode, resp.Status = http.StatusTooManyRequests, "429 Too Many Requests"
	}
	return resp, err
}

// get fetches one object into v. A token Graph refuses (401) is dropped
// and the request sent once more with a new one; a refusal for a missing
// permission names perm.
func (c *client) get(ctx context.Context, rawURL, perm string, v any) error {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return tributary.NewError("sharepoint", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
		}
		used := c.auth.current()
		_, err = c.http.DoJSON(req, v)
		if attempt == 0 && errors.Is(err, tributary.ErrCredentialExpired) {
			c.auth.forget(used)
			continue
		}
		return named(err, perm)
	}
}

// named adds the application permission a refused request needs.
func named(err error, perm string) error {
	if err != nil && perm != "" && errors.Is(err, tributary.ErrInsufficientPermissions) {
		return fmt.Errorf("the app needs the application permission %s (granted with admin consent): %w", perm, err)
	}
	return err
}

// errTooLarge is the cause of a body over the size bound.
var errTooLarge = errors.New("over the size limit")

// download reads a file's content through /content, which answers with a
// redirect to a pre-authenticated URL the stack follows (sending no
// token to another host). A body of another size than the item's, or a
// refused download URL, is read again, up to three times in all.
func (c *client) download(ctx context.Context, rawURL string, limit, size int64) ([]byte, error) {
	var lastErr error
	for attempt := range 3 {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, tributary.NewError("sharepoint", tributary.ErrInvalidConfig, err)
		}
		used := c.auth.current()
		resp, err := c.http.Do(req)
		if err != nil && attempt < 2 && errors.Is(err, tributary.ErrCredentialExpired) {
			// A refused token, or a download URL whose tempauth lapsed
			// (the file changed after the redirect): ask again.
			c.auth.forget(used)
			lastErr = err
			continue
		}
		if err != nil {
			return nil, named(err, PermSites)
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
		resp.Body.Close()
		switch {
		case err == nil && int64(len(b)) > limit:
			return nil, errTooLarge
		case err == nil && size >= 0 && int64(len(b)) != size:
			lastErr = fmt.Errorf("body of %d bytes, the item has %d", len(b), size)
		case err == nil:
			return b, nil
		case ctx.Err() != nil:
			return nil, ctx.Err()
		default:
			lastErr = err
		}
	}
	return nil, tributary.NewError("sharepoint: download", tributary.ErrTransient, lastErr)
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, tributary.ErrInvalidConfig) || errors.Is(err, extract.ErrKeep) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// gone reports a 410 answer: a delta token Graph no longer takes.
func gone(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusGone
}

// within reports whether a link Graph gave stays under its API root, so
// that the token never leaves it.
func (c *client) within(link string) bool {
	return strings.HasPrefix(link, c.graph+"/")
}
