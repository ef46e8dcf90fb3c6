package clickupemu

import (
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const (
	personal = "pk_81000_TESTTOKEN"
	oauth    = "81000_oauthaccess"
)

func newServer(t *testing.T, g GenerateOptions, o Options) (*Server, *Data) {
	t.Helper()
	d := Generate(g)
	s := New(d, o)
	t.Cleanup(s.Close)
	s.AddToken(personal, d.Users[0].ID)
	return s, d
}

func get(t *testing.T, s *Server, path, auth string) (*http.Response, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://api.clickup.com"+Prefix+path, nil)
	require.NoError(t, err)
	if auth != "" {
		req.Header.Set("Authorization", auth)
	}
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var v map[string]any
	require.NoError(t, json.Unmarshal(b, &v), string(b))
	return resp, v
}

func TestAuthentication(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Tasks: 3}, Options{})
	s.AddToken(oauth, d.Users[0].ID)
	resp, v := get(t, s, "/user", personal)
	require.Equal(t, http.StatusOK, resp.StatusCode)
	assert.Equal(t, d.Users[0].Email, v["user"].(map[string]any)["email"])
	resp, _ = get(t, s, "/user", "Bearer "+oauth)
	assert.Equal(t, http.StatusOK, resp.StatusCode, "OAuth tokens come after Bearer")
	resp, v = get(t, s, "/user", "Bearer "+personal)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, "a personal token is sent alone")
	assert.Equal(t, "OAUTH_025", v["ECODE"])
	s.RevokeToken(personal)
	_, v = get(t, s, "/user", personal)
	assert.Equal(t, "OAUTH_019", v["ECODE"])
	resp, v = get(t, s, "/user", "")
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.Equal(t, "OAUTH_017", v["ECODE"])
}

func TestOAuthTokenLimitedToWorkspaces(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Tasks: 3}, Options{})
	s.AddToken(oauth, d.Users[0].ID, "1")
	_, v := get(t, s, "/team", "Bearer "+oauth)
	assert.Empty(t, v["teams"])
	resp, v := get(t, s, "/team/"+DefaultTeam+"/space", "Bearer "+oauth)
	assert.Equal(t, http.StatusUnauthorized, resp.StatusCode)
	assert.Equal(t, "OAUTH_027", v["ECODE"])
}

func TestHierarchyAndPrivacy(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Tasks: 3}, Options{})
	outsider := "pk_81004_OUTSIDER"
	s.AddToken(outsider, d.Users[4].ID)
	_, v := get(t, s, "/team", personal)
	teams := v["teams"].([]any)
	require.Len(t, teams, 1)
	assert.Len(t, teams[0].(map[string]any)["members"], 5)
	_, v = get(t, s, "/team/"+DefaultTeam+"/space?archived=false", personal)
	assert.Len(t, v["spaces"], 2)
	_, v = get(t, s, "/team/"+DefaultTeam+"/space?archived=false", outsider)
	assert.Len(t, v["spaces"], 1, "the private space is hidden from non-members")
	sp := d.Teams[0].Spaces[0]
	_, v = get(t, s, "/space/"+sp.ID+"/folder", personal)
	folders := v["folders"].([]any)
	require.Len(t, folders, 1)
	assert.Len(t, folders[0].(map[string]any)["lists"], 2)
	_, v = get(t, s, "/folder/"+sp.Folders[0].ID+"/list", personal)
	assert.Len(t, v["lists"], 2)
	_, v = get(t, s, "/space/"+sp.ID+"/list", personal)
	assert.Len(t, v["lists"], 1)
	_, v = get(t, s, "/list/"+sp.Lists[0].ID+"/member", personal)
	assert.Len(t, v["members"], 2, "the private backlog's members")
	_, v = get(t, s, "/group?team_id="+DefaultTeam, personal)
	assert.Len(t, v["groups"], 2)
}

