package emulator_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func numbers(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = i + 1
	}
	return out
}

// newNumbers serves /numbers (page numbers with Link headers), /offset and
// /cursor over 1..n, behind a bearer token.
func newNumbers(n int, o emulator.Options) *emulator.Server {
	if o.Auth == nil {
		o.Auth = emulator.BearerTokens("tok")
	}
	s := emulator.New(o)
	items := numbers(n)
	s.Handle("GET /numbers", func(w http.ResponseWriter, r *http.Request) {
		page, err := emulator.LinkPage(w, r, items, emulator.PageParams{DefaultSize: 10})
		if err != nil {
			emulator.Error(w, 400, err.Error())
			return
		}
		emulator.WriteJSON(w, 200, page)
	})
	s.Handle("GET /offset", func(w http.ResponseWriter, r *http.Request) {
		page, start, size, more, err := emulator.OffsetOf(r, items, emulator.OffsetParams{Start: "startAt", Size: "maxResults"})
		if err != nil {
			emulator.Error(w, 400, err.Error())
			return
		}
		emulator.WriteJSON(w, 200, map[string]any{"values": page, "startAt": start, "maxResults": size, "isLast": !more})
	})
	s.Handle("GET /cursor", func(w http.ResponseWriter, r *http.Request) {
		page, next, err := emulator.CursorOf(r, items, emulator.CursorParams{DefaultSize: 7})
		if err != nil {
			emulator.WriteJSON(w, 200, map[string]any{"ok": false, "error": err.Error()})
			return
		}
		emulator.WriteJSON(w, 200, map[string]any{"ok": true, "items": page, "response_metadata": map[string]string{"next_cursor": next}})
	})
	s.Handle("GET /health", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }, emulator.Public())
	return s
}

func client(t testing.TB, s *emulator.Server, o httpx.Options) *httpx.Client {
	o.Env.HTTPClient = s.Client()
	if o.Auth == nil {
		o.Auth = httpx.Bearer(tributary.NewSecret("tok"))
	}
	c, err := httpx.New(o)
	require.NoError(t, err)
	return c
}

func TestPaginationStyles(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(45, emulator.Options{})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		ctx := t.Context()

		var got []int
		for p, err := range httpx.Link(ctx, c, "https://api.test/numbers", httpx.Limits{}, func(b *[]int) []int { return *b }) {
			require.NoError(t, err)
			got = append(got, p.Items...)
		}
		assert.Equal(t, numbers(45), got)

		got = nil
		type offsetPage struct {
			Values []int
			IsLast bool
		}
		for p, err := range httpx.Offset(ctx, 0, httpx.Limits{}, func(ctx context.Context, off int) ([]int, bool, error) {
			var b offsetPage
			err := c.GetJSON(ctx, "https://api.test/offset?maxResults=20&startAt="+strconv.Itoa(off), &b)
			return b.Values, !b.IsLast, err
		}) {
			require.NoError(t, err)
			got = append(got, p.Items...)
		}
		assert.Equal(t, numbers(45), got)

		got = nil
		for p, err := range httpx.Cursor(ctx, "", httpx.Limits{}, func(ctx context.Context, cur string) ([]int, string, error) {
			var b struct {
				Items            []int
				ResponseMetadata struct {
					NextCursor string `json:"next_cursor"`
				} `json:"response_metadata"`
			}
			err := c.GetJSON(ctx, "https://api.test/cursor?cursor="+cur, &b)
			return b.Items, b.ResponseMetadata.NextCursor, err
		}) {
			require.NoError(t, err)
			got = append(got, p.Items...)
		}
		assert.Equal(t, numbers(45), got)
		assert.Equal(t, 7, s.Count("GET /cursor"))
		assert.Equal(t, 5, s.Count("/numbers"))
	})
}

func TestAuth(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{})
		defer s.Close()
		_, err := client(t, s, httpx.Options{Auth: httpx.Bearer(tributary.NewSecret("wrong"))}).Get(t.Context(), "https://api.test/numbers")
		assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
		resp, err := s.Client().Get("https://api.test/health")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 200, resp.StatusCode, "public routes need no token")
		reqs := s.Requests()
		require.Len(t, reqs, 2)
		assert.Equal(t, 401, reqs[0].Status)
		assert.Empty(t, reqs[0].Principal)
		assert.Equal(t, "anonymous", reqs[1].Principal)

		b := emulator.New(emulator.Options{Auth: emulator.BasicUsers(map[string]string{"me@example.com": "api-token"})})
		defer b.Close()
		b.Handle("GET /me", func(w http.ResponseWriter, r *http.Request) { emulator.WriteJSON(w, 200, emulator.Principal(r)) })
		c, err := httpx.New(httpx.Options{Env: tributary.Env{HTTPClient: b.Client()}, Auth: httpx.Basic("me@example.com", tributary.NewSecret("api-token"))})
		require.NoError(t, err)
		var me string
		require.NoError(t, c.GetJSON(t.Context(), "https://jira.test/me", &me))
		assert.Equal(t, "me@example.com", me)
	})
}

