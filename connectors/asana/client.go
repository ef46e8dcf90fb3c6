package asana

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client reads the API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string
}

// options are what tests change beyond the settings.
type options struct {
	retry httpx.RetryPolicy
	rate  float64 // requests per second; 0 follows the settings
}

// syncReset is the header adjust sets on an events answer that was a 412:
// the sync token was missing or too old, and the body holds a fresh one.
const syncReset = "X-Tributary-Asana-Sync-Reset"

func newClient(s *Settings, c *Credentials, env tributary.Env, o options) (*client, error) {
	auth := httpx.Bearer(c.AccessToken)
	if c.RefreshToken.Reveal() != "" {
		cfg := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{TokenURL: cmp.Or(c.TokenURL, DefaultTokenURL), AuthStyle: oauth2.AuthStyleInParams}}
		// An access token without its expiry is of unknown age: the first
		// request refreshes it.
		tok := &oauth2.Token{AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal(), Expiry: c.Expiry}
		if tok.Expiry.IsZero() {
			tok.AccessToken = ""
		}
		creds := *c
		auth = httpx.RefreshToken(cfg, tok, httpx.SaveTo(env, func(t *oauth2.Token) any {
			m := map[string]string{"access_token": t.AccessToken, "refresh_token": t.RefreshToken,
				"client_id": creds.ClientID, "client_secret": creds.ClientSecret.Reveal()}
			if creds.TokenURL != "" {
				m["token_url"] = creds.TokenURL
			}
			if !t.Expiry.IsZero() {
				m["expiry"] = t.Expiry.UTC().Format(time.RFC3339)
			}
			return m
		}))
	}
	pace := httpx.RateLimit{PerSecond: float64(s.RequestsPerMinute) / 60, Burst: 5}
	if o.rate > 0 {
		pace.PerSecond = o.rate
	}
	retry := o.retry
	if retry.MaxAttempts == 0 {
		// A token is often shared by several integrations, each spending
		// the same per-minute budget: ask more often than the stack's five
		// times.
		retry.MaxAttempts = 10
	}
	hc, err := httpx.New(httpx.Options{Env: env, Name: "asana", Auth: auth, UserAgent: "tributary-asana-connector",
		RateLimit: pace, Retry: retry, Adjust: adjust})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: s.BaseURL}, nil
}

// adjust turns the events API's 412 (a sync token missing or too old,
// with a fresh one in the body) into an answer the connector reads, marked
// with the syncReset header: it is the expected first answer, not an
// error. A 429 without Retry-After (the concurrent-request limit on some
// paths) is given a second's wait.
func adjust(resp *http.Response) {
	switch {
	case resp.StatusCode == http.StatusPreconditionFailed && resp.Request != nil && strings.HasSuffix(resp.Request.URL.Path, "/events"):
		resp.StatusCode, resp.Status = http.StatusOK, "200 OK"
		resp.Header.Set(syncReset, "1")
	case resp.StatusCode == http.StatusTooManyRequests && resp.Header.Get("Retry-After") == "":
		resp.Header.Set("Retry-After", "1")
	}
}

// get fetches path (relative to the API root, with its query) into v and
// returns the answer's headers.
func (c *client) get(ctx context.Context, path string, q url.Values, v any) (http.Header, error) {
	u := c.api + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, tributary.NewError("asana", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	return c.http.DoJSON(req, v)
}

// page is one page of a listing.
type page struct {
	Data     []json.RawMessage `json:"data"`
	NextPage *struct {
		Offset string `json:"offset"`
		Path   string `json:"path"`
	} `json:"next_page"`
}

func (p *page) next() string {
	if p.NextPage == nil {
		return ""
	}
	return p.NextPage.Offset
}

// maxOffset bounds an offset token kept in a checkpoint.
const maxOffset = 1024

// list reads every page of a listing, giving each record to each; it
// stops when each returns false. Listings read this way are small (the
// workspaces, projects, teams, users and stories).
func (c *client) list(ctx context.Context, path string, q url.Values, pageSize int, each func(json.RawMessage) bool) error {
	q.Set("limit", fmt.Sprint(pageSize))
	seen := map[string]bool{}
	for {
		var p page
		if _, err := c.get(ctx, path, q, &p); err != nil {
			return err
		}
		for _, raw := range p.Data {
			if !each(raw) {
				return nil
			}
		}
		next := p.next()
		if next == "" {
			return nil
		}
		if seen[next] || len(next) > maxOffset || len(p.Data) == 0 {
			return malformed("list "+path, "paging that does not move on")
		}
		seen[next] = true
		q.Set("offset", next)
	}
}

// listOf decodes every record of a listing as T.
func listOf[T any](ctx context.Context, c *client, path string, q url.Values, pageSize int) ([]T, error) {
	var out []T
	var bad error
	err := c.list(ctx, path, q, pageSize, func(raw json.RawMessage) bool {
		var v T
		if err := json.Unmarshal(raw, &v); err != nil {
			bad = tributary.NewError("asana: list "+path, tributary.ErrMalformedResponse, err)
			return false
		}
		out = append(out, v)
		return true
	})
	return out, cmp.Or(err, bad)
}

func malformed(op, msg string) error {
	return tributary.NewError("asana: "+op, tributary.ErrMalformedResponse, errors.New(msg))
}

// terminal reports errors that will fail every following request too.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrInsufficientPermissions) ||
		errors.Is(err, tributary.ErrRateLimited) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// statusOf is the HTTP status of an error answer, or 0.
func statusOf(err error) int {
	if se, ok := errors.AsType[*httpx.StatusError](err); ok {
		return se.StatusCode
	}
	return 0
}
