package jiraemu

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

const site = "https://acme.atlassian.test"

func newTestServer(t *testing.T, opts Options) (*Server, *Data) {
	d := Generate(GenerateOptions{Projects: 2, Issues: 30, Comments: 4, TimeZone: "Europe/Berlin", Seed: 1})
	s := New(d, opts)
	s.AddAPIToken(d.Users[0], "tok")
	s.AddPAT(d.Users[1], "pat")
	t.Cleanup(s.Close)
	return s, d
}

// get sends a GET with basic auth (or bearer, when pat) and decodes JSON.
func get(t *testing.T, s *Server, path string, q url.Values, pat bool, v any) int {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, site+path+"?"+q.Encode(), nil)
	require.NoError(t, err)
	if pat {
		req.Header.Set("Authorization", "Bearer pat")
	} else {
		req.SetBasicAuth("Ana@example.com", "tok")
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	if v != nil {
		require.NoError(t, json.Unmarshal(b, v), string(b))
	}
	return resp.StatusCode
}

type jqlPage struct {
	Issues []struct {
		Key    string         `json:"key"`
		Fields map[string]any `json:"fields"`
	} `json:"issues"`
	NextPageToken string `json:"nextPageToken"`
	IsLast        bool   `json:"isLast"`
	Total         int    `json:"total"`
}

func TestEnhancedSearchPagesByToken(t *testing.T) {
	s, d := newTestServer(t, Options{})
	q := url.Values{"jql": {`project = AAA ORDER BY updated ASC, key ASC`}, "maxResults": {"7"}, "fields": {"updated,summary"}}
	var keys []string
	var prev string
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		var pg jqlPage
		require.Equal(t, http.StatusOK, get(t, s, "/rest/api/3/search/jql", q, false, &pg))
		for _, is := range pg.Issues {
			keys = append(keys, is.Key)
			u := is.Fields["updated"].(string)
			assert.GreaterOrEqual(t, u, prev[:min(len(prev), len(u))], "ascending update times (one zone)")
			prev = u
			assert.NotContains(t, is.Fields, "description", "only the fields asked for")
		}
		if pg.IsLast {
			assert.Empty(t, pg.NextPageToken)
			break
		}
		require.NotEmpty(t, pg.NextPageToken)
		q.Set("nextPageToken", pg.NextPageToken)
	}
	assert.Len(t, keys, len(d.Project("AAA").Issues))

	// Only ids come back when no fields are named, as on Jira Cloud.
	var pg jqlPage
	get(t, s, "/rest/api/3/search/jql", url.Values{"jql": {"project = AAB"}}, false, &pg)
	assert.Nil(t, pg.Issues[0].Fields)

	// An expired token is refused with 400.
	s.ExpireTokens()
	var e struct{ ErrorMessages []string }
	assert.Equal(t, http.StatusBadRequest, get(t, s, "/rest/api/3/search/jql", q, false, &e))
	assert.Contains(t, e.ErrorMessages[0], "invalid or expired")
}

func TestOffsetSearchAndPlainBodies(t *testing.T) {
	s, d := newTestServer(t, Options{})
	var pg struct {
		StartAt, MaxResults, Total int
		Issues                     []struct {
			Key    string
			Fields struct{ Description any }
		}
	}
	q := url.Values{"jql": {`project in (AAA, "AAB") ORDER BY key DESC`}, "startAt": {"55"}, "maxResults": {"10"}}
	require.Equal(t, http.StatusOK, get(t, s, "/rest/api/2/search", q, true, &pg))
	assert.Equal(t, 60, pg.Total)
	assert.Equal(t, 55, pg.StartAt)
	require.Len(t, pg.Issues, 5)
	assert.Equal(t, "AAA-5", pg.Issues[0].Key)
	desc, ok := pg.Issues[0].Fields.Description.(string)
	require.True(t, ok, "Server descriptions are text")
	assert.Contains(t, desc, "second step")
	_ = d
}

func TestJQLDatesInTheUsersZone(t *testing.T) {
	s, d := newTestServer(t, Options{})
	is := d.Project("AAA").Issues[0]
	berlin, _ := time.LoadLocation("Europe/Berlin")
	at := is.Updated.In(berlin).Truncate(time.Minute)
	count := func(jql string) int {
		var pg jqlPage
		require.Equal(t, http.StatusOK, get(t, s, "/rest/api/3/search/jql", url.Values{"jql": {jql}, "maxResults": {"100"}}, false, &pg))
		n := 0
		for _, x := range pg.Issues {
			if x.Key == is.Key {
				n++
			}
		}
		return n
	}
	f := func(t time.Time) string { return `"` + t.Format("2006/01/02 15:04") + `"` }
	assert.Equal(t, 1, count(`project = AAA AND updated >= `+f(at)+` AND updated < `+f(at.Add(time.Minute))))
	assert.Equal(t, 0, count(`project = AAA AND updated >= `+f(at.Add(time.Minute))))
	// Read as UTC the same wall time is an hour or two off.
	assert.Equal(t, 0, count(`project = AAA AND updated >= `+f(at.UTC().Add(time.Minute).In(time.UTC))+` AND updated < `+f(at.UTC().Add(2*time.Minute))))
}

