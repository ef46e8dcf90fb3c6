package asanaemu

import (
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const tok = "2/1201000000000001/1209999:abcdef"

func newServer(t *testing.T, gen GenerateOptions, o Options) (*Server, *Data) {
	t.Helper()
	d := Generate(gen)
	s := New(d, o)
	s.AddToken(tok, MeGID)
	t.Cleanup(s.Close)
	return s, d
}

func get(t *testing.T, s *Server, path, token string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest("GET", "https://app.asana.com/api/1.0"+path, nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return resp.StatusCode, resp.Header, v
}

func TestTasksPageByOffsetWithNextPage(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 7, Seed: 1}, Options{})
	p := d.Projects[0].GID
	var got []string
	path := "/tasks?project=" + p + "&limit=3&opt_fields=name,modified_at,assignee.email"
	for pages := 0; path != ""; pages++ {
		require.Less(t, pages, 5)
		status, _, v := get(t, s, path, tok)
		require.Equal(t, http.StatusOK, status, v)
		for _, x := range v["data"].([]any) {
			m := x.(map[string]any)
			got = append(got, m["gid"].(string))
			assert.Contains(t, m, "modified_at")
			assert.NotContains(t, m, "notes", "opt_fields names what comes")
		}
		path = ""
		if np, ok := v["next_page"].(map[string]any); ok {
			path = np["path"].(string)
			assert.Equal(t, "https://app.asana.com/api/1.0"+path, np["uri"])
			assert.NotEmpty(t, np["offset"])
		} else {
			assert.Nil(t, v["next_page"], "the last page says next_page: null")
			assert.Contains(t, v, "next_page")
		}
	}
	assert.Equal(t, d.Projects[0].Tasks, got)

	status, _, v := get(t, s, "/tasks?project="+p+"&limit=101", tok)
	assert.Equal(t, http.StatusBadRequest, status, v)
	status, _, _ = get(t, s, "/tasks?limit=10", tok)
	assert.Equal(t, http.StatusBadRequest, status, "a project is required")
}

func TestExpiredOffsetIs400(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 5, Seed: 1}, Options{})
	_, _, v := get(t, s, "/tasks?project="+d.Projects[0].GID+"&limit=2", tok)
	next := v["next_page"].(map[string]any)["path"].(string)
	s.ExpireOffsets()
	status, _, v := get(t, s, next, tok)
	assert.Equal(t, http.StatusBadRequest, status)
	assert.Contains(t, v["errors"].([]any)[0].(map[string]any)["message"], "expired")
	status, _, _ = get(t, s, "/tasks?project="+d.Projects[0].GID+"&limit=2&offset=garbage!", tok)
	assert.Equal(t, http.StatusBadRequest, status)
}

func TestModifiedSinceFilters(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 6, Seed: 2}, Options{})
	mid := d.Tasks[d.Projects[0].Tasks[3]].ModifiedAt
	q := url.Values{"project": {d.Projects[0].GID}, "modified_since": {mid.Format(time.RFC3339Nano)}, "opt_fields": {"modified_at"}}
	status, _, v := get(t, s, "/tasks?"+q.Encode(), tok)
	require.Equal(t, http.StatusOK, status)
	for _, x := range v["data"].([]any) {
		at, err := time.Parse(time.RFC3339, x.(map[string]any)["modified_at"].(string))
		require.NoError(t, err)
		assert.False(t, at.Before(mid.Truncate(time.Millisecond)))
	}
}

func TestEventsSyncTokens(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 3, Seed: 3}, Options{})
	p := d.Projects[0].GID
	status, _, v := get(t, s, "/events?resource="+p, tok)
	require.Equal(t, http.StatusPreconditionFailed, status, "the first call has no token")
	sync1 := v["sync"].(string)
	require.NotEmpty(t, sync1)

	status, _, v = get(t, s, "/events?resource="+p+"&sync="+sync1, tok)
	require.Equal(t, http.StatusOK, status)
	assert.Empty(t, v["data"])
	gone := d.Projects[0].Tasks[1]
	s.Update(func(d *Data) { d.DeleteTask(gone, s.Now()) })
	status, _, v = get(t, s, "/events?resource="+p+"&sync="+v["sync"].(string), tok)
	require.Equal(t, http.StatusOK, status)
	evs := v["data"].([]any)
	require.Len(t, evs, 1)
	e := evs[0].(map[string]any)
	assert.Equal(t, "deleted", e["action"])
	assert.Equal(t, gone, e["resource"].(map[string]any)["gid"])
	assert.Equal(t, false, v["has_more"])

	s.ExpireSyncTokens()
	status, _, v = get(t, s, "/events?resource="+p+"&sync="+v["sync"].(string), tok)
	assert.Equal(t, http.StatusPreconditionFailed, status, "an old token")
	assert.NotEmpty(t, v["sync"])
	status, _, _ = get(t, s, "/tasks/"+gone, tok)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestSyncTokensExpireAfterADay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 1, Seed: 3}, Options{})
		p := d.Projects[0].GID
		_, _, v := get(t, s, "/events?resource="+p, tok)
		time.Sleep(25 * time.Hour)
		status, _, _ := get(t, s, "/events?resource="+p+"&sync="+v["sync"].(string), tok)
		assert.Equal(t, http.StatusPreconditionFailed, status)
		s.Close()
	})
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := newServer(t, GenerateOptions{Projects: 1, Tasks: 1}, Options{PerMinute: 3})
		for range 3 {
			status, _, _ := get(t, s, "/users/me", tok)
			require.Equal(t, http.StatusOK, status)
		}
		status, h, v := get(t, s, "/users/me", tok)
		assert.Equal(t, http.StatusTooManyRequests, status)
		assert.NotEmpty(t, h.Get("Retry-After"))
		assert.Contains(t, v, "errors")
		time.Sleep(time.Minute)
		status, _, _ = get(t, s, "/users/me", tok)
		assert.Equal(t, http.StatusOK, status)
		s.Close()
	})
}

