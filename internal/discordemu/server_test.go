package discordemu

import (
	"encoding/json"
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/emulator"
)

const token = "bot-token-123"

func newServer(t *testing.T, d *Data, o Options) *Server {
	t.Helper()
	s := New(d, o)
	s.AddToken(token)
	t.Cleanup(s.Close)
	return s
}

// get sends an authenticated GET and decodes the answer into v.
func get(t *testing.T, s *Server, path string, v any) *http.Response {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, "http://discord.test"+Prefix+path, nil)
	require.NoError(t, err)
	req.Header.Set("Authorization", "Bot "+token)
	resp, err := s.Client().Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	if v != nil {
		require.NoError(t, json.NewDecoder(resp.Body).Decode(v))
	}
	return resp
}

type msg struct {
	ID      string `json:"id"`
	Content string `json:"content"`
}

func ids(ms []msg) []uint64 {
	var out []uint64
	for _, m := range ms {
		n, _ := strconv.ParseUint(m.ID, 10, 64)
		out = append(out, n)
	}
	return out
}

func TestAuthentication(t *testing.T) {
	s := newServer(t, Generate(GenerateOptions{}), Options{})
	for _, h := range []string{"", "Bearer " + token, "Bot wrong", "bot " + token} {
		req, _ := http.NewRequest(http.MethodGet, "http://discord.test"+Prefix+"/users/@me", nil)
		if h != "" {
			req.Header.Set("Authorization", h)
		}
		resp, err := s.Client().Do(req)
		require.NoError(t, err)
		var e apiError
		require.NoError(t, json.NewDecoder(resp.Body).Decode(&e))
		resp.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, resp.StatusCode, h)
		assert.Equal(t, "401: Unauthorized", e.Message)
	}
	var me struct {
		ID  string `json:"id"`
		Bot bool   `json:"bot"`
	}
	assert.Equal(t, http.StatusOK, get(t, s, "/users/@me", &me).StatusCode)
	assert.True(t, me.Bot)
}

// Messages come newest first whatever the parameter; after= gives the
// oldest ones after the id.
func TestMessagesOrder(t *testing.T) {
	d := Generate(GenerateOptions{Messages: 30})
	s := newServer(t, d, Options{RouteLimit: 100})
	ch := d.Guilds[0].Channels[1]
	all := ch.Messages
	var page []msg
	get(t, s, "/channels/"+ID(ch.ID)+"/messages?limit=5&after="+ID(all[9].ID), &page)
	assert.Equal(t, []uint64{all[14].ID, all[13].ID, all[12].ID, all[11].ID, all[10].ID}, ids(page))
	get(t, s, "/channels/"+ID(ch.ID)+"/messages?limit=3", &page)
	assert.Equal(t, []uint64{all[29].ID, all[28].ID, all[27].ID}, ids(page))
	get(t, s, "/channels/"+ID(ch.ID)+"/messages?limit=2&before="+ID(all[5].ID), &page)
	assert.Equal(t, []uint64{all[4].ID, all[3].ID}, ids(page))
	get(t, s, "/channels/"+ID(ch.ID)+"/messages?after="+ID(all[29].ID), &page)
	assert.Empty(t, page)
	assert.Equal(t, http.StatusBadRequest, get(t, s, "/channels/"+ID(ch.ID)+"/messages?limit=101", nil).StatusCode)
	assert.Equal(t, http.StatusNotFound, get(t, s, "/channels/123/messages", nil).StatusCode)
	secret := d.Guilds[0].Channels[6]
	require.True(t, secret.Unreadable)
	var e apiError
	assert.Equal(t, http.StatusForbidden, get(t, s, "/channels/"+ID(secret.ID)+"/messages", &e).StatusCode)
	assert.Equal(t, 50001, e.Code)
}

