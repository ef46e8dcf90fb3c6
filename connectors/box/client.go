package box

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// client calls the Box API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	api  string // https://api.box.com/2.0
}

func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	tokenURL := c.TokenURL
	if tokenURL == "" {
		tokenURL = DefaultTokenURL
	}
	var auth httpx.Auth = httpx.Bearer(c.AccessToken)
	switch {
	case c.ccg():
		auth = httpx.ClientCredentials(&clientcredentials.Config{ClientID: c.ClientID, ClientSecret: c.ClientSecret.Reveal(), TokenURL: tokenURL,
			EndpointParams: url.Values{"box_subject_type": {c.SubjectType}, "box_subject_id": {c.SubjectID}}, AuthStyle: oauth2.AuthStyleInParams})
	case !c.RefreshToken.IsZero():
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
	hosts := map[string]bool{DefaultDownloadHost: true}
	for _, raw := range []string{s.APIURL, tokenURL} {
		if u, err := url.Parse(raw); err == nil {
			hosts[strings.ToLower(u.Host)] = true
		}
	}
	if s.DownloadHost != "" {
		hosts[strings.ToLower(s.DownloadHost)] = true
	}
	inner := env
	inner.HTTPClient = &http.Client{Transport: hostGuard{next: base, hosts: hosts}}
	hc, err := httpx.New(httpx.Options{Env: inner, Name: "box", Auth: auth, UserAgent: "tributary-box-connector",
		Retry: retry, MaxBodyBytes: max(s.MaxFileSize+1, 64<<20)})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, api: strings.TrimRight(s.APIURL, "/") + "/2.0"}, nil
}

// hostGuard refuses every host but the API's, the token endpoint's and
// the download hosts: a download redirected anywhere else is never
// fetched.
type hostGuard struct {
	next  http.RoundTripper
	hosts map[string]bool
}

func (g hostGuard) RoundTrip(req *http.Request) (*http.Response, error) {
	if !g.hosts[strings.ToLower(req.URL.Host)] {
		if req.Body != nil {
			req.Body.Close()
		}
		return nil, tributary.NewError("box", tributary.ErrMalformedResponse,
			fmt.Errorf("host %q refused: Box answers from its API host and downloads from %s or download_host", req.URL.Host, DefaultDownloadHost))
	}
	return g.next.RoundTrip(req)
}

// get reads path (under /2.0, with its query) into v.
func (c *client) get(ctx context.Context, path string, q url.Values, v any) error {
	u := c.api + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return c.http.GetJSON(ctx, u, v)
}

// errTooLarge is the cause of a file over max_file_size.
var errTooLarge = errors.New("over max_file_size")

// errChecksum is the cause of content that does not match its sha1.
var errChecksum = errors.New("content does not match its sha1")

// download fetches a file's content: Box answers 302 to its download
// host, which the stack follows without the credentials, or 202 with
// Retry-After while the file is not ready, asked again up to three times.
// A body cut short or one that does not match sha1 is fetched again with
// the stack's backoff and attempts (httpx DoBody).
func (c *client) download(ctx context.Context, id, sum string, limit int64) ([]byte, error) {
	verify := func(resp *http.Response, b []byte) error {
		if resp.StatusCode != http.StatusAccepted && sum != "" && !strings.EqualFold(sha1Hex(b), sum) {
			return errChecksum
		}
		return nil
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.api+"/files/"+url.PathEscape(id)+"/content", nil)
		if err != nil {
			return nil, tributary.NewError("box", tributary.ErrInvalidConfig, err)
		}
		resp, b, err := c.http.DoBody(req, limit, verify)
		switch {
		case errors.Is(err, httpx.ErrBodyTooLarge):
			return nil, errTooLarge
		case err != nil:
			return nil, err
		case resp.StatusCode != http.StatusAccepted:
			return b, nil
		case attempt == 3:
			return nil, tributary.NewError("box: download file "+id, tributary.ErrTransient, errors.New("file not ready for download"))
		}
		wait, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
		if err := sleep(ctx, time.Duration(min(max(wait, 1), 60))*time.Second); err != nil {
			return nil, err
		}
	}
}

func sha1Hex(b []byte) string {
	h := sha1.Sum(b)
	return hex.EncodeToString(h[:])
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// terminal reports errors that end a run rather than fail one document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}
