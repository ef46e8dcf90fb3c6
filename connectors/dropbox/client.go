package dropbox

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client calls the Dropbox API through the shared HTTP stack.
type client struct {
	http         *httpx.Client
	api, content string
	// pathRoot is the Dropbox-API-Path-Root header of a team space, set
	// once the account is read.
	pathRoot string
	// selectHeader (Dropbox-API-Select-User or -Admin) names selectValue,
	// the member a team token acts for.
	selectHeader, selectValue string
}

// userHeaders sets the headers of a call to a user endpoint: the member
// a team token acts for and the team space's root.
func (c *client) userHeaders(req *http.Request) {
	if c.selectHeader != "" {
		req.Header.Set(c.selectHeader, c.selectValue)
	}
	if c.pathRoot != "" {
		req.Header.Set("Dropbox-API-Path-Root", c.pathRoot)
	}
}

func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	var auth httpx.Auth = httpx.Bearer(c.AccessToken)
	if !c.RefreshToken.IsZero() {
		tokenURL := c.TokenURL
		if tokenURL == "" {
			tokenURL = DefaultTokenURL
		}
		cfg := &oauth2.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(),
			Endpoint: oauth2.Endpoint{TokenURL: tokenURL, AuthStyle: oauth2.AuthStyleInParams}}
		if env.Credentials != nil {
			auth = httpx.SharedRefreshToken(cfg, env.Credentials, httpx.TopLevelTokens)
		} else {
			creds := *c
			auth = httpx.RefreshToken(cfg, &oauth2.Token{AccessToken: c.AccessToken.Reveal(), RefreshToken: c.RefreshToken.Reveal()},
				httpx.SaveTo(env, func(t *oauth2.Token) any {
					return map[string]string{"client_id": creds.ClientID, "client_secret": creds.ClientSecret.Reveal(),
						"refresh_token": t.RefreshToken, "access_token": t.AccessToken, "token_url": creds.TokenURL}
				}))
		}
	}
	base := http.DefaultTransport
	if env.HTTPClient != nil && env.HTTPClient.Transport != nil {
		base = env.HTTPClient.Transport
	}
	inner := env
	inner.HTTPClient = &http.Client{Transport: scopeTransport{next: base}}
	hc, err := httpx.New(httpx.Options{Env: inner, Name: "dropbox", Auth: auth, UserAgent: "tributary-dropbox-connector",
		Retry: retry, MaxBodyBytes: max(s.MaxFileSize+1, 64<<20)})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: strings.TrimRight(s.APIURL, "/"), content: strings.TrimRight(s.ContentURL, "/")}, nil
}

// scopeTransport turns Dropbox's 401 missing_scope (an app without a
// permission the call needs) into a 403, so that the stack reports
// missing permissions rather than rejected credentials.
type scopeTransport struct{ next http.RoundTripper }

func (t scopeTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := t.next.RoundTrip(req)
	if err != nil || resp.StatusCode != http.StatusUnauthorized {
		return resp, err
	}
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	resp.Body = io.NopCloser(bytes.NewReader(b))
	if tagOf(b) == "missing_scope" {
		resp.StatusCode, resp.Status = http.StatusForbidden, "403 Forbidden"
	}
	return resp, nil
}

// apiError is Dropbox's error body.
type apiError struct {
	Summary string `json:"error_summary"`
	Error   struct {
		Tag string `json:".tag"`
	} `json:"error"`
}

func tagOf(b []byte) string {
	var e apiError
	if json.Unmarshal(b, &e) != nil {
		return ""
	}
	return e.Error.Tag
}

// summaryOf returns the error_summary of a 409 endpoint error, or "".
func summaryOf(err error) string {
	se, ok := errors.AsType[*httpx.StatusError](err)
	if !ok || se.StatusCode != http.StatusConflict {
		return ""
	}
	var e apiError
	if json.Unmarshal([]byte(se.Body), &e) != nil {
		return "unknown/"
	}
	return e.Summary
}