func TestSnowflakes(t *testing.T) {
	at := time.Date(2026, 5, 6, 7, 8, 9, 123e6, time.UTC)
	id := Snowflake(at, 77)
	assert.Equal(t, at, TimeOf(id))
	assert.Equal(t, uint64(175928847299117063), Snowflake(time.UnixMilli(1462015105796), 175928847299117063&(1<<22-1)), "Discord's documented example")
}

func TestMessageContentIntent(t *testing.T) {
	d := Generate(GenerateOptions{Messages: 5})
	d.AppFlags = FlagGuildMembers
	s := newServer(t, d, Options{})
	var page []msg
	get(t, s, "/channels/"+ID(d.Guilds[0].Channels[1].ID)+"/messages", &page)
	require.Len(t, page, 5)
	for _, m := range page {
		assert.Empty(t, m.Content)
	}
	var e apiError
	assert.Equal(t, http.StatusOK, get(t, s, "/guilds/"+ID(d.Guilds[0].ID)+"/members", nil).StatusCode)
	d.AppFlags = 0
	assert.Equal(t, http.StatusForbidden, get(t, s, "/guilds/"+ID(d.Guilds[0].ID)+"/members", &e).StatusCode)
}

func TestMembersPaged(t *testing.T) {
	d := Generate(GenerateOptions{Members: 9})
	s := newServer(t, d, Options{RouteLimit: 100})
	var got []uint64
	after := "0"
	for {
		var page []struct {
			User struct {
				ID string `json:"id"`
			} `json:"user"`
		}
		get(t, s, "/guilds/"+ID(d.Guilds[0].ID)+"/members?limit=4&after="+after, &page)
		if len(page) == 0 {
			break
		}
		for _, m := range page {
			n, _ := strconv.ParseUint(m.User.ID, 10, 64)
			got = append(got, n)
		}
		after = page[len(page)-1].User.ID
	}
	require.Len(t, got, 10)
	assert.IsIncreasing(t, got)
}

func TestArchivedThreadsPagedByTimestamp(t *testing.T) {
	d := Generate(GenerateOptions{Threads: 7})
	s := newServer(t, d, Options{RouteLimit: 100})
	g := d.Guilds[0]
	general := g.Channels[1]
	var seen []string
	before := ""
	for {
		var page struct {
			Threads []struct {
				ID   string `json:"id"`
				Meta struct {
					ArchiveTimestamp time.Time `json:"archive_timestamp"`
				} `json:"thread_metadata"`
			} `json:"threads"`
			HasMore bool `json:"has_more"`
		}
		q := "?limit=2"
		if before != "" {
			q += "&before=" + before
		}
		get(t, s, "/channels/"+ID(general.ID)+"/threads/archived/public"+q, &page)
		for _, th := range page.Threads {
			seen = append(seen, th.ID)
			before = th.Meta.ArchiveTimestamp.Format(time.RFC3339Nano)
		}
		if !page.HasMore {
			break
		}
	}
	assert.Len(t, seen, 3, "threads 2, 4 and 6 are archived")
	var active struct {
		Threads []struct {
			Type int `json:"type"`
		} `json:"threads"`
	}
	get(t, s, "/guilds/"+ID(g.ID)+"/threads/active", &active)
	assert.Len(t, active.Threads, 4+1+1, "four public threads, the private one, one forum post")
}

