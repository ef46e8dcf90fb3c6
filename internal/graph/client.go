// Package graph is what the Microsoft 365 connectors (SharePoint, Teams)
// share to read Microsoft Graph: the app's credentials and its
// client-credentials token (a client secret or a signed certificate
// assertion), the HTTP stack under the address guard with Graph's
// throttling 503 read as a rate limit, one-object reads that renew a
// refused token once and name the permission a refusal lacks, listings
// through @odata.nextLink that never leave the API root, and JSON
// batching ($batch).
package graph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"syscall"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// MaxLink bounds a link kept in a checkpoint or in Values, and a next
// link followed.
const MaxLink = 8192

// Options say how to reach Graph.
type Options struct {
	// Name names the connector in errors and the user agent
	// ("sharepoint").
	Name string
	Env  tributary.Env
	// Retry is the stack's retry policy; zero is its default.
	Retry httpx.RetryPolicy
	// MaxBodyBytes bounds an answer's body; 1 MiB when zero.
	MaxBodyBytes int64
	// GraphURL and LoginURL are the roots of Graph and of the identity
	// platform.
	GraphURL, LoginURL string
	Credentials        *Credentials
}

// Client reads Graph v1.0 through the shared HTTP stack.
type Client struct {
	// HTTP sends requests with the app's token.
	HTTP *httpx.Client
	// Auth is the app's token.
	Auth *AppToken
	// Root is the Graph root with /v1.0.
	Root string
	name string
}

// New returns a client for the app. It sends no request.
func New(o Options) (*Client, error) {
	inner := o.Env
	inner.HTTPClient = &http.Client{Transport: throttleTransport{next: guardedBase(o.Env)}}
	agent := "tributary-" + o.Name + "-connector"
	th, err := httpx.New(httpx.Options{Env: inner, Name: o.Name, Retry: o.Retry, UserAgent: agent, MaxBodyBytes: 1 << 20})
	if err != nil {
		return nil, err
	}
	auth, err := NewAppToken(o.Name, o.LoginURL, o.GraphURL, o.Credentials, th)
	if err != nil {
		return nil, err
	}
	hc, err := httpx.New(httpx.Options{Env: inner, Name: o.Name, Auth: auth, Retry: o.Retry, UserAgent: agent,
		MaxBodyBytes: max(o.MaxBodyBytes, 1<<20)})
	if err != nil {
		return nil, err
	}
	return &Client{HTTP: hc, Auth: auth, Root: strings.TrimRight(o.GraphURL, "/") + "/v1.0", name: o.Name}, nil
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

// throttleTransport turns Graph's throttling 503 (one with Retry-After,
// as SharePoint and Teams send) into a 429, so the stack waits as asked
// and reports a rate limit rather than a server error.
type throttleTransport struct{ next http.RoundTripper }

func (t throttleTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err == nil && resp.StatusCode == http.StatusServiceUnavailable && resp.Header.Get("Retry-After") != "" {
		resp.StatusCode, resp.Status = http.StatusTooManyRequests, "429 Too Many Requests"
	}
	return resp, err
}

// Get fetches one object into v. A token Graph refuses (401
// InvalidAuthenticationToken) is dropped and the request sent once more
// with a new one; a refusal for a missing permission (403) names perm.
func (c *Client) Get(ctx context.Context, rawURL, perm string, v any) error {
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return tributary.NewError(c.name, tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
		}
		used := c.Auth.Current()
		_, err = c.HTTP.DoJSON(req, v)
		if attempt == 0 && errors.Is(err, tributary.ErrCredentialExpired) {
			c.Auth.Forget(used)
			continue
		}
		return Named(err, perm)
	}
}

// Named adds the application permission a refused request needs.
func Named(err error, perm string) error {
	if err != nil && perm != "" && errors.Is(err, tributary.ErrInsufficientPermissions) {
		return fmt.Errorf("the app needs the application permission %s (granted with admin consent): %w", perm, err)
	}
	return err
}

// Gone reports a 410 answer: a delta token Graph no longer takes.
func Gone(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusGone
}

