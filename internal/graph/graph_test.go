package graph

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

func newTestClient(t *testing.T, roles ...string) (*Client, *graphemu.Server, *graphemu.Data) {
	t.Helper()
	d := graphemu.GenerateTeams(graphemu.TeamsOptions{Teams: 3, Threads: 2, Replies: 1, Seed: 1})
	s := graphemu.New(d, graphemu.Options{PageSize: 1})
	t.Cleanup(s.Close)
	s.AddApp("app", "secret", roles...)
	c, err := New(Options{Name: "test", Env: tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: s.Transport()}},
		Retry:    httpx.RetryPolicy{MaxAttempts: 4, MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond},
		GraphURL: DefaultGraphURL, LoginURL: DefaultLoginURL,
		Credentials: &Credentials{TenantID: d.TenantID, ClientID: "app", ClientSecret: tributary.NewSecret("secret")}})
	if err != nil {
		t.Fatal(err)
	}
	return c, s, d
}

// List follows @odata.nextLink page by page; a refusal names the
// permission it lacks.
func TestListAndNamed(t *testing.T) {
	c, _, _ := newTestClient(t, graphemu.TeamReadBasicAll)
	n := 0
	err := c.List(context.Background(), c.Root+"/teams", "Team.ReadBasic.All", func(json.RawMessage) error { n++; return nil })
	if err != nil || n != 3 {
		t.Fatalf("list: %v, %d teams", err, n)
	}
	var pg Listing
	err = c.Get(context.Background(), c.Root+"/groups", "GroupMember.Read.All", &pg)
	if !errors.Is(err, tributary.ErrInsufficientPermissions) || !strings.Contains(err.Error(), "GroupMember.Read.All") {
		t.Fatalf("refused: %v", err)
	}
	if err := c.CheckNext(c.Root+"/a", "https://elsewhere.example/v1.0/a"); !errors.Is(err, tributary.ErrMalformedResponse) {
		t.Fatalf("a next link leaving Graph: %v", err)
	}
	if err := c.CheckNext(c.Root+"/a", c.Root+"/a"); !errors.Is(err, tributary.ErrMalformedResponse) {
		t.Fatalf("a next link repeating itself: %v", err)
	}
}

// Batch answers in the paths' order, with a throttled request's status
// and wait, and the 503 with Retry-After reads as a rate limit.
func TestBatchAndThrottling(t *testing.T) {
	c, s, d := newTestClient(t, graphemu.TeamReadBasicAll)
	var paths []string
	for _, tm := range d.Teams {
		paths = append(paths, "/teams/"+tm.ID)
	}
	paths = append(paths, "/teams/00000000-0000-0000-0000-000000000000")
	s.FailNextCode("GET /v1.0/teams/{team}", 1, graphemu.Throttled)
	got, err := c.Batch(context.Background(), paths)
	if err != nil || len(got) != 4 {
		t.Fatalf("batch: %v, %d answers", err, len(got))
	}
	if got[0].Status != http.StatusTooManyRequests || got[0].RetryAfter != time.Second {
		t.Fatalf("throttled answer: %+v", got[0])
	}
	if got[1].Status != http.StatusOK || got[2].Status != http.StatusOK || got[3].Status != http.StatusNotFound {
		t.Fatalf("answers: %d %d %d", got[1].Status, got[2].Status, got[3].Status)
	}
	rt := throttleTransport{next: roundTrip(func(*http.Request) (*http.Response, error) {
		return &http.Response{StatusCode: http.StatusServiceUnavailable, Header: http.Header{"Retry-After": {"3"}}, Body: http.NoBody}, nil
	})}
	resp, err := rt.RoundTrip(&http.Request{})
	if err != nil || resp.StatusCode != http.StatusTooManyRequests {
		t.Fatalf("a 503 with Retry-After: %v %v", resp, err)
	}
}

type roundTrip func(*http.Request) (*http.Response, error)

func (f roundTrip) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