func TestTaskPagesSortsAndFilters(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Spaces: 1, Lists: 1, Tasks: 30, Subtasks: 3, Closed: 2, Archived: 2, Seed: 4}, Options{PageSize: 7})
	l := d.Teams[0].Spaces[0].Folders[0].Lists[0]
	base := "/list/" + l.ID + "/task?order_by=updated&reverse=true&include_closed=true&subtasks=true"
	var got []string
	var prev int64
	for page := 0; ; page++ {
		_, v := get(t, s, base+"&page="+strconv.Itoa(page), personal)
		for _, k := range v["tasks"].([]any) {
			m := k.(map[string]any)
			at, _ := strconv.ParseInt(m["date_updated"].(string), 10, 64)
			assert.GreaterOrEqual(t, at, prev, "oldest first with reverse=true")
			prev = at
			got = append(got, m["id"].(string))
		}
		if v["last_page"].(bool) {
			break
		}
		require.Len(t, v["tasks"], 7)
	}
	live := 0
	for _, k := range l.Tasks {
		if !k.Archived {
			live++
		}
	}
	assert.Len(t, got, live, "archived tasks are left out")
	_, v := get(t, s, "/list/"+l.ID+"/task?order_by=updated", personal)
	first := v["tasks"].([]any)[0].(map[string]any)
	assert.Equal(t, got[len(got)-1], first["id"], "newest first without reverse (closed tasks and subtasks left out but the last is open)")
	_, v = get(t, s, "/list/"+l.ID+"/task?include_closed=true&subtasks=true&date_updated_gt="+Stamp(l.Tasks[10].Updated), personal)
	for _, k := range v["tasks"].([]any) {
		at, _ := strconv.ParseInt(k.(map[string]any)["date_updated"].(string), 10, 64)
		assert.Greater(t, at, l.Tasks[10].Updated.UnixMilli())
	}
	_, v = get(t, s, "/list/"+l.ID+"/task?page=99", personal)
	assert.Empty(t, v["tasks"])
	assert.Equal(t, true, v["last_page"])
	resp, v := get(t, s, "/list/"+l.ID+"/task?page=x", personal)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	assert.NotEmpty(t, v["ECODE"])
}

func TestTasksInMultipleLists(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Spaces: 1, Lists: 2, Tasks: 4}, Options{})
	lists := d.Teams[0].Spaces[0].Folders[0].Lists
	k := lists[0].Tasks[0]
	k.AlsoIn = []string{lists[1].ID}
	_, v := get(t, s, "/list/"+lists[1].ID+"/task", personal)
	n := len(v["tasks"].([]any))
	_, v = get(t, s, "/list/"+lists[1].ID+"/task?include_timl=true", personal)
	tasks := v["tasks"].([]any)
	require.Len(t, tasks, n+1)
	for _, x := range tasks {
		if m := x.(map[string]any); m["id"] == k.ID {
			assert.Equal(t, lists[0].ID, m["list"].(map[string]any)["id"], "the home list")
		}
	}
}

func TestCommentPages(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Spaces: 1, Lists: 1, Tasks: 1}, Options{CommentPage: 4})
	k := d.Teams[0].Spaces[0].Folders[0].Lists[0].Tasks[0]
	k.Comments = nil
	for i := range 10 {
		at := DefaultStart.Add(time.Duration(i/2) * time.Minute) // pairs share a time
		k.Comments = append(k.Comments, &Comment{ID: strconv.Itoa(100 + i), Text: "c", User: d.Users[0].ID, Date: at})
	}
	var got []string
	path := "/task/" + k.ID + "/comment"
	for range 5 {
		_, v := get(t, s, path, personal)
		cs := v["comments"].([]any)
		if len(cs) == 0 {
			break
		}
		for _, c := range cs {
			got = append(got, c.(map[string]any)["id"].(string))
		}
		last := cs[len(cs)-1].(map[string]any)
		path = "/task/" + k.ID + "/comment?start=" + last["date"].(string) + "&start_id=" + last["id"].(string)
	}
	assert.Equal(t, []string{"109", "108", "107", "106", "105", "104", "103", "102", "101", "100"}, got)
}

func TestCustomTaskIDs(t *testing.T) {
	s, d := newServer(t, GenerateOptions{Spaces: 1, Lists: 1, Tasks: 2}, Options{})
	k := d.Teams[0].Spaces[0].Folders[0].Lists[0].Tasks[0]
	_, v := get(t, s, "/task/"+k.CustomID+"?custom_task_ids=true&team_id="+DefaultTeam, personal)
	assert.Equal(t, k.ID, v["id"])
	resp, _ := get(t, s, "/task/"+k.CustomID+"?custom_task_ids=true", personal)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode)
	resp, v = get(t, s, "/task/nosuch", personal)
	assert.Equal(t, http.StatusNotFound, resp.StatusCode)
	assert.Equal(t, "ITEM_013", v["ECODE"])
}

func TestRateLimitPerMinute(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, _ := newServer(t, GenerateOptions{Tasks: 1}, Options{PerMinute: 3})
		for i := range 3 {
			resp, _ := get(t, s, "/user", personal)
			require.Equal(t, http.StatusOK, resp.StatusCode)
			assert.Equal(t, "3", resp.Header.Get("X-RateLimit-Limit"))
			assert.Equal(t, strconv.Itoa(2-i), resp.Header.Get("X-RateLimit-Remaining"))
		}
		resp, v := get(t, s, "/user", personal)
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Equal(t, "APP_002", v["ECODE"])
		reset, err := strconv.ParseInt(resp.Header.Get("X-RateLimit-Reset"), 10, 64)
		require.NoError(t, err)
		assert.Equal(t, time.Now().Add(time.Minute).Unix(), reset, "the reset is epoch seconds")
		time.Sleep(time.Minute)
		resp, _ = get(t, s, "/user", personal)
		assert.Equal(t, http.StatusOK, resp.StatusCode)
		s.Close()
	})
}