func TestFaultSchedule(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		s.FailNext("/numbers", 2, emulator.ServiceUnavailable)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", nil))
		var statuses []int
		for _, r := range s.Requests() {
			statuses = append(statuses, r.Status)
		}
		assert.Equal(t, []int{503, 503, 200}, statuses)
		assert.Equal(t, 2, s.Faults())

		s.ResetLog()
		s.FailEvery("GET /numbers", 3, emulator.Fault{Status: 500})
		for range 6 {
			_ = c.GetJSON(t.Context(), "https://api.test/numbers", nil)
		}
		assert.Equal(t, 8, s.Count("*"), "every third answer failed and was retried")
		assert.Equal(t, 2, s.CountStatus(500))
		assert.Equal(t, 2, s.Faults())
		s.ClearFaults()
	})
}

func TestResetIsRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		s.FailNext("*", 1, emulator.ConnectionReset)
		var v []int
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", &v))
		assert.Equal(t, []int{1, 2, 3}, v)
		assert.Equal(t, 2, s.Count("/numbers"))
	})
}

func TestResetOverTCPIsRetried(t *testing.T) {
	s := newNumbers(3, emulator.Options{})
	defer s.Close()
	url := s.Start()
	c, err := httpx.New(httpx.Options{Env: tributary.Env{AllowPrivateNetwork: true}, Auth: httpx.Bearer(tributary.NewSecret("tok")),
		Retry: httpx.RetryPolicy{MinBackoff: time.Millisecond, MaxBackoff: time.Millisecond}})
	require.NoError(t, err)
	s.FailNext("*", 2, emulator.ConnectionReset)
	var v []int
	require.NoError(t, c.GetJSON(t.Context(), url+"/numbers", &v))
	assert.Equal(t, []int{1, 2, 3}, v)
}

func TestTruncatedBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(30, emulator.Options{})
		defer s.Close()
		// With one attempt the cut body reaches the caller as a transient error.
		c := client(t, s, httpx.Options{Retry: httpx.RetryPolicy{MaxAttempts: 1}})
		s.FailNext("*", 1, emulator.TruncatedBody)
		var v []int
		err := c.GetJSON(t.Context(), "https://api.test/numbers", &v)
		assert.ErrorIs(t, err, tributary.ErrTransient)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", &v))

		// With the default policy the stack fetches it again.
		s.ResetLog()
		c = client(t, s, httpx.Options{})
		s.FailNext("*", 1, emulator.TruncatedBody)
		v = nil
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", &v))
		assert.NotEmpty(t, v)
		reqs := s.Requests()
		require.Len(t, reqs, 2)
		assert.NotEmpty(t, reqs[0].Fault, "the first answer was cut")
		assert.Empty(t, reqs[1].Fault)
	})
}

func TestSlowAnswer(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		s.FailNext("*", 1, emulator.Slow(time.Minute))
		ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
		defer cancel()
		start := time.Now()
		err := c.GetJSON(ctx, "https://api.test/numbers", nil)
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 10*time.Second, time.Since(start))

		s.FailNext("*", 1, emulator.Slow(3*time.Second))
		start = time.Now()
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", nil))
		assert.Equal(t, 3*time.Second, time.Since(start))
	})
}

// Latency delays the answers of routes' handlers, not refusals; it can
// change while the server runs, and a request that ends while it waits
// gets nothing.
func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{Latency: 2 * time.Second})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		start := time.Now()
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", nil))
		assert.Equal(t, 2*time.Second, time.Since(start))

		bad := client(t, s, httpx.Options{Auth: httpx.Bearer(tributary.NewSecret("wrong"))})
		start = time.Now()
		require.Error(t, bad.GetJSON(t.Context(), "https://api.test/numbers", nil))
		assert.Zero(t, time.Since(start), "a refusal is not delayed")

		s.SetLatency(5 * time.Second)
		ctx, cancel := context.WithTimeout(t.Context(), time.Second)
		defer cancel()
		require.ErrorIs(t, c.GetJSON(ctx, "https://api.test/numbers", nil), context.DeadlineExceeded)
		start = time.Now()
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", nil))
		assert.Equal(t, 5*time.Second, time.Since(start))
	})
}

