package sharepoint

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/extract"
	"github.com/tributary-dev/tributary/internal/graph"
)

// Application permissions, named in errors when Graph refuses a request.
const (
	PermSites  = "Sites.Read.All"
	PermGroups = "GroupMember.Read.All"
)

// client reads Graph through the shared HTTP stack.
type client struct {
	*graph.Client
	http  *httpx.Client
	auth  *graph.AppToken
	graph string // Graph root + /v1.0
}

func newClient(s *Settings, c *Credentials, env tributary.Env, retry httpx.RetryPolicy) (*client, error) {
	gc, err := graph.New(graph.Options{Name: "sharepoint", Env: env, Retry: retry, MaxBodyBytes: max(s.MaxFileSize+1, 64<<20),
		GraphURL: s.GraphURL, LoginURL: s.LoginURL, Credentials: c})
	if err != nil {
		return nil, err
	}
	return &client{Client: gc, http: gc.HTTP, auth: gc.Auth, graph: gc.Root}, nil
}

// get fetches one object into v (see graph.Client.Get).
func (c *client) get(ctx context.Context, rawURL, perm string, v any) error {
	return c.Get(ctx, rawURL, perm, v)
}

// errTooLarge is the cause of a body over the size bound.
var errTooLarge = errors.New("over the size limit")

// download reads a file's content through /content, which answers with a
// redirect to a pre-authenticated URL the stack follows (sending no
// token to another host). A body of another size than the item's is
// fetched again with the stack's backoff and attempts (httpx DoBody); a
// refused token or download URL is asked for again, twice at most.
func (c *client) download(ctx context.Context, rawURL string, limit, size int64) ([]byte, error) {
	verify := func(_ *http.Response, b []byte) error {
		if size >= 0 && int64(len(b)) != size {
			return fmt.Errorf("body of %d bytes, the item has %d", len(b), size)
		}
		return nil
	}
	for attempt := 0; ; attempt++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
		if err != nil {
			return nil, tributary.NewError("sharepoint", tributary.ErrInvalidConfig, err)
		}
		used := c.auth.Current()
		_, b, err := c.http.DoBody(req, limit, verify)
		switch {
		case err == nil:
			return b, nil
		case errors.Is(err, httpx.ErrBodyTooLarge):
			return nil, errTooLarge
		case attempt < 2 && errors.Is(err, tributary.ErrCredentialExpired):
			// A refused token, or a download URL whose tempauth lapsed
			// (the file changed after the redirect): ask again.
			c.auth.Forget(used)
		default:
			return nil, graph.Named(err, PermSites)
		}
	}
}

// terminal reports errors that will fail every following request too: the
// run ends rather than reporting a failure per document.
func terminal(err error) bool {
	return errors.Is(err, tributary.ErrCredentialExpired) || errors.Is(err, tributary.ErrRateLimited) ||
		errors.Is(err, tributary.ErrInvalidConfig) || errors.Is(err, extract.ErrKeep) ||
		errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// gone reports a 410 answer: a delta token Graph no longer takes.
func gone(err error) bool { return graph.Gone(err) }

// within reports whether a link Graph gave stays under its API root, so
// that the token never leaves it.
func (c *client) within(link string) bool { return c.Within(link) }
