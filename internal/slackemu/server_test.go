package slackemu

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

type reply struct {
	OK       bool              `json:"ok"`
	Error    string            `json:"error"`
	Needed   string            `json:"needed"`
	URL      string            `json:"url"`
	HasMore  bool              `json:"has_more"`
	Messages []json.RawMessage `json:"messages"`
	Channels []json.RawMessage `json:"channels"`
	Meta     struct {
		NextCursor string `json:"next_cursor"`
	} `json:"response_metadata"`
	Permalink string `json:"permalink"`
}

func call(t *testing.T, c *http.Client, token, method string, params url.Values) (reply, *http.Response) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "https://slack.com/api/"+method+"?"+params.Encode(), nil)
	require.NoError(t, err)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, err := c.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	var r reply
	require.NoError(t, json.NewDecoder(resp.Body).Decode(&r))
	return r, resp
}

func tsOf(t *testing.T, raw json.RawMessage) string {
	var m struct {
		TS string `json:"ts"`
	}
	require.NoError(t, json.Unmarshal(raw, &m))
	return m.TS
}

func TestHistoryNewestFirstWithCursorAndBounds(t *testing.T) {
	ws := Generate(Config{Channels: 1, Messages: 25})
	s := NewServer(ws, Tokens())
	defer s.Close()
	c := s.Client()
	all := ws.TopLevel("C00000001")

	var got []string
	cursor := ""
	for pages := 0; ; pages++ {
		require.Less(t, pages, 10)
		r, _ := call(t, c, BotToken, "conversations.history", url.Values{"channel": {"C00000001"}, "limit": {"10"}, "cursor": {cursor}})
		require.True(t, r.OK, r.Error)
		for _, m := range r.Messages {
			got = append(got, tsOf(t, m))
		}
		if !r.HasMore {
			assert.Empty(t, r.Meta.NextCursor)
			break
		}
		cursor = r.Meta.NextCursor
	}
	require.Len(t, got, 25)
	assert.Equal(t, all[24].TS, got[0], "newest first")
	assert.Equal(t, all[0].TS, got[24])

	// oldest and latest are exclusive unless inclusive.
	r, _ := call(t, c, BotToken, "conversations.history", url.Values{"channel": {"C00000001"}, "oldest": {all[5].TS}, "latest": {all[10].TS}})
	require.Len(t, r.Messages, 4)
	assert.Equal(t, all[9].TS, tsOf(t, r.Messages[0]))
	r, _ = call(t, c, BotToken, "conversations.history", url.Values{"channel": {"C00000001"}, "oldest": {all[5].TS}, "latest": {all[10].TS}, "inclusive": {"true"}})
	require.Len(t, r.Messages, 6)
}

func TestErrorsAndScopes(t *testing.T) {
	ws := Generate(Config{Channels: 1, Messages: 1})
	tokens := Tokens()
	tokens["xoxb-noscope"] = Token{UserID: BotUser, Scopes: []string{"channels:read"}}
	tokens["xoxb-revoked"] = Token{UserID: BotUser, Revoked: true}
	s := NewServer(ws, tokens)
	defer s.Close()
	c := s.Client()
	for _, tc := range []struct{ token, method, want string }{
		{"", "auth.test", "not_authed"},
		{"xoxb-wrong", "auth.test", "invalid_auth"},
		{"xoxb-revoked", "auth.test", "token_revoked"},
		{"xoxb-noscope", "conversations.history", "missing_scope"},
		{BotToken, "conversations.history", "channel_not_found"},
	} {
		r, resp := call(t, c, tc.token, tc.method, url.Values{"channel": {"CNOPE"}})
		if tc.want == "missing_scope" {
			r, resp = call(t, c, tc.token, tc.method, url.Values{"channel": {"C00000001"}})
			assert.Equal(t, "channels:history", r.Needed)
		}
		assert.Equal(t, http.StatusOK, resp.StatusCode, "Slack answers errors with HTTP 200")
		assert.False(t, r.OK)
		assert.Equal(t, tc.want, r.Error)
	}
	r, _ := call(t, c, BotToken, "auth.test", nil)
	assert.Equal(t, "https://emulated.slack.com/", r.URL)
}

