package web

import (
	"errors"
	"net/http"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// newClient builds the HTTP client every request of the connector goes
// through; it is the one place the HTTP stack is chosen. The stack (package
// httpx) retries transient failures with backoff, honours the server's
// rate-limit headers, reports requests to the run's Meter, and refuses
// private and loopback addresses unless env allows them. The politeness
// limiter is not part of it: hop waits for it before a request's timeout
// starts. The client never follows redirects itself: get follows them hop
// by hop, checking each against the site and robots.txt.
func newClient(env tributary.Env, s Settings) (*http.Client, error) {
	if env.HTTPClient == nil || env.HTTPClient.Transport == nil {
		// The default transport keeps two idle connections per host; a
		// crawl keeps one per worker, so it does not dial for every page.
		t := http.DefaultTransport.(*http.Transport).Clone()
		t.MaxIdleConnsPerHost = s.Concurrency
		env.HTTPClient = &http.Client{Transport: t}
	}
	hc, err := httpx.New(httpx.Options{
		Env:  env,
		Name: "web",
		// A wait the server asks for beyond the timeout fails the page at
		// once as rate limited, rather than as a timeout after a wait that
		// could not help; pause lends the page's slot out while it waits.
		Retry:        httpx.RetryPolicy{MaxAttempts: 3, MaxWait: s.Timeout.D(), Pause: pause},
		MaxBodyBytes: -1, // get caps bodies with max_page_bytes
		UserAgent:    s.UserAgent,
	})
	if err != nil {
		return nil, err
	}
	c := *hc.StandardClient()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	return &c, nil
}

// statusError classifies a response of status 400 or more into the error
// kinds, as the HTTP stack does; other statuses are not errors.
func statusError(resp *http.Response) error {
	if resp.StatusCode < 400 {
		return nil
	}
	se := &httpx.StatusError{StatusCode: resp.StatusCode, Method: resp.Request.Method,
		URL: resp.Request.URL.Redacted()}
	return tributary.NewError("", httpx.KindOf(resp), se)
}

// classifyTransport classifies an error from the transport: a refused
// address is a configuration problem, anything the stack did not classify
// is transient.
func classifyTransport(err error) error {
	switch {
	case errors.Is(err, httpx.ErrForbiddenAddress):
		return tributary.NewError("", tributary.ErrInvalidConfig, err)
	case tributary.Kind(err) != nil:
		return err
	}
	return tributary.NewError("", tributary.ErrTransient, err)
}

// isClientError reports whether err is a 4xx status other than 429.
func isClientError(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode >= 400 && se.StatusCode < 500 && se.StatusCode != http.StatusTooManyRequests
}
