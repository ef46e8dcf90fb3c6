package notionemu

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const token = "ntn_test_token"

func newServer(t *testing.T, d *Data, o Options) (*Server, *http.Client) {
	s := New(d, o)
	s.AddToken(token)
	t.Cleanup(s.Close)
	return s, s.Client()
}

// do sends a request with the token and version and decodes the answer.
func do(t *testing.T, c *http.Client, method, path string, body any, headers ...string) (int, map[string]any) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		require.NoError(t, err)
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, "https://api.notion.test"+path, rd)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Notion-Version", Version)
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var out map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&out))
	return resp.StatusCode, out
}

func TestAuthVersionAndErrors(t *testing.T) {
	_, c := newServer(t, Generate(GenerateOptions{Pages: 2, Seed: 1}), Options{})
	st, body := do(t, c, "GET", "/v1/users/me", nil, "Authorization", "Bearer nope")
	assert.Equal(t, http.StatusUnauthorized, st)
	assert.Equal(t, map[string]any{"object": "error", "status": 401.0, "code": "unauthorized", "message": "API token is invalid."}, body)
	st, body = do(t, c, "GET", "/v1/users/me", nil, "Notion-Version", "")
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Equal(t, "missing_version", body["code"])
	st, body = do(t, c, "GET", "/v1/pages/00000000-0000-4000-8000-000000000000", nil)
	assert.Equal(t, http.StatusNotFound, st)
	assert.Equal(t, "object_not_found", body["code"])
	st, body = do(t, c, "GET", "/v1/users/me", nil)
	assert.Equal(t, http.StatusOK, st)
	assert.Equal(t, "bot", body["type"])
}

func TestSearchSortsPagesAndRoundsTimes(t *testing.T) {
	d := Generate(GenerateOptions{Pages: 25, Databases: 1, Rows: 3, Plain: true, Seed: 2})
	_, c := newServer(t, d, Options{})
	var seen []string
	var prev time.Time
	cursor := ""
	for {
		req := map[string]any{"filter": map[string]any{"property": "object", "value": "page"},
			"sort": map[string]any{"timestamp": "last_edited_time", "direction": "descending"}, "page_size": 7}
		if cursor != "" {
			req["start_cursor"] = cursor
		}
		st, body := do(t, c, "POST", "/v1/search", req)
		require.Equal(t, http.StatusOK, st, body)
		for _, r := range body["results"].([]any) {
			o := r.(map[string]any)
			assert.Equal(t, "page", o["object"])
			ts, err := time.Parse(time.RFC3339, o["last_edited_time"].(string))
			require.NoError(t, err)
			assert.Equal(t, ts.Truncate(time.Minute), ts, "times are reported to the minute")
			if !prev.IsZero() {
				assert.False(t, ts.After(prev), "newest first")
			}
			prev = ts
			seen = append(seen, o["id"].(string))
		}
		if body["has_more"] != true {
			assert.Nil(t, body["next_cursor"])
			break
		}
		cursor = body["next_cursor"].(string)
	}
	assert.Len(t, seen, 28, "pages and rows")
	st, body := do(t, c, "POST", "/v1/search", map[string]any{"start_cursor": "nonsense"})
	assert.Equal(t, http.StatusBadRequest, st)
	assert.Equal(t, "validation_error", body["code"])
	st, _ = do(t, c, "POST", "/v1/search", map[string]any{"page_size": 101})
	assert.Equal(t, http.StatusBadRequest, st)
}

// Filters are read to the minute: "before 10:02:30" is "before 10:02".
func TestQueryFilterToTheMinute(t *testing.T) {
	d := Generate(GenerateOptions{Pages: 1, Databases: 1, Rows: 3, Plain: true, Seed: 3})
	base := time.Date(2025, 3, 1, 10, 0, 0, 0, time.UTC)
	for i, p := range d.Pages[1:] {
		p.Edited = base.Add(time.Duration(i)*time.Minute + 10*time.Second)
	}
	_, c := newServer(t, d, Options{})
	st, body := do(t, c, "POST", "/v1/databases/"+d.Databases[0].ID+"/query", map[string]any{
		"filter": map[string]any{"and": []any{
			map[string]any{"timestamp": "last_edited_time", "last_edited_time": map[string]any{"on_or_after": "2025-03-01T10:00:30Z"}},
			map[string]any{"timestamp": "last_edited_time", "last_edited_time": map[string]any{"before": "2025-03-01T10:02:30Z"}},
		}},
		"sorts": []any{map[string]any{"timestamp": "last_edited_time", "direction": "ascending"}},
	})
	require.Equal(t, http.StatusOK, st, body)
	results := body["results"].([]any)
	require.Len(t, results, 2, "10:00 and 10:01, not 10:02")
	assert.Equal(t, "2025-03-01T10:00:00.000Z", results[0].(map[string]any)["last_edited_time"])
}

func TestBlockChildrenAndSyncedBlocks(t *testing.T) {
	d := Generate(GenerateOptions{Pages: 2, Seed: 4})
	_, c := newServer(t, d, Options{})
	st, body := do(t, c, "GET", "/v1/blocks/"+d.Pages[1].ID+"/children?page_size=3", nil)
	require.Equal(t, http.StatusOK, st, body)
	assert.Len(t, body["results"], 3)
	assert.Equal(t, true, body["has_more"])
	assert.Equal(t, "block", body["type"])
	var ref map[string]any
	for cursor := body["next_cursor"].(string); ; {
		_, body = do(t, c, "GET", "/v1/blocks/"+d.Pages[1].ID+"/children?page_size=3&start_cursor="+cursor, nil)
		for _, r := range body["results"].([]any) {
			if b := r.(map[string]any); b["type"] == "synced_block" {
				ref = b
			}
		}
		if body["has_more"] != true {
			break
		}
		cursor = body["next_cursor"].(string)
	}
	require.NotNil(t, ref)
	from := ref["synced_block"].(map[string]any)["synced_from"].(map[string]any)["block_id"].(string)
	_, body = do(t, c, "GET", "/v1/blocks/"+strings.ReplaceAll(from, "-", "")+"/children", nil)
	require.Len(t, body["results"], 1)
	assert.Equal(t, "Shared footer text.", body["results"].([]any)[0].(map[string]any)["paragraph"].(map[string]any)["rich_text"].([]any)[0].(map[string]any)["plain_text"])
}

// Past the burst the server answers 429 rate_limited with Retry-After in
// seconds.
func TestRateLimit(t *testing.T) {
	s, c := newServer(t, Generate(GenerateOptions{Seed: 5}), Options{RateLimit: true, Burst: 3})
	for range 3 {
		do(t, c, "GET", "/v1/users/me", nil)
	}
	req, err := http.NewRequest("GET", "https://api.notion.test/v1/users/me", nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Notion-Version", Version)
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, "1", resp.Header.Get("Retry-After"))
	var body map[string]any
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&body))
	assert.Equal(t, "rate_limited", body["code"])
	assert.Equal(t, 1, s.CountStatus(http.StatusTooManyRequests))
}