// A bucket allows RouteLimit requests per RouteWindow from its first,
// counted per channel; its headers count down with Reset-After in decimal
// seconds, and the request past it is a 429 of scope user with a decimal
// retry_after.
func TestRouteBuckets(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC))
	d := Generate(GenerateOptions{Messages: 3})
	s := newServer(t, d, Options{RouteLimit: 3, RouteWindow: 2 * time.Second, Clock: clock})
	path := "/channels/" + ID(d.Guilds[0].Channels[1].ID) + "/messages"
	var bucket string
	for i := range 3 {
		resp := get(t, s, path, nil)
		require.Equal(t, http.StatusOK, resp.StatusCode)
		assert.Equal(t, strconv.Itoa(2-i), resp.Header.Get("X-RateLimit-Remaining"))
		assert.Equal(t, "3", resp.Header.Get("X-RateLimit-Limit"))
		bucket = resp.Header.Get("X-RateLimit-Bucket")
		clock.Advance(250 * time.Millisecond)
	}
	assert.NotEmpty(t, bucket)
	var body struct {
		Message    string  `json:"message"`
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	resp := get(t, s, path, &body)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, 1.25, body.RetryAfter)
	assert.False(t, body.Global)
	assert.Equal(t, "2", resp.Header.Get("Retry-After"))
	assert.Equal(t, "1.250", resp.Header.Get("X-RateLimit-Reset-After"))
	assert.Equal(t, ScopeUser, resp.Header.Get("X-RateLimit-Scope"))
	assert.Empty(t, resp.Header.Get("X-RateLimit-Global"))
	// Another channel is another bucket.
	other := get(t, s, "/channels/"+ID(d.Guilds[0].Channels[2].ID)+"/messages", nil)
	assert.Equal(t, http.StatusOK, other.StatusCode)
	assert.Equal(t, bucket, other.Header.Get("X-RateLimit-Bucket"), "same route, same bucket hash")
	clock.Advance(1250 * time.Millisecond)
	assert.Equal(t, http.StatusOK, get(t, s, path, nil).StatusCode)
	assert.Equal(t, 1, s.Throttled()[ScopeUser])
}

func TestGlobalLimit(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2026, 3, 1, 0, 0, 0, 100e6, time.UTC))
	s := newServer(t, Generate(GenerateOptions{}), Options{GlobalPerSecond: 4, RouteLimit: 100, Clock: clock})
	for range 4 {
		require.Equal(t, http.StatusOK, get(t, s, "/users/@me", nil).StatusCode)
	}
	var body struct {
		RetryAfter float64 `json:"retry_after"`
		Global     bool    `json:"global"`
	}
	resp := get(t, s, "/users/@me/guilds", &body)
	require.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.True(t, body.Global)
	assert.Equal(t, 0.9, body.RetryAfter)
	assert.Equal(t, "true", resp.Header.Get("X-RateLimit-Global"))
	assert.Equal(t, ScopeGlobal, resp.Header.Get("X-RateLimit-Scope"))
	clock.Advance(900 * time.Millisecond)
	assert.Equal(t, http.StatusOK, get(t, s, "/users/@me", nil).StatusCode)
}

func TestThrottleNext(t *testing.T) {
	d := Generate(GenerateOptions{})
	s := newServer(t, d, Options{})
	s.ThrottleNext("GET "+Prefix+"/guilds/{guild}/channels", 2, 1234*time.Millisecond, ScopeShared)
	var body struct {
		RetryAfter float64 `json:"retry_after"`
	}
	path := "/guilds/" + ID(d.Guilds[0].ID) + "/channels"
	resp := get(t, s, path, &body)
	assert.Equal(t, http.StatusTooManyRequests, resp.StatusCode)
	assert.Equal(t, 1.234, body.RetryAfter)
	assert.Equal(t, ScopeShared, resp.Header.Get("X-RateLimit-Scope"))
	assert.Equal(t, http.StatusOK, get(t, s, "/users/@me", nil).StatusCode, "other routes pass")
	assert.Equal(t, http.StatusTooManyRequests, get(t, s, path, nil).StatusCode)
	assert.Equal(t, http.StatusOK, get(t, s, path, nil).StatusCode)
	assert.Equal(t, 2, s.Throttled()["scheduled "+ScopeShared])
	s.ThrottleEvery("*", 2, time.Second, ScopeGlobal)
	assert.Equal(t, http.StatusOK, get(t, s, "/users/@me", nil).StatusCode)
	assert.Equal(t, http.StatusTooManyRequests, get(t, s, "/users/@me", nil).StatusCode)
	s.ClearThrottles()
	assert.Equal(t, http.StatusOK, get(t, s, "/users/@me", nil).StatusCode)
}