func TestConcurrentRequestLimit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := newServer(t, GenerateOptions{Projects: 1, Tasks: 1}, Options{MaxConcurrent: 2, Latency: time.Second})
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		for range 4 {
			wg.Go(func() {
				status, _, _ := get(t, s, "/users/me", tok)
				mu.Lock()
				statuses[status]++
				mu.Unlock()
			})
		}
		wg.Wait()
		assert.Equal(t, 2, statuses[http.StatusOK])
		assert.Equal(t, 2, statuses[http.StatusTooManyRequests])
		s.Close()
	})
}

func TestAuthScopesAndVisibility(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 3, Tasks: 2, Seed: 4}, Options{})
	status, _, v := get(t, s, "/users/me", "wrong")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Contains(t, v, "errors")
	s.AddToken("narrow", MeGID, ScopeUsers, ScopeWorkspaces)
	status, _, _ = get(t, s, "/projects?workspace="+WorkspaceGID, "narrow")
	assert.Equal(t, http.StatusForbidden, status)
	status, _, v = get(t, s, "/users/me", "narrow")
	assert.Equal(t, http.StatusOK, status)
	assert.Equal(t, MeGID, v["data"].(map[string]any)["gid"])

	// A user outside a private project's members does not see it.
	outsider := d.Workspaces[0].Members[3]
	s.Update(func(d *Data) { d.Projects[2].Members = []string{MeGID} })
	s.AddToken("outsider", outsider)
	_, _, v = get(t, s, "/projects?workspace="+WorkspaceGID+"&opt_fields=privacy_setting", "outsider")
	for _, p := range v["data"].([]any) {
		assert.NotEqual(t, d.Projects[2].GID, p.(map[string]any)["gid"])
	}
	_, _, v = get(t, s, "/projects?workspace="+WorkspaceGID+"&opt_fields=privacy_setting,members.email,team", tok)
	require.Len(t, v["data"], 3)
	first := v["data"].([]any)[0].(map[string]any)
	assert.Equal(t, PublicToWorkspace, first["privacy_setting"])
	assert.NotEmpty(t, first["members"])
}

func TestBrokenStoriesAnswer404(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 2, Stories: 2, Seed: 5}, Options{})
	g := d.Projects[0].Tasks[0]
	status, _, v := get(t, s, "/tasks/"+g+"/stories?limit=100", tok)
	require.Equal(t, http.StatusOK, status)
	assert.NotEmpty(t, v["data"])
	s.Update(func(d *Data) { d.Tasks[g].Broken = true })
	status, _, _ = get(t, s, "/tasks/"+g+"/stories?limit=100", tok)
	assert.Equal(t, http.StatusNotFound, status)
}

func TestTooLargeWithoutLimit(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 12, Seed: 5}, Options{MaxUnpaginated: 10})
	status, _, v := get(t, s, "/tasks?project="+d.Projects[0].GID, tok)
	assert.Equal(t, http.StatusBadRequest, status, v)
}

func TestUsersTeamsAndSubtasks(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Projects: 1, Tasks: 2, Subtasks: 1, Users: 4, Seed: 6}, Options{})
	status, _, v := get(t, s, "/users/me?opt_fields=email,workspaces.is_organization", tok)
	require.Equal(t, http.StatusOK, status)
	me := v["data"].(map[string]any)
	assert.Equal(t, "ada.lovelace@example.com", me["email"])
	ws := me["workspaces"].([]any)[0].(map[string]any)
	assert.Equal(t, true, ws["is_organization"])

	_, _, v = get(t, s, "/workspaces/"+WorkspaceGID+"/users?limit=2&opt_fields=email", tok)
	assert.Len(t, v["data"], 2)
	assert.NotNil(t, v["next_page"])
	_, _, v = get(t, s, "/workspaces/"+WorkspaceGID+"/teams?limit=10", tok)
	require.Len(t, v["data"], 2)
	team := v["data"].([]any)[1].(map[string]any)["gid"].(string)
	_, _, v = get(t, s, "/teams/"+team+"/users?limit=10", tok)
	assert.Len(t, v["data"], len(d.Team(team).Members))

	parent := d.Projects[0].Tasks[0]
	_, _, v = get(t, s, "/tasks/"+parent+"?opt_fields=num_subtasks,memberships.project.name,permalink_url", tok)
	task := v["data"].(map[string]any)
	assert.EqualValues(t, 1, task["num_subtasks"])
	assert.Equal(t, "https://app.asana.com/1/"+WorkspaceGID+"/project/"+d.Projects[0].GID+"/task/"+parent, task["permalink_url"])
	assert.Len(t, task["memberships"], 1)
	_, _, v = get(t, s, "/tasks/"+parent+"/subtasks?limit=10&opt_fields=parent", tok)
	require.Len(t, v["data"], 1)
	assert.Equal(t, parent, v["data"].([]any)[0].(map[string]any)["parent"].(map[string]any)["gid"])
	assert.NotContains(t, d.Projects[0].Tasks, v["data"].([]any)[0].(map[string]any)["gid"], "subtasks are in no project")
}
