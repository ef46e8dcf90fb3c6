package gmail

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"syscall"
	"time"

	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the Gmail and Directory APIs through the shared HTTP stack.
type client struct {
	http  *httpx.Client
	sa    *delegated // the service account's tokens, nil for OAuth credentials
	gmail string     // API root + /gmail/v1/users
	admin string     // API root + /admin/directory/v1
	mode  string     // service_account, oauth or token
}

// newClient builds the client. Gmail answers over-quota requests with 429
// or with 403 userRateLimitExceeded or rateLimitExceeded and no
// Retry-After; the transport under the stack turns the 403s into 429s, so
// the stack retries them with backoff like any rate limit and never
// reports them as missing permissions.
func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	base := quotaTransport{next: guardedBase(env)}
	inner := env
	inner.HTTPClient = &http.Client{Transport: base}
	tokenURI := c.TokenURI
	var auth httpx.Auth
	var sa *delegated
	switch c.Mode() {
	case "service_account":
		d, err := newDelegated([]byte(c.ServiceAccountKey.Reveal()), &http.Client{Transport: base, Timeout: time.Minute}, tokenURI)
		if err != nil {
			return nil, err
		}
		auth, sa = d, d
	case "oauth":
		if tokenURI == "" {
			tokenURI = DefaultTokenURI
		}
		cfg := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{TokenURL: tokenURI, AuthStyle: oauth2.AuthStyleInParams}}
		tok := &oauth2.Token{AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal()}
		creds := *c
		auth = httpx.RefreshToken(cfg, tok, httpx.SaveTo(env, func(t *oauth2.Token) any {
			return map[string]string{"client_id": creds.ClientID, "client_secret": creds.ClientSecret.Reveal(),
				"refresh_token": t.RefreshToken, "access_token": t.AccessToken, "token_uri": creds.TokenURI}
		}))
	default:
		auth = httpx.Bearer(c.AccessToken)
	}
	// An attachment arrives base64-encoded in JSON: a third larger.
	hc, err := httpx.New(httpx.Options{Env: inner, Name: "gmail", Auth: auth, UserAgent: "tributary-gmail-connector",
		Retry: retry, MaxBodyBytes: max(s.MaxAttachmentSize/3*4+(1<<20), 64<<20),
		RateLimit: httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: s.Concurrency}})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, sa: sa, gmail: s.api() + "/gmail/v1/users", admin: s.api() + "/admin/directory/v1", mode: c.Mode()}, nil
}

// guardedBase returns the host's transport with the address guard applied
// at dial time (httpx applies it to URLs only when its base is not an
// *http.Transport, as here, where the quota transport wraps it).
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

// quotaTransport turns Gmail's rate-limit 403s into 429s.
type quotaTransport struct{ next http.RoundTripper }

// rateReasons are the reasons of Google's 403 rate-limit answers.
var rateReasons = map[string]bool{"userRateLimitExceeded": true, "rateLimitExceeded": true, "dailyLimitExceeded": true,
	"quotaExceeded": true}

func (t quotaTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusForbidden {
		return resp, err
	}
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if rerr != nil {
		return resp, nil
	}
	switch reason := reasonOf(b); {
	case rateReasons[reason]:
		resp.StatusCode, resp.Status = http.StatusTooManyRequests, "429 Too Many Requests"
	case reason == "":
		// A refusal whose reason cannot be read (a body cut short) may be
		// a rate limit as well as a missing permission: ask again.
		resp.StatusCode, resp.Status = http.StatusServiceUnavailable, "503 Service Unavailable"
	}
	return resp, nil
}

// apiError is Google's error body.
type apiError struct {
	Error struct {
		Code    int    `json:"code"`
		Message string `json:"message"`
		Errors  []struct {
			Reason string `json:"reason"`
		} `json:"errors"`
	} `json:"error"`
}

// reasonOf returns the first reason of an error body, or "".
func reasonOf(b []byte) string {
	var e apiError
	if json.Unmarshal(b, &e) != nil || len(e.Error.Errors) == 0 {
		return ""
	}
	return e.Error.Errors[0].Reason
}

// join joins a root, a path and query parameters.
func join(root, path string, q url.Values) string {
	if len(q) == 0 {
		return root + path
	}
	return root + path + "?" + q.Encode()
}

// get fetches one object into v; the stack fetches a broken body again.
func (c *client) get(ctx context.Context, rawURL string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return tributary.NewError("gmail", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// hidden reports an answer that the thread or mailbox cannot be seen.
func hidden(err error) bool {
	return errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions)
}

// badRequest reports a 400 answer: a page token Gmail no longer takes, or
// a user without Gmail (failedPrecondition), among others.
func badRequest(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusBadRequest
}