func TestRateLimitAnswersLikeGitHub(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{RateLimit: &emulator.RateLimit{Limit: 3, Window: time.Hour, Status: 403}})
		defer s.Close()
		hc := s.Client()
		get := func(tok string) *http.Response {
			req, _ := http.NewRequest("GET", "https://api.test/numbers", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := hc.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
			return resp
		}
		for i := range 3 {
			resp := get("tok")
			assert.Equal(t, 200, resp.StatusCode)
			assert.Equal(t, strconv.Itoa(2-i), resp.Header.Get("X-RateLimit-Remaining"))
		}
		resp := get("tok")
		assert.Equal(t, 403, resp.StatusCode)
		assert.Equal(t, "0", resp.Header.Get("X-RateLimit-Remaining"))
		assert.Equal(t, "3600", resp.Header.Get("Retry-After"))
		assert.Equal(t, fmt.Sprint(time.Now().Add(time.Hour).Unix()), resp.Header.Get("X-RateLimit-Reset"))
		assert.Equal(t, tributary.ErrRateLimited, httpx.KindOf(resp))

		// The stack, told it may wait an hour, waits for the reset instead of
		// failing; by default it reports ErrRateLimited with RetryAfter.
		c := client(t, s, httpx.Options{})
		_, err := c.Get(t.Context(), "https://api.test/numbers")
		te, ok := errors.AsType[*tributary.Error](err)
		require.True(t, ok)
		assert.ErrorIs(t, err, tributary.ErrRateLimited)
		assert.Equal(t, time.Hour, te.RetryAfter)
		c = client(t, s, httpx.Options{Retry: httpx.RetryPolicy{MaxWait: 2 * time.Hour}})
		start := time.Now()
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", nil))
		assert.Equal(t, time.Hour, time.Since(start))
	})
}

func TestRateLimitBucketIETF(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{RateLimit: &emulator.RateLimit{Limit: 2, Window: time.Second, Bucket: true, Headers: emulator.HeadersIETF}})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		start := time.Now()
		for range 12 {
			require.NoError(t, c.GetJSON(t.Context(), "https://api.test/numbers", nil))
		}
		assert.Zero(t, s.CountStatus(429), "the stack paced itself from RateLimit-* headers")
		assert.GreaterOrEqual(t, time.Since(start), 4*time.Second)
	})
}

func TestManualClock(t *testing.T) {
	clock := emulator.NewManualClock(time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC))
	s := newNumbers(3, emulator.Options{Clock: clock, RateLimit: &emulator.RateLimit{Limit: 1, Window: time.Minute}})
	defer s.Close()
	hc := s.Client()
	get := func() int {
		req, _ := http.NewRequest("GET", "https://api.test/numbers", nil)
		req.Header.Set("Authorization", "Bearer tok")
		resp, err := hc.Do(req)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	assert.Equal(t, 200, get())
	assert.Equal(t, 429, get())
	clock.Advance(time.Minute)
	assert.Equal(t, 200, get())
	assert.Equal(t, clock.Now(), s.Requests()[2].At)
}

func TestBadPageParameters(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(3, emulator.Options{})
		defer s.Close()
		c := client(t, s, httpx.Options{})
		for _, q := range []string{"page=0", "page=x", "per_page=-1"} {
			_, err := c.Get(t.Context(), "https://api.test/numbers?"+q)
			se, ok := errors.AsType[*httpx.StatusError](err)
			require.True(t, ok, q)
			assert.Equal(t, 400, se.StatusCode)
		}
		var b struct{ OK bool }
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/cursor?cursor=bogus", &b))
		assert.False(t, b.OK)
	})
}

func TestLogKeepsBodiesAndLinksKeepHTTPS(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newNumbers(25, emulator.Options{})
		defer s.Close()
		var echoed []byte
		s.Handle("POST /search", func(w http.ResponseWriter, r *http.Request) {
			echoed, _ = io.ReadAll(r.Body)
			emulator.WriteJSON(w, 200, map[string]string{"base": emulator.BaseURL(r)})
		})
		c := client(t, s, httpx.Options{})
		var got struct{ Base string }
		require.NoError(t, c.PostJSON(t.Context(), "https://api.test/search", map[string]string{"jql": "project = X"}, &got))
		assert.Equal(t, "https://api.test", got.Base)
		assert.JSONEq(t, `{"jql":"project = X"}`, string(echoed), "the handler reads the whole body")
		reqs := s.Requests()
		assert.JSONEq(t, `{"jql":"project = X"}`, string(reqs[len(reqs)-1].Body))

		resp, err := c.Get(t.Context(), "https://api.test/numbers")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Contains(t, resp.Header.Get("Link"), `<https://api.test/numbers?page=2>; rel="next"`)
	})
}

// A limited log keeps the latest requests, at least as many as asked and
// fewer than twice that, in order.
func TestLimitLog(t *testing.T) {
	s := newNumbers(1, emulator.Options{})
	defer s.Close()
	s.LimitLog(3)
	for i := range 20 {
		resp, err := s.Client().Get(fmt.Sprintf("https://emulator.test/health?i=%d", i))
		require.NoError(t, err)
		resp.Body.Close()
	}
	log := s.Requests()
	assert.GreaterOrEqual(t, len(log), 3)
	assert.Less(t, len(log), 6)
	assert.Equal(t, "i=19", log[len(log)-1].Query)
	assert.Equal(t, fmt.Sprintf("i=%d", 20-len(log)), log[0].Query)
}
