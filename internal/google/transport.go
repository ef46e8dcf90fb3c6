package google

import (
	"bytes"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/netip"
	"syscall"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

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

// quotaTransport turns Google's rate-limit 403s into 429s. Google answers
// over-quota requests with 403 and a reason such as rateLimitExceeded,
// and no Retry-After; as 429s the stack retries them with backoff like
// any rate limit and never reports them as missing permissions.
type quotaTransport struct {
	next    http.RoundTripper
	reasons map[string]bool // the reasons of the API's 403 rate-limit answers
}

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
	case t.reasons[reason]:
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
