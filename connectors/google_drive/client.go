package googledrive

import (
	"bytes"
	"context"
	"crypto/md5"
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

// client reads the Drive and Directory APIs through the shared HTTP stack.
type client struct {
	http  *httpx.Client
	sa    *delegated // the service account's tokens, nil for OAuth credentials
	drive string     // API root + /drive/v3
	admin string     // API root + /admin/directory/v1
	mode  string     // service_account, oauth or token
}

// newClient builds the client. Drive answers over-quota requests with 403
// userRateLimitExceeded or rateLimitExceeded and no Retry-After; the
// transport under the stack turns them into 429s, so the stack retries
// them with backoff like any rate limit and never reports them as missing
// permissions.
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
		if env.Credentials != nil {
			// Shared with other workers: refresh under the provider's lock.
			auth = httpx.SharedRefreshToken(cfg, env.Credentials, tokenCodec)
			break
		}
		tok := &oauth2.Token{AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal()}
		creds := *c
		auth = httpx.RefreshToken(cfg, tok, httpx.SaveTo(env, func(t *oauth2.Token) any {
			return map[string]string{"client_id": creds.ClientID, "client_secret": creds.ClientSecret.Reveal(),
				"refresh_token": t.RefreshToken, "access_token": t.AccessToken, "token_uri": creds.TokenURI}
		}))
	default:
		auth = httpx.Bearer(c.AccessToken)
	}
	hc, err := httpx.New(httpx.Options{Env: inner, Name: "google_drive", Auth: auth, UserAgent: "tributary-google-drive-connector",
		Retry: retry, MaxBodyBytes: max(s.MaxFileSize+1, 64<<20)})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, sa: sa, drive: s.api() + "/drive/v3", admin: s.api() + "/admin/directory/v1", mode: c.Mode()}, nil
}

// tokenCodec reads the OAuth token out of one user's credentials and puts
// a refreshed one in, keeping every other field as it was.
var tokenCodec = httpx.TokenCodec{
	Token: func(creds json.RawMessage) (*oauth2.Token, error) {
		var c struct {
			AccessToken  string `json:"access_token"`
			RefreshToken string `json:"refresh_token"`
		}
		if err := json.Unmarshal(creds, &c); err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		if c.RefreshToken == "" {
			return nil, errors.New("credentials hold no refresh_token")
		}
		return &oauth2.Token{AccessToken: c.AccessToken, RefreshToken: c.RefreshToken}, nil
	},
	Credentials: func(creds json.RawMessage, t *oauth2.Token) (json.RawMessage, error) {
		var m map[string]json.RawMessage
		if err := json.Unmarshal(creds, &m); err != nil {
			return nil, fmt.Errorf("credentials: %w", err)
		}
		for k, v := range map[string]string{"access_token": t.AccessToken, "refresh_token": t.RefreshToken} {
			b, _ := json.Marshal(v)
			m[k] = b
		}
		return json.Marshal(m)
	},
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

// quotaTransport turns Drive's rate-limit 403s into 429s.
type quotaTransport struct{ next http.RoundTripper }

// rateReasons are the reasons of Drive's 403 rate-limit answers.
var rateReasons = map[string]bool{"userRateLimitExceeded": true, "rateLimitExceeded": true, "sharingRateLimitExceeded": true,
	"dailyLimitExceeded": true}

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

// url joins a root, a path and query parameters.
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
		return tributary.NewError("google_drive", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

// errTooLarge is the cause of a body over the size bound.
var errTooLarge = errors.New("over the size limit")

// download reads a body of at most limit bytes. A body cut short, or one
// that does not match md5sum (Drive's md5Checksum of a binary file, when
// known), is read again, up to three times in all.
func (c *client) download(ctx context.Context, rawURL string, limit int64, md5sum string) ([]byte, string, error) {
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, "", tributary.NewError("google_drive", tributary.ErrInvalidConfig, err)
		}
		resp, err := c.http.Do(req)
		if err != nil {
			return nil, "", err
		}
		b, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
		resp.Body.Close()
		switch {
		case err == nil && int64(len(b)) > limit:
			return nil, "", errTooLarge
		case err == nil && resp.ContentLength >= 0 && int64(len(b)) != resp.ContentLength:
			lastErr = fmt.Errorf("body cut short: %d of %d bytes", len(b), resp.ContentLength)
		case err == nil && md5sum != "" && fmt.Sprintf("%x", md5.Sum(b)) != md5sum:
			lastErr = errors.New("body does not match its md5Checksum")
		case err == nil:
			return b, resp.Header.Get("Content-Type"), nil
		case ctx.Err() != nil:
			return nil, "", ctx.Err()
		default:
			lastErr = err
		}
	}
	return nil, "", tributary.NewError("google_drive: download", tributary.ErrTransient, lastErr)
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// badRequest reports a 400 answer: a page token Drive no longer takes,
// among others.
func badRequest(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusBadRequest
}