// Status returns the HTTP status of a refused request, 0 for another
// error.
func Status(err error) int {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return se.StatusCode
	}
	return 0
}

// Within reports whether a link Graph gave stays under its API root, so
// that the token never leaves it.
func (c *Client) Within(link string) bool {
	return strings.HasPrefix(link, c.Root+"/")
}

// Listing is a page of a Graph collection: its values kept undecoded, so
// that one malformed value costs one failure, not the page.
type Listing struct {
	Value     []json.RawMessage `json:"value"`
	NextLink  string            `json:"@odata.nextLink"`
	DeltaLink string            `json:"@odata.deltaLink"`
}

// CheckNext reports a next link that repeats the page's own, is too long
// or leaves the Graph API as ErrMalformedResponse.
func (c *Client) CheckNext(link, next string) error {
	if next == link || next != "" && (len(next) > MaxLink || !c.Within(next)) {
		return tributary.NewError(c.name+": list", tributary.ErrMalformedResponse,
			errors.New("a next link that repeats itself or leaves the Graph API"))
	}
	return nil
}

// List reads every page of a collection from link, following
// @odata.nextLink while it stays under the Graph API, and calls each for
// every value; an error from each ends the listing.
func (c *Client) List(ctx context.Context, link, perm string, each func(json.RawMessage) error) error {
	for pages := 0; link != ""; pages++ {
		if pages > 100000 {
			return tributary.NewError(c.name+": list", tributary.ErrMalformedResponse, errors.New("endless listing"))
		}
		var pg Listing
		if err := c.Get(ctx, link, perm, &pg); err != nil {
			return err
		}
		for _, raw := range pg.Value {
			if err := each(raw); err != nil {
				return err
			}
		}
		if err := c.CheckNext(link, pg.NextLink); err != nil {
			return err
		}
		link = pg.NextLink
	}
	return nil
}

// MaxBatch is the most requests one $batch carries.
const MaxBatch = 20

// BatchAnswer is the answer to one request of a batch.
type BatchAnswer struct {
	Status int
	// RetryAfter is the wait a throttled request was told.
	RetryAfter time.Duration
	Body       json.RawMessage
}

// Batch sends GET requests for the paths (relative to /v1.0, such as
// /teams/T/channels/C/messages/M/replies) in one $batch each twenty, and
// returns their answers in the paths' order. A path Graph gave no answer
// for has status 0. An error is one of the whole batch; the answers of
// batches sent before it are returned with it.
func (c *Client) Batch(ctx context.Context, paths []string) ([]BatchAnswer, error) {
	out := make([]BatchAnswer, len(paths))
	for off := 0; off < len(paths); off += MaxBatch {
		chunk := paths[off:min(off+MaxBatch, len(paths))]
		type request struct {
			ID     string `json:"id"`
			Method string `json:"method"`
			URL    string `json:"url"`
		}
		var body struct {
			Requests []request `json:"requests"`
		}
		for i, p := range chunk {
			body.Requests = append(body.Requests, request{ID: fmt.Sprint(off + i), Method: http.MethodGet, URL: p})
		}
		var ans struct {
			Responses []struct {
				ID      string            `json:"id"`
				Status  int               `json:"status"`
				Headers map[string]string `json:"headers"`
				Body    json.RawMessage   `json:"body"`
			} `json:"responses"`
		}
		if err := c.HTTP.PostJSON(httpx.Idempotent(ctx), c.Root+"/$batch", body, &ans); err != nil {
			return out, err
		}
		for _, r := range ans.Responses {
			var i int
			if _, err := fmt.Sscan(r.ID, &i); err != nil || i < off || i >= off+len(chunk) || out[i].Status != 0 {
				continue
			}
			out[i] = BatchAnswer{Status: r.Status, Body: r.Body}
			for k, v := range r.Headers {
				if strings.EqualFold(k, "Retry-After") {
					var s int
					if _, err := fmt.Sscan(v, &s); err == nil && s > 0 {
						out[i].RetryAfter = time.Duration(s) * time.Second
					}
				}
			}
		}
	}
	return out, nil
}
