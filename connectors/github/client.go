package github

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// apiVersion is the REST API version the connector was written against.
const apiVersion = "2022-11-28"

// bodyAttempts bounds how often a page whose body arrived broken (cut
// short, not JSON) is fetched again. The HTTP stack retries statuses and
// network failures; a broken body is only seen once it is decoded.
const bodyAttempts = 4

// client reads the REST API through the shared HTTP stack.
type client struct {
	http *httpx.Client
	base string // without a trailing slash
}

func newClient(s *Settings, c *Credentials, env tributary.Env) (*client, error) {
	hc, err := httpx.New(httpx.Options{
		Env:       env,
		Name:      "github",
		Auth:      httpx.Bearer(c.Token),
		UserAgent: "tributary-github-connector",
	})
	if err != nil {
		return nil, err
	}
	return &client{http: hc, base: s.baseURL()}, nil
}

// url joins the base URL, a path and query parameters.
func (c *client) url(path string, q url.Values) string {
	if len(q) == 0 {
		return c.base + path
	}
	return c.base + path + "?" + q.Encode()
}

// get fetches rawURL into v and returns the next page's URL from the Link
// header ("" on the last page). Broken bodies are fetched again, up to
// bodyAttempts times.
func (c *client) get(ctx context.Context, rawURL string, v any) (next string, err error) {
	backoff := 500 * time.Millisecond
	for attempt := 1; ; attempt++ {
		next, err = c.getOnce(ctx, rawURL, v)
		if err == nil || attempt >= bodyAttempts || !brokenBody(err) {
			return next, err
		}
		t := time.NewTimer(backoff)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", ctx.Err()
		case <-t.C:
		}
		backoff *= 2
	}
}

func (c *client) getOnce(ctx context.Context, rawURL string, v any) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return "", tributary.NewError("github", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/vnd.github+json")
	req.Header.Set("X-GitHub-Api-Version", apiVersion)
	h, err := c.http.DoJSON(req, v)
	if err != nil {
		return "", err
	}
	next := nextLink(h.Get("Link"))
	if next != "" && !c.sameAPI(next) {
		return "", tributary.NewError("github", tributary.ErrTransient,
			fmt.Errorf("next-page link points away from the API root %s", c.base))
	}
	return next, nil
}

// brokenBody reports whether err is a response that arrived but could not
// be decoded: the stack reports those as transient with no status.
func brokenBody(err error) bool {
	if !errors.Is(err, tributary.ErrTransient) || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	_, status := errors.AsType[*httpx.StatusError](err)
	return !status
}

// sameAPI reports whether rawURL lies under the configured API root, so
// that neither a Link header nor a stored checkpoint can send the token
// elsewhere.
func (c *client) sameAPI(rawURL string) bool {
	return strings.HasPrefix(rawURL, c.base+"/")
}

// nextLink returns the rel="next" target of a Link header (RFC 8288), or "".
func nextLink(h string) string {
	for part := range strings.SplitSeq(h, ",") {
		target, params, ok := strings.Cut(strings.TrimSpace(part), ";")
		if !ok || !strings.HasPrefix(target, "<") || !strings.HasSuffix(target, ">") {
			continue
		}
		for p := range strings.SplitSeq(params, ";") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if strings.EqualFold(k, "rel") && relHas(strings.Trim(v, `"`), "next") {
				return target[1 : len(target)-1]
			}
		}
	}
	return ""
}

func relHas(rels, want string) bool {
	for r := range strings.FieldsSeq(rels) {
		if strings.EqualFold(r, want) {
			return true
		}
	}
	return false
}

// getRepo fetches one repository by full name.
func (c *client) getRepo(ctx context.Context, fullName string) (*apiRepo, error) {
	owner, name, _ := strings.Cut(fullName, "/")
	var r apiRepo
	if _, err := c.get(ctx, c.url("/repos/"+url.PathEscape(owner)+"/"+url.PathEscape(name), nil), &r); err != nil {
		return nil, fmt.Errorf("get repository %s: %w", fullName, err)
	}
	if r.NodeID == "" || r.FullName == "" || r.HTMLURL == "" {
		return nil, tributary.NewError("github: get repository "+fullName, tributary.ErrTransient,
			errors.New("answer lacks node_id, full_name or html_url"))
	}
	return &r, nil
}
