package zendeskemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

var past = time.Date(1999, 1, 1, 0, 0, 0, 0, time.UTC)

func newServer(t *testing.T, d *Data, o Options) (*Server, *http.Client) {
	t.Helper()
	s := New(d, o)
	s.AddAPIToken("user0@example.com", "tok")
	s.AddAPIToken("user1@example.com", "tok")
	s.AddOAuthToken("oauth", 1000)
	t.Cleanup(s.Close)
	return s, s.Client()
}

func get(t *testing.T, c *http.Client, path, user string) (int, http.Header, map[string]any) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://zendesk.test"+path, nil)
	require.NoError(t, err)
	switch user {
	case "oauth":
		req.Header.Set("Authorization", "Bearer oauth")
	case "":
	default:
		req.SetBasicAuth(user+"/token", "tok")
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	return resp.StatusCode, resp.Header, body
}

func TestAuthentication(t *testing.T) {
	_, c := newServer(t, Generate(GenerateOptions{Seed: 1, Start: past}), Options{})
	status, _, body := get(t, c, "/api/v2/users/me.json", "user0@example.com")
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "admin", body["user"].(map[string]any)["role"])
	status, _, _ = get(t, c, "/api/v2/users/me", "oauth")
	assert.Equal(t, http.StatusOK, status)
	status, _, body = get(t, c, "/api/v2/users/me", "")
	assert.Equal(t, http.StatusUnauthorized, status)
	assert.Equal(t, "Couldn't authenticate you", body["error"])
	status, _, _ = get(t, c, "/api/v2/incremental/tickets/cursor.json?start_time=0", "user1@example.com")
	assert.Equal(t, http.StatusForbidden, status, "the export is for admins")
}

func TestArticlesInCursorPagesByUpdateTime(t *testing.T) {
	d := Generate(GenerateOptions{Categories: 1, Sections: 2, Articles: 4, Seed: 1, Start: past})
	_, c := newServer(t, d, Options{})
	var got []int64
	var last time.Time
	path := "/api/v2/help_center/en-us/articles?sort_by=updated_at&sort_order=asc&page[size]=3"
	for pages := 0; path != ""; pages++ {
		require.Less(t, pages, 10)
		status, _, body := get(t, c, path, "user0@example.com")
		require.Equal(t, http.StatusOK, status, body)
		for _, a := range body["articles"].([]any) {
			m := a.(map[string]any)
			got = append(got, int64(m["id"].(float64)))
			at, err := time.Parse(time.RFC3339, m["updated_at"].(string))
			require.NoError(t, err)
			assert.False(t, at.Before(last))
			last = at
		}
		path = ""
		if next, _ := body["links"].(map[string]any)["next"].(string); next != "" {
			require.True(t, body["meta"].(map[string]any)["has_more"].(bool))
			u, err := url.Parse(next)
			require.NoError(t, err)
			path = u.RequestURI()
		}
	}
	assert.Len(t, got, 8)
}

func TestExportCursorDeletedTicketsAndLimit(t *testing.T) {
	clock := emulator.NewManualClock(past.Add(365 * 24 * time.Hour))
	d := Generate(GenerateOptions{Tickets: 7, Deleted: 2, Seed: 1, Start: past})
	d.Tickets[6].UpdatedAt = clock.Now().Add(-30 * time.Second) // within the last minute: not exported yet
	_, c := newServer(t, d, Options{Clock: clock, ExportsPerMinute: 3})
	status, _, body := get(t, c, "/api/v2/incremental/tickets/cursor.json?start_time="+strconv.FormatInt(clock.Now().Unix(), 10), "user0@example.com")
	assert.Equal(t, http.StatusUnprocessableEntity, status, body)
	path := "/api/v2/incremental/tickets/cursor.json?start_time=0&per_page=4"
	var ids []int64
	statuses := map[string]int{}
	for range 2 {
		status, _, body = get(t, c, path, "user0@example.com")
		require.Equal(t, http.StatusOK, status, body)
		for _, tk := range body["tickets"].([]any) {
			m := tk.(map[string]any)
			ids = append(ids, int64(m["id"].(float64)))
			statuses[m["status"].(string)]++
		}
		path = "/api/v2/incremental/tickets/cursor.json?cursor=" + url.QueryEscape(body["after_cursor"].(string))
	}
	assert.Equal(t, []int64{1, 2, 3, 4, 5, 6}, ids)
	assert.Equal(t, true, body["end_of_stream"])
	assert.Equal(t, 1, statuses["deleted"], "a deleted ticket is listed with status deleted")
	status, h, _ := get(t, c, path, "user0@example.com")
	require.Equal(t, http.StatusTooManyRequests, status, "the fourth export request in a minute")
	assert.NotEmpty(t, h.Get("Retry-After"))
	clock.Advance(time.Minute)
	status, _, _ = get(t, c, path, "user0@example.com")
	assert.Equal(t, http.StatusOK, status)
}
