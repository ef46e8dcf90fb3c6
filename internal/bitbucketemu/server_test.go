package bitbucketemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"
)

type page struct {
	Values  []map[string]any `json:"values"`
	Next    string           `json:"next"`
	Page    int              `json:"page"`
	Pagelen int              `json:"pagelen"`
	Size    int              `json:"size"`
}

func get(t *testing.T, s *Server, rawURL string, auth func(*http.Request)) (int, http.Header, page) {
	t.Helper()
	req, _ := http.NewRequest(http.MethodGet, rawURL, nil)
	auth(req)
	resp, err := s.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var p page
	json.NewDecoder(resp.Body).Decode(&p)
	return resp.StatusCode, resp.Header, p
}

func basic(req *http.Request) { req.SetBasicAuth("ana", "app-password") }

func newServer(opts Options) (*Server, *Data) {
	d := Generate(GenerateOptions{Repositories: 2, PullRequests: 23, Comments: 3, PrivateEvery: 2, Seed: 3})
	s := New(d, opts)
	s.AddAppPassword("ana", "app-password", d.Users[0])
	s.AddAccessToken("tok", AccessToken{Workspace: "acme"})
	return s, d
}

func TestPullRequestsPageByNextLinkOldestFirst(t *testing.T) {
	s, _ := newServer(Options{})
	defer s.Close()
	u := "http://api.bitbucket.test/2.0/repositories/acme/repo-001/pullrequests?" + url.Values{
		"state": {StateOpen, StateMerged, StateDeclined, StateSuperseded}, "sort": {"updated_on"}, "pagelen": {"10"}}.Encode()
	var seen int
	var last string
	for u != "" {
		status, _, p := get(t, s, u, basic)
		if status != http.StatusOK {
			t.Fatalf("status %d", status)
		}
		for _, v := range p.Values {
			at := v["updated_on"].(string)
			if at < last {
				t.Fatalf("out of order: %s after %s", at, last)
			}
			last = at
			seen++
		}
		u = p.Next
	}
	if seen != 23 {
		t.Fatalf("saw %d pull requests, want 23", seen)
	}
	status, _, p := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme/repo-001/pullrequests?pagelen=50", basic)
	if status != http.StatusOK || p.Size != 5 {
		t.Fatalf("default state: status %d, size %d, want only the 5 OPEN ones", status, p.Size)
	}
}

func TestQueryFiltersByUpdateTime(t *testing.T) {
	s, d := newServer(Options{})
	defer s.Close()
	times := d.Repositories[1].PullRequests
	at := times[3].UpdatedOn
	want := 0
	for _, p := range times {
		if !p.UpdatedOn.Before(at) {
			want++
		}
	}
	q := url.Values{"state": {StateOpen, StateMerged, StateDeclined, StateSuperseded}, "pagelen": {"50"},
		"q": {"updated_on >= " + at.Format(time.RFC3339Nano)}}
	status, _, p := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme/repo-001/pullrequests?"+q.Encode(), basic)
	if status != http.StatusOK || p.Size != want {
		t.Fatalf("status %d, size %d, want %d", status, p.Size, want)
	}
	q.Set("q", "nonsense ==")
	if status, _, _ := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme/repo-001/pullrequests?"+q.Encode(), basic); status != http.StatusBadRequest {
		t.Fatalf("bad query: status %d", status)
	}
}

func TestPrivateRepositoriesAndPermissions(t *testing.T) {
	s, d := newServer(Options{})
	defer s.Close()
	s.AddAppPassword("fay", "pw", d.Users[5])
	fay := func(r *http.Request) { r.SetBasicAuth("fay", "pw") }
	if status, _, _ := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme/repo-000", fay); status != http.StatusNotFound {
		t.Fatalf("a private repository is hidden from outsiders: %d", status)
	}
	if status, _, p := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme", fay); status != http.StatusOK || p.Size != 1 {
		t.Fatalf("outsiders list public repositories only: %d %d", status, p.Size)
	}
	if status, _, _ := get(t, s, "http://api.bitbucket.test/2.0/workspaces/acme/permissions/repositories/repo-000",
		func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }); status != http.StatusForbidden {
		t.Fatalf("permissions need an admin: %d", status)
	}
	if status, _, p := get(t, s, "http://api.bitbucket.test/2.0/workspaces/acme/permissions/repositories/repo-000", basic); status != http.StatusOK || len(p.Values) != 2 {
		t.Fatalf("admin reads permissions: %d %d", status, len(p.Values))
	}
	if status, _, _ := get(t, s, "http://api.bitbucket.test/2.0/user", func(r *http.Request) { r.SetBasicAuth("ana", "wrong") }); status != http.StatusUnauthorized {
		t.Fatalf("bad password: %d", status)
	}
}

func TestMembersByEmailForAdmins(t *testing.T) {
	s, _ := newServer(Options{})
	defer s.Close()
	q := url.Values{"q": {`user.email IN ("bo@example.com","zed@example.com")`}, "fields": {"+values.user.email"}}
	status, _, p := get(t, s, "http://api.bitbucket.test/2.0/workspaces/acme/members?"+q.Encode(), basic)
	if status != http.StatusOK || len(p.Values) != 1 {
		t.Fatalf("status %d, %d members", status, len(p.Values))
	}
	if e := p.Values[0]["user"].(map[string]any)["email"]; e != "bo@example.com" {
		t.Fatalf("email %v", e)
	}
	_, _, p = get(t, s, "http://api.bitbucket.test/2.0/workspaces/acme/members", basic)
	if _, ok := p.Values[0]["user"].(map[string]any)["email"]; ok || len(p.Values) != 4 {
		t.Fatalf("unfiltered members show no address: %v", p.Values)
	}
}

func TestRateLimitRollsOverTheWindow(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := newServer(Options{RateLimit: 3, Window: time.Minute})
		defer s.Close()
		token := func(r *http.Request) { r.Header.Set("Authorization", "Bearer tok") }
		for i := range 3 {
			status, h, _ := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme", token)
			if status != http.StatusOK || h.Get("X-RateLimit-Limit") != "3" || h.Get("X-RateLimit-Resource") != "api" {
				t.Fatalf("request %d: %d %v", i, status, h)
			}
		}
		status, h, _ := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme", token)
		if status != http.StatusTooManyRequests || h.Get("Retry-After") != "" {
			t.Fatalf("past the limit: %d, Retry-After %q", status, h.Get("Retry-After"))
		}
		if status, h, _ := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme", basic); status != http.StatusOK || h.Get("X-RateLimit-Limit") != "" {
			t.Fatalf("app passwords have their own budget and no headers: %d %v", status, h)
		}
		time.Sleep(time.Minute + time.Second)
		if status, _, _ := get(t, s, "http://api.bitbucket.test/2.0/repositories/acme", token); status != http.StatusOK {
			t.Fatalf("after the window: %d", status)
		}
	})
}
