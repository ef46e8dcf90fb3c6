package githubemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// testServer is an emulator on a loopback listener.
type testServer struct{ URL string }

func newTestServer(t *testing.T, opts Options) (*Server, testServer) {
	t.Helper()
	d := Generate(GenerateOptions{Repos: 3, Items: 120, PullShare: 0.4, PrivateEvery: 3, Seed: 7})
	s := New(d, opts)
	s.AddToken("good", Token{User: d.Users[1], Permissions: FullAccess(), Classic: true})
	s.AddToken("public-only", Token{User: d.Users[2], Permissions: Permissions{Issues: true, PullRequests: true}})
	url := s.Start()
	t.Cleanup(s.Close)
	return s, testServer{URL: url}
}

func get(t *testing.T, url, token string, v any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if v != nil {
		require.NoError(t, json.Unmarshal(b, v), string(b))
	}
	return resp
}

var nextRe = regexp.MustCompile(`<([^>]+)>; rel="next"`)

func TestIssuesSortedByUpdatedWithLinkPagination(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	url := srv.URL + "/repos/acme/repo-000/issues?state=all&sort=updated&direction=desc&per_page=50"
	var all []issueJSON
	pages := 0
	for url != "" {
		var pg []issueJSON
		resp := get(t, url, "good", &pg)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, "5000", resp.Header.Get("X-RateLimit-Limit"))
		assert.Equal(t, "core", resp.Header.Get("X-RateLimit-Resource"))
		all = append(all, pg...)
		pages++
		url = ""
		if m := nextRe.FindStringSubmatch(resp.Header.Get("Link")); m != nil {
			url = m[1]
		}
	}
	assert.Equal(t, 3, pages)
	assert.Len(t, all, 120, "issues listing includes pull requests")
	for i := 1; i < len(all); i++ {
		assert.GreaterOrEqual(t, all[i-1].UpdatedAt, all[i].UpdatedAt)
	}
	prs := 0
	for _, it := range all {
		if it.PullRequest != nil {
			prs++
			assert.Contains(t, it.HTMLURL, "/pull/")
		}
	}
	assert.NotZero(t, prs)
}

func TestPullsDefaultDirectionIsAscForUpdated(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	var pg []pullJSON
	get(t, srv.URL+"/repos/acme/repo-000/pulls?state=all&sort=updated&per_page=100", "good", &pg)
	require.NotEmpty(t, pg)
	for i := 1; i < len(pg); i++ {
		assert.LessOrEqual(t, pg[i-1].UpdatedAt, pg[i].UpdatedAt)
	}
}

func TestIssuesSince(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	var all []issueJSON
	get(t, srv.URL+"/repos/acme/repo-000/issues?state=all&sort=updated&direction=desc&per_page=100", "good", &all)
	since := all[40].UpdatedAt
	var pg []issueJSON
	get(t, srv.URL+"/repos/acme/repo-000/issues?state=all&sort=updated&direction=desc&per_page=100&since="+since, "good", &pg)
	for _, it := range pg {
		assert.GreaterOrEqual(t, it.UpdatedAt, since)
	}
	assert.GreaterOrEqual(t, len(pg), 41)
}

func TestAuthAndVisibility(t *testing.T) {
	_, srv := newTestServer(t, Options{})
	var e errorJSON
	resp := get(t, srv.URL+"/user", "wrong", &e)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "Bad credentials", e.Message)

	resp = get(t, srv.URL+"/repos/acme/repo-002", "public-only", &e)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode, "private repositories are hidden")
	resp = get(t, srv.URL+"/repos/acme/repo-002", "good", nil)
	assert.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, "repo, read:org", resp.Header.Get("X-OAuth-Scopes"))

	resp = get(t, srv.URL+"/repos/acme/repo-000/collaborators", "public-only", &e)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
}

func TestPrimaryAndSecondaryRateLimits(t *testing.T) {
	_, srv := newTestServer(t, Options{SecondaryPerMinute: 3, RateLimit: 5,
		Clock: emulator.NewManualClock(time.Date(2025, 1, 1, 10, 0, 30, 0, time.UTC))})
	for range 3 {
		resp := get(t, srv.URL+"/repos/acme/repo-000", "good", nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
	}
	resp := get(t, srv.URL+"/repos/acme/repo-000", "good", nil)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "30", resp.Header.Get("Retry-After"))

	get(t, srv.URL+"/repos/acme/repo-000", "good", nil) // the fifth request of the hour
	var e errorJSON
	resp = get(t, srv.URL+"/repos/acme/repo-000", "good", &e)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	assert.Equal(t, "0", resp.Header.Get("X-RateLimit-Remaining"))
	assert.NotEmpty(t, resp.Header.Get("X-RateLimit-Reset"))
	assert.Contains(t, e.Message, "API rate limit exceeded")
}

func TestFaults(t *testing.T) {
	s, srv := newTestServer(t, Options{})
	s.FailNext("GET /repos/{owner}/{repo}", 1, emulator.TooManyRequests)
	s.FailNext("GET /repos/{owner}/{repo}", 1, emulator.InternalError)
	s.FailNext("GET /repos/{owner}/{repo}", 1, emulator.TruncatedBody)
	resp := get(t, srv.URL+"/repos/acme/repo-000", "good", nil)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	resp = get(t, srv.URL+"/repos/acme/repo-000", "good", nil)
	assert.Equal(t, http.StatusInternalServerError, resp.StatusCode)

	req, _ := http.NewRequest(http.MethodGet, srv.URL+"/repos/acme/repo-000", nil)
	req.Header.Set("Authorization", "token good")
	r2, err := http.DefaultClient.Do(req)
	require.NoError(t, err)
	b, err := io.ReadAll(r2.Body)
	r2.Body.Close()
	require.NoError(t, err)
	assert.False(t, json.Valid(b), "a truncated body is not JSON")
	assert.Equal(t, 3, s.Faults())
}

func TestEnterprisePrefixInLinks(t *testing.T) {
	d := Generate(GenerateOptions{Repos: 1, Items: 40, Seed: 1})
	s := New(d, Options{})
	s.AddToken("good", Token{User: d.Users[1], Permissions: FullAccess()})
	srv := httptest.NewServer(http.StripPrefix("/api/v3", s))
	defer srv.Close()
	defer s.Close()
	resp := get(t, srv.URL+"/api/v3/repos/acme/repo-000/issues?per_page=10&state=all", "good", nil)
	m := nextRe.FindStringSubmatch(resp.Header.Get("Link"))
	require.NotNil(t, m)
	assert.True(t, strings.HasPrefix(m[1], srv.URL+"/api/v3/repos/acme/repo-000/issues?"), m[1])
}
