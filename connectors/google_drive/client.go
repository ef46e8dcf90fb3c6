package googledrive

import (
	"context"
	"crypto/md5"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/google"
)

// client reads the Drive and Directory APIs through the shared HTTP stack.
type client struct {
	http  *httpx.Client
	sa    *google.Delegated // the service account's tokens, nil for OAuth credentials
	drive string            // API root + /drive/v3
	admin string            // API root + /admin/directory/v1
	mode  string            // service_account, oauth or token
}

// rateReasons are the reasons of Drive's 403 rate-limit answers, which
// the stack retries as 429s.
var rateReasons = []string{"userRateLimitExceeded", "rateLimitExceeded", "sharingRateLimitExceeded", "dailyLimitExceeded"}

// newClient builds the client on the shared Google stack (service account
// tokens per user, OAuth refresh, rate-limit 403s as 429s).
func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	st, err := google.NewStack(c, env, google.Options{Name: "google_drive", Scope: ScopeDriveReadonly, RateReasons: rateReasons})
	if err != nil {
		return nil, err
	}
	hc, err := httpx.New(httpx.Options{Env: st.Env, Name: "google_drive", Auth: st.Auth, UserAgent: "tributary-google-drive-connector",
		Retry: retry, MaxBodyBytes: max(s.MaxFileSize+1, 64<<20)})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, sa: st.Delegated, drive: s.api() + "/drive/v3", admin: s.api() + "/admin/directory/v1", mode: c.Mode()}, nil
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
// known), is fetched again with the stack's backoff and attempts (httpx
// DoBody).
func (c *client) download(ctx context.Context, rawURL string, limit int64, md5sum string) ([]byte, string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, "", tributary.NewError("google_drive", tributary.ErrInvalidConfig, err)
	}
	resp, b, err := c.http.DoBody(req, limit, func(_ *http.Response, b []byte) error {
		if md5sum != "" && fmt.Sprintf("%x", md5.Sum(b)) != md5sum {
			return errors.New("body does not match its md5Checksum")
		}
		return nil
	})
	switch {
	case errors.Is(err, httpx.ErrBodyTooLarge):
		return nil, "", errTooLarge
	case err != nil:
		return nil, "", err
	}
	return b, resp.Header.Get("Content-Type"), nil
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
