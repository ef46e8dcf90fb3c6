package linearemu

import (
	"bytes"
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

type answerBody struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []gqlError                 `json:"errors"`
}

func post(t *testing.T, s *Server, auth, op, query string, vars map[string]any) (int, http.Header, answerBody) {
	t.Helper()
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars, "operationName": op})
	req, _ := http.NewRequest(http.MethodPost, "https://api.linear.test/graphql", bytes.NewReader(b))
	req.Header.Set("Content-Type", "application/json")
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var a answerBody
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&a))
	return resp.StatusCode, resp.Header, a
}

func code(a answerBody) string {
	if len(a.Errors) == 0 {
		return ""
	}
	c, _ := a.Errors[0].Extensions["code"].(string)
	return c
}

func newTest(t *testing.T, o Options) (*Server, *Data) {
	d := Generate(GenerateOptions{Teams: 2, Private: 1, Projects: 2, Issues: 7, Comments: 2, Documents: 2, Seed: 1})
	s := New(d, o)
	t.Cleanup(s.Close)
	s.AddAPIKey("key", d.Users[0])
	s.AddOAuthToken("tok", d.Users[1], "read")
	return s, d
}

const issuesQ = `query Issues($first: Int, $after: String, $filter: IssueFilter) {
  issues(first: $first, after: $after, filter: $filter, orderBy: updatedAt) { nodes { identifier updatedAt } pageInfo { hasNextPage endCursor } }
}`

// Keys go bare, OAuth tokens as Bearer; anything else is an
// AUTHENTICATION_ERROR under 400.
func TestAuthentication(t *testing.T) {
	s, _ := newTest(t, Options{})
	for auth, want := range map[string]string{"key": "", "Bearer tok": "", "Bearer key": CodeAuthentication, "tok": CodeAuthentication, "": CodeAuthentication} {
		status, _, a := post(t, s, auth, "Viewer", `query Viewer { viewer { id } }`, nil)
		assert.Equal(t, want, code(a), auth)
		if want != "" {
			assert.Equal(t, http.StatusBadRequest, status)
		}
	}
}

// Connections come newest first by updatedAt, page by page, filtered by
// updatedAt; a private team's issues are seen by its members only.
func TestIssuesPagingFilterAndVisibility(t *testing.T) {
	s, d := newTest(t, Options{})
	var all []string
	var times []time.Time
	after := ""
	for {
		vars := map[string]any{"first": 3}
		if after != "" {
			vars["after"] = after
		}
		_, _, a := post(t, s, "key", "Issues", issuesQ, vars)
		require.Empty(t, a.Errors)
		var c struct {
			Nodes []struct {
				Identifier string
				UpdatedAt  time.Time
			}
			PageInfo struct {
				HasNextPage bool
				EndCursor   string
			}
		}
		require.NoError(t, json.Unmarshal(a.Data["issues"], &c))
		for _, n := range c.Nodes {
			all = append(all, n.Identifier)
			times = append(times, n.UpdatedAt)
		}
		if !c.PageInfo.HasNextPage {
			break
		}
		after = c.PageInfo.EndCursor
	}
	assert.Len(t, all, len(d.Issues))
	for i := 1; i < len(times); i++ {
		assert.False(t, times[i].After(times[i-1]), "newest first")
	}
	_, _, a := post(t, s, "key", "Issues", issuesQ, map[string]any{"filter": map[string]any{"updatedAt": map[string]any{"lt": times[2].Format(time.RFC3339Nano)}}})
	assert.Equal(t, len(d.Issues)-3, bytes.Count(a.Data["issues"], []byte("identifier")))

	// User 1 is not a member of the private team.
	_, _, a = post(t, s, "Bearer tok", "Issues", issuesQ, nil)
	assert.Less(t, bytes.Count(a.Data["issues"], []byte("identifier")), len(d.Issues))
}

// A query naming what the schema lacks, backward paging, a bad cursor or
// a page too large is refused with a GraphQL error.
func TestRefusals(t *testing.T) {
	s, _ := newTest(t, Options{})
	cases := map[string]struct {
		q    string
		vars map[string]any
		code string
	}{
		"unknown field": {`query Issues { issues { nodes { identifier estimate } } }`, nil, CodeValidation},
		"unknown query": {`query X { cycles { nodes { id } } }`, nil, CodeValidation},
		"backward":      {`query Issues { issues(last: 2) { nodes { id } } }`, nil, CodeInvalidInput},
		"bad cursor":    {issuesQ, map[string]any{"after": "???"}, CodeInvalidInput},
		"page too big":  {issuesQ, map[string]any{"first": 251}, CodeInvalidInput},
		"not found":     {`query Issue { issue(id: "NOPE-1") { id } }`, nil, CodeInvalidInput},
		"too complex":   {`query Issues { issues(first: 250) { nodes { comments(first: 250) { nodes { id } } } } }`, nil, CodeInvalidInput},
	}
	for name, tc := range cases {
		op := "Issues"
		if name == "unknown query" {
			op = "X"
		} else if name == "not found" {
			op = "Issue"
		}
		_, _, a := post(t, s, "key", op, tc.q, tc.vars)
		assert.Equal(t, tc.code, code(a), name)
	}
}

// Requests and complexity are both budgeted per token; a spent budget is
// RATELIMITED under the configured status, with the reset in epoch
// milliseconds, and refills over time.
func TestRateLimits(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC))
	for _, status := range []int{http.StatusBadRequest, http.StatusOK} {
		s, _ := newTest(t, Options{RequestLimit: 2, Clock: clock, RateLimitStatus: status})
		for range 2 {
			st, h, a := post(t, s, "key", "Viewer", `query Viewer { viewer { id } }`, nil)
			require.Equal(t, http.StatusOK, st)
			require.Empty(t, a.Errors)
			assert.Equal(t, "2", h.Get("X-RateLimit-Requests-Limit"))
			assert.NotEmpty(t, h.Get("X-Complexity"))
		}
		st, h, a := post(t, s, "key", "Viewer", `query Viewer { viewer { id } }`, nil)
		assert.Equal(t, status, st)
		assert.Equal(t, CodeRateLimited, code(a))
		assert.Equal(t, "0", h.Get("X-RateLimit-Requests-Remaining"))
		reset, err := strconv.ParseInt(h.Get("X-RateLimit-Requests-Reset"), 10, 64)
		require.NoError(t, err)
		assert.Equal(t, clock.Now().Add(30*time.Minute).UnixMilli(), reset)
		clock.Advance(30 * time.Minute)
		_, _, a = post(t, s, "key", "Viewer", `query Viewer { viewer { id } }`, nil)
		assert.Empty(t, a.Errors)
	}

	s, _ := newTest(t, Options{ComplexityLimit: 100, Clock: clock})
	_, h, a := post(t, s, "key", "Issues", issuesQ, map[string]any{"first": 40})
	require.Empty(t, a.Errors)
	cost, _ := strconv.Atoi(h.Get("X-Complexity"))
	// The connection 1, each of 40 nodes 1 + 2 fields × 0.1, pageInfo 1 +
	// 2 × 0.1: 50.2, rounded up.
	assert.Equal(t, 51, cost)
	_, _, a = post(t, s, "key", "Issues", issuesQ, map[string]any{"first": 40})
	assert.Equal(t, CodeRateLimited, code(a))
}
