package gitlabemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

const token = "glpat-emulated0123456789"

func newTestServer(t *testing.T, opts Options) (*Server, *Data, *http.Client) {
	t.Helper()
	d := Generate(GenerateOptions{Subgroups: 2, Projects: 2, Issues: 30, MergeRequests: 5, Notes: 3, WikiPages: 2, PrivateEvery: 3, Seed: 1})
	s := New(d, opts)
	s.AddToken(token, Token{User: d.Users[0], Scopes: ReadAPI()})
	t.Cleanup(s.Close)
	return s, d, s.Client()
}

func get(t *testing.T, c *http.Client, rawURL string, hdr map[string]string) (*http.Response, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, rawURL, nil)
	require.NoError(t, err)
	req.Header.Set("PRIVATE-TOKEN", token)
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp, b
}

const api = "http://gitlab.test/api/v4"

func TestAuthentication(t *testing.T) {
	_, _, c := newTestServer(t, Options{})
	resp, _ := get(t, c, api+"/user", nil)
	assert.Equal(t, 200, resp.StatusCode)
	resp, _ = get(t, c, api+"/user", map[string]string{"PRIVATE-TOKEN": "", "Authorization": "Bearer " + token})
	assert.Equal(t, 200, resp.StatusCode)
	resp, body := get(t, c, api+"/user", map[string]string{"PRIVATE-TOKEN": "glpat-wrong"})
	assert.Equal(t, 401, resp.StatusCode)
	assert.JSONEq(t, `{"message":"401 Unauthorized"}`, string(body))
}

func TestInsufficientScope(t *testing.T) {
	s, d, c := newTestServer(t, Options{})
	s.AddToken("glpat-user-only", Token{User: d.Users[0], Scopes: []string{"read_user"}})
	resp, _ := get(t, c, api+"/user", map[string]string{"PRIVATE-TOKEN": "glpat-user-only"})
	assert.Equal(t, 200, resp.StatusCode)
	resp, body := get(t, c, api+"/projects", map[string]string{"PRIVATE-TOKEN": "glpat-user-only"})
	assert.Equal(t, 403, resp.StatusCode)
	assert.Contains(t, string(body), "insufficient_scope")
}

func TestGroupProjectsSubgroupsAndKeyset(t *testing.T) {
	_, d, c := newTestServer(t, Options{})
	resp, body := get(t, c, api+"/groups/acme/projects?include_subgroups=true&with_shared=false&pagination=keyset&order_by=id&sort=asc&per_page=4", nil)
	require.Equal(t, 200, resp.StatusCode)
	var page []projectJSON
	require.NoError(t, json.Unmarshal(body, &page))
	assert.Len(t, page, 4)
	next := resp.Header.Get("Link")
	require.Contains(t, next, "id_after=")
	assert.Empty(t, resp.Header.Get("X-Total"))
	total := len(page)
	for next != "" {
		u := next[strings.Index(next, "<")+1 : strings.Index(next, ">")]
		resp, body = get(t, c, u, nil)
		require.Equal(t, 200, resp.StatusCode)
		page = nil
		require.NoError(t, json.Unmarshal(body, &page))
		total += len(page)
		next = resp.Header.Get("Link")
	}
	assert.Equal(t, len(d.Projects), total)

	resp, _ = get(t, c, api+"/groups/acme/projects?pagination=keyset&order_by=name", nil)
	assert.Equal(t, 405, resp.StatusCode)
	resp, _ = get(t, c, api+"/groups/acme/projects", nil)
	assert.Equal(t, "2", resp.Header.Get("X-Total"), "without include_subgroups only the group's own projects")
}

func TestIssuesUpdatedAfterInclusiveAndEncodedPath(t *testing.T) {
	_, d, c := newTestServer(t, Options{})
	p := d.Projects[0]
	it := p.Issues[3]
	q := url.Values{"order_by": {"updated_at"}, "sort": {"asc"}, "updated_after": {it.UpdatedAt.Format(time.RFC3339Nano)},
		"updated_before": {it.UpdatedAt.Format(time.RFC3339Nano)}}
	resp, body := get(t, c, api+"/projects/"+url.PathEscape(p.PathWithNamespace())+"/issues?"+q.Encode(), nil)
	require.Equal(t, 200, resp.StatusCode)
	var items []itemJSON
	require.NoError(t, json.Unmarshal(body, &items))
	require.NotEmpty(t, items)
	for _, x := range items {
		assert.Equal(t, *isoTime(it.UpdatedAt), *x.UpdatedAt)
	}
}

func TestRateLimitHeadersAndRetryLater(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC))
	_, _, c := newTestServer(t, Options{RateLimit: 2, Clock: clock})
	resp, _ := get(t, c, api+"/user", nil)
	assert.Equal(t, "2", resp.Header.Get("RateLimit-Limit"))
	assert.Equal(t, "1", resp.Header.Get("RateLimit-Remaining"))
	assert.Equal(t, "1740830461", resp.Header.Get("RateLimit-Reset"), "an epoch time, not seconds")
	get(t, c, api+"/user", nil)
	resp, body := get(t, c, api+"/user", nil)
	assert.Equal(t, 429, resp.StatusCode)
	assert.Equal(t, "Retry later\n", string(body))
	assert.Equal(t, "60", resp.Header.Get("Retry-After"))
	clock.Advance(time.Minute)
	resp, _ = get(t, c, api+"/user", nil)
	assert.Equal(t, 200, resp.StatusCode)
}

func TestPrivateProjectHidden(t *testing.T) {
	s, d, c := newTestServer(t, Options{})
	stranger := &User{ID: 999, Username: "stranger", Name: "Stranger"}
	s.Update(func(d *Data) { d.Users = append(d.Users, stranger) })
	s.AddToken("glpat-stranger", Token{User: stranger, Scopes: ReadAPI()})
	var private *Project
	for _, p := range d.Projects {
		if p.Visibility == "private" {
			private = p
			break
		}
	}
	require.NotNil(t, private)
	resp, _ := get(t, c, api+"/projects/"+url.PathEscape(private.PathWithNamespace()), map[string]string{"PRIVATE-TOKEN": "glpat-stranger"})
	assert.Equal(t, 404, resp.StatusCode)
	resp, _ = get(t, c, api+"/projects/"+url.PathEscape(private.PathWithNamespace()), nil)
	assert.Equal(t, 200, resp.StatusCode)
}

// TestTotalsLeftOutPastTenThousand: like GitLab, a listing of more than
// 10,000 items has no X-Total, X-Total-Pages or rel="last", only the next
// page's link.
func TestTotalsLeftOutPastTenThousand(t *testing.T) {
	d := Generate(GenerateOptions{Projects: 1, Issues: 10001, Seed: 2})
	s := New(d, Options{})
	s.AddToken(token, Token{User: d.Users[0], Scopes: ReadAPI()})
	t.Cleanup(s.Close)
	resp, _ := get(t, s.Client(), api+"/projects/acme%2Fproject-000/issues?per_page=100", nil)
	require.Equal(t, 200, resp.StatusCode)
	assert.Empty(t, resp.Header.Get("X-Total"))
	assert.Empty(t, resp.Header.Get("X-Total-Pages"))
	assert.Equal(t, "2", resp.Header.Get("X-Next-Page"))
	assert.Contains(t, resp.Header.Get("Link"), `rel="next"`)
	assert.NotContains(t, resp.Header.Get("Link"), `rel="last"`)
}
