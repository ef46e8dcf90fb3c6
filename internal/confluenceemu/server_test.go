package confluenceemu

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
)

func TestParseCQL(t *testing.T) {
	ny, err := time.LoadLocation("America/New_York")
	require.NoError(t, err)
	q, err := parseCQL(`type=page AND space in ("ENG", 'HR') AND lastmodified >= "2024-03-01 10:30" AND lastmodified < "2024-03-02" order by lastmodified desc`, ny)
	require.NoError(t, err)
	assert.Equal(t, []string{"page"}, q.types)
	assert.Equal(t, []string{"ENG", "HR"}, q.spaces)
	assert.True(t, q.after.Equal(time.Date(2024, 3, 1, 15, 30, 0, 0, time.UTC)), "dates are read in the user's zone: %s", q.after)
	assert.True(t, q.before.Equal(time.Date(2024, 3, 2, 5, 0, 0, 0, time.UTC)))
	assert.Equal(t, "desc", q.order)
	at := time.Date(2024, 3, 1, 15, 30, 0, 0, time.UTC)
	assert.True(t, q.match("page", "1", "eng", at))
	assert.False(t, q.match("page", "1", "ENG", at.Add(-time.Millisecond)))
	assert.False(t, q.match("blogpost", "1", "ENG", at))
	assert.False(t, q.match("page", "1", "OPS", at))
	q, err = parseCQL(`id = 42 AND type = page`, time.UTC)
	require.NoError(t, err)
	assert.True(t, q.match("page", "42", "X", at))
	assert.False(t, q.match("page", "43", "X", at))

	for _, bad := range []string{
		"", "type=page OR space=ENG", "title ~ 'x'", "type=page AND", `lastmodified >= "yesterday"`,
		"type=page order by title", `space in ("A"`, `lastmodified = "2024-01-01"`, "type=widget", "type=page )",
		`space = "ENG`, "id = abc",
	} {
		_, err := parseCQL(bad, time.UTC)
		assert.Error(t, err, "%q must be refused", bad)
	}
}

type harness struct {
	t    *testing.T
	s    *Server
	c    *http.Client
	base string
}

func newHarness(t *testing.T, f Flavor) *harness {
	d := Generate(GenerateOptions{Spaces: 2, Pages: 70, Comments: 3, Seed: 4})
	s := New(d, Options{Flavor: f})
	s.AddAPIToken("me@example.com", "tok", d.Users[0])
	s.AddPAT("pat", d.Users[0])
	t.Cleanup(s.Close)
	base := "https://example.atlassian.net/wiki"
	if f == DataCenter {
		base = "https://confluence.example.com"
	}
	return &harness{t: t, s: s, c: s.Client(), base: base}
}

func (h *harness) get(path string, auth func(*http.Request), v any) int {
	req, err := http.NewRequest(http.MethodGet, h.base+path, nil)
	require.NoError(h.t, err)
	auth(req)
	resp, err := h.c.Do(req)
	require.NoError(h.t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(h.t, err)
	if v != nil && resp.StatusCode == http.StatusOK {
		require.NoError(h.t, json.Unmarshal(b, v))
	}
	return resp.StatusCode
}

func basic(r *http.Request)  { r.SetBasicAuth("me@example.com", "tok") }
func bearer(r *http.Request) { r.Header.Set("Authorization", "Bearer pat") }

type page struct {
	Results []struct {
		ID      string `json:"id"`
		Version struct {
			When time.Time `json:"when"`
		} `json:"version"`
	} `json:"results"`
	Size  int `json:"size"`
	Links struct {
		Base, Context, Next string
	} `json:"_links"`
}

// Search pages through _links.next: cursors on Cloud, offsets on Server,
// in order of update time, and no more than 50 results with bodies.
func TestSearchPagination(t *testing.T) {
	for _, f := range []Flavor{Cloud, DataCenter} {
		h := newHarness(t, f)
		auth := basic
		if f == DataCenter {
			auth = bearer
		}
		q := url.Values{"cql": {`type=page AND space="S000" order by lastmodified asc`}, "limit": {"200"}, "expand": {"body.storage,version"}}
		next := "/rest/api/content/search?" + q.Encode()
		var seen []string
		pages := 0
		var last time.Time
		for next != "" {
			var p page
			require.Equal(t, http.StatusOK, h.get(next, auth, &p))
			assert.LessOrEqual(t, p.Size, 50, "bodies cap a page at 50")
			pages++
			for _, r := range p.Results {
				assert.False(t, r.Version.When.Before(last), "sorted by update time")
				last = r.Version.When
				seen = append(seen, r.ID)
			}
			assert.Equal(t, h.base, p.Links.Base)
			if f == Cloud {
				assert.NotContains(t, p.Links.Next, "start=")
			} else if p.Links.Next != "" {
				assert.Contains(t, p.Links.Next, "start=")
			}
			next = p.Links.Next
		}
		assert.Len(t, seen, 70)
		assert.Equal(t, 2, pages)
	}
}

func TestBadCQLIsRefused(t *testing.T) {
	h := newHarness(t, Cloud)
	q := url.Values{"cql": {`type=page AND creator = currentUser()`}}
	assert.Equal(t, http.StatusBadRequest, h.get("/rest/api/content/search?"+q.Encode(), basic, nil))
}

func TestAuthentication(t *testing.T) {
	h := newHarness(t, Cloud)
	assert.Equal(t, http.StatusOK, h.get("/rest/api/user/current", basic, nil))
	assert.Equal(t, http.StatusUnauthorized, h.get("/rest/api/user/current", func(r *http.Request) { r.SetBasicAuth("me@example.com", "no") }, nil))
	assert.Equal(t, http.StatusUnauthorized, h.get("/rest/api/user/current", bearer, nil), "Cloud takes no personal access tokens")
	d := newHarness(t, DataCenter)
	assert.Equal(t, http.StatusOK, d.get("/rest/api/user/current", bearer, nil))
	assert.Equal(t, http.StatusNotFound, d.get("/rest/api/space/NOPE", bearer, nil))
	d.s.Deny(d.s.data.Users[0])
	assert.Equal(t, http.StatusForbidden, d.get("/rest/api/space/S000", bearer, nil))
}

func TestWebUI(t *testing.T) {
	p := &Page{ID: 42, Title: "Q&A notes", Space: &Space{Key: "ENG"}}
	assert.Equal(t, "/spaces/ENG/pages/42/Q%26A+notes", PageWebUI(Cloud, p))
	assert.True(t, strings.HasPrefix(PageWebUI(DataCenter, p), "/display/ENG/"))
}