func TestRateLimitAnswers429WithRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(Generate(Config{Channels: 1, Messages: 1}), Tokens())
		defer s.Close()
		s.SetLimits(map[string]int{"conversations.list": 2}, 0)
		c := s.Client()
		for range 2 {
			r, _ := call(t, c, BotToken, "conversations.list", nil)
			require.True(t, r.OK)
		}
		time.Sleep(15 * time.Second)
		r, resp := call(t, c, BotToken, "conversations.list", nil)
		assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
		assert.Equal(t, "ratelimited", r.Error)
		assert.Equal(t, "45", resp.Header.Get("Retry-After"))
		time.Sleep(45 * time.Second)
		r, _ = call(t, c, BotToken, "conversations.list", nil)
		assert.True(t, r.OK)
	})
}

func TestFaultsAndSlackErrors(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := NewServer(Generate(Config{Channels: 1, Messages: 1}), Tokens())
		defer s.Close()
		c := s.Client()
		get := func() (*http.Response, error) {
			req, _ := http.NewRequest(http.MethodGet, "https://slack.com/api/auth.test", nil)
			req.Header.Set("Authorization", "Bearer "+BotToken)
			return c.Do(req)
		}
		s.FailNext("/api/auth.test", 1, emulator.ConnectionReset)
		s.FailNext("/api/auth.test", 1, emulator.TruncatedBody)
		s.FailNext("/api/auth.test", 1, emulator.ServiceUnavailable)
		_, err := get()
		assert.Error(t, err, "reset")
		resp, err := get()
		require.NoError(t, err)
		var v any
		assert.Error(t, json.NewDecoder(resp.Body).Decode(&v), "truncated body")
		resp.Body.Close()
		resp, err = get()
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 503, resp.StatusCode)
		s.FailWithError("auth.test", "internal_error")
		r, resp := call(t, c, BotToken, "auth.test", nil)
		assert.Equal(t, 200, resp.StatusCode)
		assert.Equal(t, "internal_error", r.Error)
		r, _ = call(t, c, BotToken, "auth.test", nil)
		assert.True(t, r.OK)
		assert.Equal(t, 5, s.Calls("auth.test"))
	})
}

func TestRepliesAndPermalink(t *testing.T) {
	ws := Generate(Config{Channels: 1, Messages: 3, ThreadEvery: 3, Replies: 4})
	s := NewServer(ws, Tokens())
	defer s.Close()
	c := s.Client()
	parent := ws.TopLevel("C00000001")[0]
	var got []string
	cursor := ""
	for {
		r, _ := call(t, c, BotToken, "conversations.replies", url.Values{"channel": {"C00000001"}, "ts": {parent.TS}, "limit": {"2"}, "cursor": {cursor}})
		require.True(t, r.OK, r.Error)
		for _, m := range r.Messages {
			got = append(got, tsOf(t, m))
		}
		if r.Meta.NextCursor == "" {
			break
		}
		cursor = r.Meta.NextCursor
	}
	require.Len(t, got, 5)
	assert.Equal(t, parent.TS, got[0], "parent first")
	r, _ := call(t, c, BotToken, "chat.getPermalink", url.Values{"channel": {"C00000001"}, "message_ts": {got[2]}})
	assert.Equal(t, ws.Permalink("C00000001", got[2], parent.TS), r.Permalink)
	assert.Contains(t, r.Permalink, "?thread_ts="+parent.TS+"&cid=C00000001")
}

func TestUpdateAndRemoveChannel(t *testing.T) {
	w := Generate(Config{Channels: 2, Messages: 3})
	require.NoError(t, w.UpdateChannel("C00000001", func(c *Channel) { c.Archived, c.ID = true, "C99999999" }))
	require.True(t, w.Channels()[0].Archived)
	require.Equal(t, "C00000001", w.Channels()[0].ID, "the id stays")
	require.NoError(t, w.RemoveChannel("C00000002"))
	require.Len(t, w.Channels(), 1)
	require.Error(t, w.RemoveChannel("C00000002"))
	require.Error(t, w.UpdateChannel("C00000002", func(*Channel) {}))
}