func TestUnknownJQLIsRefused(t *testing.T) {
	s, _ := newTestServer(t, Options{})
	for jql, msg := range map[string]string{
		`project = AAA AND colour = red`:   "does not exist",
		`project = NOPE`:                   "does not exist for the field 'project'",
		`project = AAA ORDER BY summary`:   "Not able to sort",
		`updated >= "yesterday"`:           "invalid",
		`project = AAA OR project = AAB`:   "only AND",
		`project = "AAA`:                   "not terminated",
		`project = AAA ) AND labels = ux`:  "Expecting",
		`(project = AAA AND labels = "ux"`: "Expecting ')'",
	} {
		var e struct{ ErrorMessages []string }
		require.Equal(t, http.StatusBadRequest, get(t, s, "/rest/api/3/search/jql", url.Values{"jql": {jql}}, false, &e), jql)
		require.Len(t, e.ErrorMessages, 1, jql)
		assert.Contains(t, e.ErrorMessages[0], msg, jql)
	}
}

func TestAuthAndPermissions(t *testing.T) {
	s, d := newTestServer(t, Options{})
	d.Project("AAB").NoBrowse = []string{d.Users[0].AccountID}
	req, _ := http.NewRequest(http.MethodGet, site+"/rest/api/3/myself", nil)
	req.SetBasicAuth("Ana@example.com", "wrong")
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	resp.Body.Close()
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)

	var me map[string]any
	require.Equal(t, http.StatusOK, get(t, s, "/rest/api/3/myself", nil, false, &me))
	assert.Equal(t, "Europe/Berlin", me["timeZone"])
	assert.Equal(t, "Ana@example.com", me["emailAddress"])

	var perms struct {
		Permissions map[string]struct{ HavePermission bool }
	}
	get(t, s, "/rest/api/3/mypermissions", url.Values{"projectKey": {"AAB"}, "permissions": {"BROWSE_PROJECTS"}}, false, &perms)
	assert.False(t, perms.Permissions["BROWSE_PROJECTS"].HavePermission)
	get(t, s, "/rest/api/3/mypermissions", url.Values{"projectKey": {"AAB"}, "permissions": {"BROWSE_PROJECTS"}}, true, &perms)
	assert.True(t, perms.Permissions["BROWSE_PROJECTS"].HavePermission, "another account may browse")
	assert.Equal(t, http.StatusNotFound, get(t, s, "/rest/api/3/project/NOPE", nil, false, nil))
	assert.Equal(t, http.StatusGone, get(t, s, "/rest/api/3/search", url.Values{"jql": {"project = AAA"}}, false, nil))
}

func TestCommentsPageAndHiddenEmails(t *testing.T) {
	s, d := newTestServer(t, Options{})
	var is *Issue
	for _, x := range d.Project("AAA").Issues {
		if len(x.Comments) >= 3 {
			is = x
			break
		}
	}
	require.NotNil(t, is)
	var pg struct {
		StartAt, MaxResults, Total int
		Comments                   []struct {
			ID     string
			Author map[string]any
			Body   map[string]any
		}
	}
	require.Equal(t, http.StatusOK, get(t, s, "/rest/api/3/issue/"+is.Key+"/comment", url.Values{"startAt": {"1"}, "maxResults": {"1"}}, false, &pg))
	assert.Equal(t, len(is.Comments), pg.Total)
	require.Len(t, pg.Comments, 1)
	assert.Equal(t, is.Comments[1].ID, pg.Comments[0].ID)
	assert.Equal(t, "doc", pg.Comments[0].Body["type"])
	if is.Comments[1].Author.HideEmail {
		assert.NotContains(t, pg.Comments[0].Author, "emailAddress")
	}
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	s, _ := newTestServer(t, Options{RatePerSecond: 2})
	statuses := map[int]int{}
	for range 5 {
		req, _ := http.NewRequest(http.MethodGet, site+"/rest/api/3/myself", nil)
		req.SetBasicAuth("Ana@example.com", "tok")
		resp, err := s.Client().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		statuses[resp.StatusCode]++
		if resp.StatusCode == http.StatusTooManyRequests {
			assert.NotEmpty(t, resp.Header.Get("Retry-After"))
		}
	}
	assert.Positive(t, statuses[http.StatusTooManyRequests])
}

func TestGenerateIsReproducible(t *testing.T) {
	a := Generate(GenerateOptions{Projects: 2, Issues: 50, Comments: 3, Seed: 9})
	b := Generate(GenerateOptions{Projects: 2, Issues: 50, Comments: 3, Seed: 9})
	require.Equal(t, len(a.Projects), len(b.Projects))
	for i := range a.Projects {
		for j, is := range a.Projects[i].Issues {
			other := b.Projects[i].Issues[j]
			assert.Equal(t, is.Key, other.Key)
			assert.True(t, is.Updated.Equal(other.Updated))
			assert.False(t, is.Updated.Before(is.Created), is.Key)
		}
	}
	assert.True(t, strings.HasPrefix(a.Projects[1].Issues[0].Key, "AAB-"))
}
