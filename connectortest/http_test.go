package connectortest

import (
	"context"
	"encoding/json"
	"fmt"
	"iter"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/tributary-dev/tributary"
)

// webConnector is a small Load-only connector over HTTP, to show that the
// kit's checks (the goroutine leak check above all) hold for connectors
// that keep idle connections in a Transport and talk to an httptest
// emulator.
type webConnector struct {
	base   string
	token  string
	client *http.Client
	// leakBody leaves a response body open with every first page: the bug
	// the goroutine leak check must catch.
	leakBody bool
}

type page struct {
	Docs []*tributary.Document `json:"docs"`
	Next string                `json:"next"`
}

func (c *webConnector) Source() tributary.DocumentSource { return "web_test" }

func (c *webConnector) Validate(ctx context.Context) error {
	_, err := c.get(ctx, c.base+"/docs?page=0")
	return err
}

func (c *webConnector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for url := c.base + "/docs?page=0"; url != ""; {
			p, err := c.get(ctx, url)
			if err != nil {
				yield(nil, err)
				return
			}
			for _, d := range p.Docs {
				if err := ctx.Err(); err != nil {
					yield(nil, err)
					return
				}
				if !yield(d, nil) {
					return
				}
			}
			url = p.Next
		}
	}
}

func (c *webConnector) get(ctx context.Context, url string) (page, error) {
	var p page
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return p, err
	}
	req.Header.Set("Authorization", "Bearer "+c.token)
	resp, err := c.client.Do(req)
	if err != nil {
		return p, fmt.Errorf("web_test: %w", err)
	}
	defer resp.Body.Close()
	if c.leakBody && strings.HasSuffix(url, "page=0") {
		// Prefetch the next page and forget about it, body and all.
		if ahead, err := c.client.Do(req.Clone(ctx)); err == nil {
			_ = ahead.StatusCode
		}
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return p, tributary.NewError("web_test: get", tributary.ErrCredentialExpired, nil)
	}
	return p, json.NewDecoder(resp.Body).Decode(&p)
}

// emulator serves three pages of two documents and counts requests.
func emulator(t *testing.T) (*httptest.Server, *atomic.Int64) {
	var requests atomic.Int64
	var srv *httptest.Server
	srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.Header.Get("Authorization") != "Bearer good" {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		n, _ := strconv.Atoi(r.URL.Query().Get("page"))
		var p page
		for i := 2 * n; i < 2*n+2; i++ {
			id := fmt.Sprintf("%s/docs/%d", srv.URL, i)
			p.Docs = append(p.Docs, &tributary.Document{ID: id, Source: "web_test", SemanticID: id})
		}
		if n < 2 {
			p.Next = fmt.Sprintf("%s/docs?page=%d", srv.URL, n+1)
		}
		_ = json.NewEncoder(w).Encode(p)
	}))
	t.Cleanup(srv.Close)
	return srv, &requests
}

func TestKitOverHTTP(t *testing.T) {
	srv, requests := emulator(t)
	var want []string
	for i := range 6 {
		want = append(want, fmt.Sprintf("%s/docs/%d", srv.URL, i))
	}
	h := Harness{
		New: func(testing.TB) tributary.Connector {
			return &webConnector{base: srv.URL, token: "good", client: srv.Client()}
		},
		BadCredentials: func(testing.TB) tributary.Connector {
			return &webConnector{base: srv.URL, token: "revoked", client: srv.Client()}
		},
		WantIDs:  want,
		Requests: func(tributary.Connector) int { return int(requests.Load()) },
	}
	for _, c := range checks() {
		r := runCheck(t, h, c.name)
		assert.Empty(t, r.errors(), c.name)
	}
}

func TestKitOverHTTPCatchesAnOpenBody(t *testing.T) {
	srv, _ := emulator(t)
	h := Harness{
		New: func(testing.TB) tributary.Connector {
			return &webConnector{base: srv.URL, token: "good", client: srv.Client(), leakBody: true}
		},
		WantIDs: []string{srv.URL + "/docs/0"},
	}
	r := runCheck(t, h, "NoGoroutineLeak")
	assert.Contains(t, r.errors(), "an HTTP response body was left open")
	t.Log(r.errors())
}
