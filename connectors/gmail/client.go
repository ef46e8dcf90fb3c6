package gmail

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/google"
)

// client reads the Gmail and Directory APIs through the shared HTTP stack.
type client struct {
	http  *httpx.Client
	sa    *google.Delegated // the service account's tokens, nil for OAuth credentials
	gmail string            // API root + /gmail/v1/users
	admin string            // API root + /admin/directory/v1
	mode  string            // service_account, oauth or token
}

// rateReasons are the reasons of Gmail's 403 rate-limit answers, which
// the stack retries as 429s like Gmail's own 429s.
var rateReasons = []string{"userRateLimitExceeded", "rateLimitExceeded", "dailyLimitExceeded", "quotaExceeded"}

// newClient builds the client on the shared Google stack (service account
// tokens per user, OAuth refresh, rate-limit 403s as 429s).
func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	st, err := google.NewStack(c, env, google.Options{Name: "gmail", Scope: ScopeGmailReadonly, RateReasons: rateReasons})
	if err != nil {
		return nil, err
	}
	// An attachment arrives base64-encoded in JSON: a third larger.
	hc, err := httpx.New(httpx.Options{Env: st.Env, Name: "gmail", Auth: st.Auth, UserAgent: "tributary-gmail-connector",
		Retry: retry, MaxBodyBytes: max(s.MaxAttachmentSize/3*4+(1<<20), 64<<20),
		RateLimit: httpx.RateLimit{PerSecond: s.RequestsPerSecond, Burst: s.Concurrency}})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, sa: st.Delegated, gmail: s.api() + "/gmail/v1/users", admin: s.api() + "/admin/directory/v1", mode: c.Mode()}, nil
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