// classify gives a 409 endpoint error its kind: not_found is
// ErrNotFound, a reset cursor errReset, restricted content missing
// permissions, anything else ErrNotSupported.
func classify(op string, err error) error {
	sum := summaryOf(err)
	switch {
	case sum == "":
		return fmt.Errorf("%s: %w", op, err)
	case strings.HasPrefix(sum, "reset/"):
		return errReset
	case strings.Contains(sum, "not_found/"):
		return tributary.NewError(op, tributary.ErrNotFound, err)
	case strings.Contains(sum, "restricted_content/"), strings.Contains(sum, "no_permission/"):
		return tributary.NewError(op, tributary.ErrInsufficientPermissions, err)
	}
	return tributary.NewError(op, tributary.ErrNotSupported, err)
}

// badRequest reports Dropbox's 400, which it answers in plain text to a
// call it cannot take: a team token without a member selected, a member
// id it does not know, a user token on a team endpoint.
func badRequest(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusBadRequest
}

// errReset: a listing cursor Dropbox no longer takes; list again.
var errReset = errors.New("dropbox: cursor reset")

// rpc posts args to an RPC endpoint and decodes the answer into v. Every
// call the connector makes only reads, so each may be sent again.
func (c *client) rpc(ctx context.Context, endpoint string, args, v any) error {
	return c.call(ctx, endpoint, args, v, true)
}

// teamRPC calls a team endpoint, which takes no member and no root.
func (c *client) teamRPC(ctx context.Context, endpoint string, args, v any) error {
	return c.call(ctx, endpoint, args, v, false)
}

func (c *client) call(ctx context.Context, endpoint string, args, v any, user bool) error {
	body := []byte("null")
	if args != nil {
		body, _ = json.Marshal(args)
	}
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, c.api+"/2/"+endpoint, bytes.NewReader(body))
	if err != nil {
		return tributary.NewError("dropbox", tributary.ErrInvalidConfig, err)
	}
	req.Header.Set("Content-Type", "application/json")
	if user {
		c.userHeaders(req)
	}
	_, err = c.http.DoJSON(req, v)
	return err
}

// errTooLarge is the cause of a file over max_file_size.
var errTooLarge = errors.New("over max_file_size")

// fetch calls a content endpoint (download or export) for arg and returns
// the body and the Dropbox-API-Result header. A body cut short, or one
// whose content hash does not match hash (when given), is fetched again
// with the stack's backoff and attempts (httpx DoBody).
func (c *client) fetch(ctx context.Context, endpoint string, arg any, limit int64, hash func(result []byte) string) ([]byte, []byte, error) {
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, c.content+"/2/"+endpoint, nil)
	if err != nil {
		return nil, nil, tributary.NewError("dropbox", tributary.ErrInvalidConfig, err)
	}
	req.Header.Set("Dropbox-API-Arg", asciiJSON(arg))
	c.userHeaders(req)
	resp, b, err := c.http.DoBody(req, limit, func(resp *http.Response, b []byte) error {
		if hash != nil {
			if want := hash([]byte(resp.Header.Get("Dropbox-API-Result"))); want != "" && want != ContentHash(b) {
				return errors.New("body does not match its content_hash")
			}
		}
		return nil
	})
	switch {
	case errors.Is(err, httpx.ErrBodyTooLarge):
		return nil, nil, errTooLarge
	case err != nil:
		return nil, nil, err
	}
	return b, []byte(resp.Header.Get("Dropbox-API-Result")), nil
}

// asciiJSON encodes v with non-ASCII characters escaped, as the
// Dropbox-API-Arg header requires.
func asciiJSON(v any) string {
	b, _ := json.Marshal(v)
	var sb strings.Builder
	for _, r := range string(b) {
		switch {
		case r < 0x80:
			sb.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&sb, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&sb, `\u%04x`, r)
		}
	}
	return sb.String()
}

// terminal reports errors that end a run rather than fail one document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
