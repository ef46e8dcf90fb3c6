package web

import (
	"errors"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
)

// newClient builds the HTTP client every request of the connector goes
// through; it is the one place the HTTP stack is chosen. The client never
// follows redirects itself: get follows them hop by hop, checking each.
func newClient(env tributary.Env) *http.Client {
	var base http.RoundTripper = http.DefaultTransport
	if env.HTTPClient != nil && env.HTTPClient.Transport != nil {
		base = env.HTTPClient.Transport
	}
	return &http.Client{
		Transport:     base,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// statusError classifies a non-2xx status into the error kinds.
func statusError(resp *http.Response) error {
	code := resp.StatusCode
	if code >= 200 && code < 300 {
		return nil
	}
	var kind error
	switch {
	case code == http.StatusUnauthorized:
		kind = tributary.ErrCredentialExpired
	case code == http.StatusForbidden:
		kind = tributary.ErrInsufficientPermissions
	case code == http.StatusNotFound || code == http.StatusGone:
		kind = tributary.ErrNotFound
	case code == http.StatusTooManyRequests:
		kind = tributary.ErrRateLimited
	case code >= 500:
		kind = tributary.ErrTransient
	}
	return tributary.NewError("", kind, httpStatus(code))
}

// httpStatus is the cause of an error for a non-2xx status.
type httpStatus int

func (s httpStatus) Error() string {
	return fmt.Sprintf("HTTP %d %s", int(s), http.StatusText(int(s)))
}

// classifyTransport classifies an error from the transport.
func classifyTransport(err error) error {
	if errors.Is(err, tributary.ErrInvalidConfig) || tributary.Kind(err) != nil {
		return err
	}
	return tributary.NewError("fetch", tributary.ErrTransient, err)
}
