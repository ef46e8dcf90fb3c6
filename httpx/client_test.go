package httpx_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/emulator"
)

func TestKindOf(t *testing.T) {
	tests := []struct {
		name   string
		status int
		header map[string]string
		want   error
	}{
		{"ok", 200, nil, nil},
		{"bad request", 400, nil, nil},
		{"unauthorized", 401, nil, tributary.ErrCredentialExpired},
		{"forbidden", 403, nil, tributary.ErrInsufficientPermissions},
		{"secondary limit", 403, map[string]string{"Retry-After": "60"}, tributary.ErrRateLimited},
		{"primary limit", 403, map[string]string{"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": "1700000000"}, tributary.ErrRateLimited},
		{"forbidden with budget", 403, map[string]string{"X-RateLimit-Remaining": "42"}, tributary.ErrInsufficientPermissions},
		{"not found", 404, nil, tributary.ErrNotFound},
		{"gone", 410, nil, tributary.ErrNotFound},
		{"too many", 429, nil, tributary.ErrRateLimited},
		{"server", 500, nil, tributary.ErrTransient},
		{"unavailable", 503, nil, tributary.ErrTransient},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			resp := &http.Response{StatusCode: tt.status, Header: http.Header{}}
			for k, v := range tt.header {
				resp.Header.Set(k, v)
			}
			assert.Equal(t, tt.want, httpx.KindOf(resp))
		})
	}
}

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	h := func(kv ...string) *http.Response {
		r := &http.Response{StatusCode: 429, Header: http.Header{}}
		for i := 0; i < len(kv); i += 2 {
			r.Header.Set(kv[i], kv[i+1])
		}
		return r
	}
	tests := []struct {
		name string
		resp *http.Response
		want time.Duration
		ok   bool
	}{
		{"seconds", h("Retry-After", "7"), 7 * time.Second, true},
		{"date", h("Retry-After", now.Add(90*time.Second).Format(http.TimeFormat)), 90 * time.Second, true},
		{"past date", h("Retry-After", now.Add(-time.Hour).Format(http.TimeFormat)), 0, true},
		{"epoch reset", h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset", fmt.Sprint(now.Add(time.Minute).Unix())), time.Minute, true},
		{"ietf reset", h("RateLimit-Remaining", "0", "RateLimit-Reset", "12"), 12 * time.Second, true},
		{"structured", h("RateLimit", `"default";r=0;t=5`), 5 * time.Second, true},
		{"decimal seconds", h("Retry-After", "1.234"), 1234 * time.Millisecond, true},
		{"decimal rounded up", h("Retry-After", "0.0001"), time.Millisecond, true},
		{"reset after", h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset-After", "0.853"), 853 * time.Millisecond, true},
		{"reset after wins", h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset-After", "2.5",
			"X-RateLimit-Reset", fmt.Sprint(now.Add(time.Hour).Unix())), 2500 * time.Millisecond, true},
		{"decimal epoch reset", h("X-RateLimit-Remaining", "0", "X-RateLimit-Reset",
			fmt.Sprintf("%d.250", now.Add(time.Minute).Unix())), time.Minute + 250*time.Millisecond, true},
		{"reset while requests remain", h("X-RateLimit-Remaining", "3", "X-RateLimit-Reset-After", "1.5"), 0, false},
		{"exponent", h("Retry-After", "1e3"), 0, false},
		{"negative", h("Retry-After", "-1.5"), 0, false},
		{"garbage", h("Retry-After", "soon"), 0, false},
		{"none", h(), 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d, ok := httpx.RetryAfter(tt.resp, now)
			assert.Equal(t, tt.ok, ok)
			assert.Equal(t, tt.want, d)
		})
	}
}

// sequence answers with the given statuses in turn (the last repeats),
// adding headers, and counts requests.
func sequence(n *atomic.Int64, statuses []int, header func(w http.ResponseWriter)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		i := int(n.Add(1)) - 1
		code := statuses[min(i, len(statuses)-1)]
		if code != 200 && header != nil {
			header(w)
		}
		w.WriteHeader(code)
		fmt.Fprint(w, `{"ok":true}`)
	})
}

func TestRetryAfterHonoured(t *testing.T) {
	for _, form := range []string{"seconds", "date"} {
		t.Run(form, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var n atomic.Int64
				h := sequence(&n, []int{429, 200}, func(w http.ResponseWriter) {
					if form == "seconds" {
						w.Header().Set("Retry-After", "7")
					} else {
						w.Header().Set("Retry-After", time.Now().Add(7*time.Second).UTC().Format(http.TimeFormat))
					}
				})
				m := &countingMeter{}
				c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
				require.NoError(t, err)
				start := time.Now()
				var v struct{ OK bool }
				require.NoError(t, c.GetJSON(tributary.WithMeter(t.Context(), m), "https://api.test/x", &v))
				assert.True(t, v.OK)
				assert.Equal(t, 7*time.Second, time.Since(start))
				assert.Equal(t, int64(2), n.Load())
				assert.Equal(t, int64(2), m.requests.Load())
				assert.Equal(t, 7*time.Second, m.totalWait())
			})
		})
	}
}

// TestRetryPause shows that a policy's Pause waits between attempts in
// place of the stack's timer, with the wait the server named and the
// request's context.
func TestRetryPause(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		h := sequence(&n, []int{503, 200}, func(w http.ResponseWriter) { w.Header().Set("Retry-After", "3") })
		type key struct{}
		var paused []time.Duration
		pause := func(ctx context.Context, d time.Duration) {
			assert.Equal(t, "mine", ctx.Value(key{}))
			paused = append(paused, d)
			time.Sleep(d)
		}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), Retry: httpx.RetryPolicy{Pause: pause}})
		require.NoError(t, err)
		start := time.Now()
		var v struct{ OK bool }
		require.NoError(t, c.GetJSON(context.WithValue(t.Context(), key{}, "mine"), "https://api.test/x", &v))
		assert.True(t, v.OK)
		assert.Equal(t, []time.Duration{3 * time.Second}, paused)
		assert.Equal(t, 3*time.Second, time.Since(start), "the stack waited besides the pause")
	})
}

func TestUnauthorizedNotRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{sequence(&n, []int{401}, nil)})})
		require.NoError(t, err)
		_, err = c.Get(t.Context(), "https://api.test/x")
		require.Error(t, err)
		assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
		assert.Equal(t, int64(1), n.Load())
		se, ok := errors.AsType[*httpx.StatusError](err)
		require.True(t, ok)
		assert.Equal(t, 401, se.StatusCode)
	})
}

func TestNeverRetried(t *testing.T) {
	for _, code := range []int{400, 401, 403, 404, 422} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var n atomic.Int64
				c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{sequence(&n, []int{code, 200}, nil)})})
				require.NoError(t, err)
				_, err = c.Get(t.Context(), "https://api.test/x")
				require.Error(t, err)
				assert.Equal(t, int64(1), n.Load())
			})
		})
	}
}

func TestServerErrorsRetriedWhenIdempotent(t *testing.T) {
	for _, code := range []int{500, 502, 503, 504} {
		t.Run(fmt.Sprint(code), func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var n atomic.Int64
				c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{sequence(&n, []int{code, code, 200}, nil)})})
				require.NoError(t, err)
				require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
				assert.Equal(t, int64(3), n.Load())

				n.Store(0)
				err = c.PostJSON(t.Context(), "https://api.test/x", map[string]int{"a": 1}, nil)
				assert.ErrorIs(t, err, tributary.ErrTransient)
				assert.Equal(t, int64(1), n.Load(), "POST is not idempotent")

				n.Store(0)
				require.NoError(t, c.PostJSON(httpx.Idempotent(t.Context()), "https://api.test/x", map[string]int{"a": 1}, nil))
				assert.Equal(t, int64(3), n.Load())
			})
		})
	}
}

func TestRetryReplaysBody(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var bodies []string
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			b, _ := io.ReadAll(r.Body)
			bodies = append(bodies, string(b))
			if len(bodies) == 1 {
				w.WriteHeader(429)
				return
			}
			fmt.Fprint(w, `{}`)
		})
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		require.NoError(t, c.PostJSON(t.Context(), "https://api.test/q", map[string]string{"q": "x"}, nil))
		assert.Equal(t, []string{`{"q":"x"}`, `{"q":"x"}`}, bodies)
	})
}

func TestConnectionResetRetried(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		ok := handlerTransport{sequence(new(atomic.Int64), []int{200}, nil)}
		rt := fnTransport(func(req *http.Request) (*http.Response, error) {
			if n.Add(1) == 1 {
				return nil, &net.OpError{Op: "read", Net: "tcp", Err: syscall.ECONNRESET}
			}
			return ok.RoundTrip(req)
		})
		c, err := httpx.New(httpx.Options{Env: envFor(rt)})
		require.NoError(t, err)
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		assert.Equal(t, int64(2), n.Load())
	})
}

func TestRateLimitExhausted(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		h := sequence(&n, []int{429}, func(w http.ResponseWriter) { w.Header().Set("Retry-After", "2") })
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), Retry: httpx.RetryPolicy{MaxAttempts: 3}})
		require.NoError(t, err)
		start := time.Now()
		_, err = c.Get(t.Context(), "https://api.test/x")
		assert.ErrorIs(t, err, tributary.ErrRateLimited)
		te, ok := errors.AsType[*tributary.Error](err)
		require.True(t, ok)
		assert.Equal(t, 2*time.Second, te.RetryAfter)
		assert.Equal(t, int64(3), n.Load())
		assert.Equal(t, 4*time.Second, time.Since(start))
	})
}

func TestRetryAfterBeyondBudgetFailsAtOnce(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		h := sequence(&n, []int{403}, func(w http.ResponseWriter) { w.Header().Set("Retry-After", "3600") })
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		start := time.Now()
		_, err = c.Get(t.Context(), "https://api.test/x")
		assert.ErrorIs(t, err, tributary.ErrRateLimited)
		te, _ := errors.AsType[*tributary.Error](err)
		assert.Equal(t, time.Hour, te.RetryAfter)
		assert.Equal(t, int64(1), n.Load())
		assert.Zero(t, time.Since(start))
	})
}

func TestBoundedTotalWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{sequence(&n, []int{503}, nil)}),
			Retry: httpx.RetryPolicy{MaxAttempts: 100, MaxWait: 10 * time.Second, MinBackoff: time.Second, MaxBackoff: 4 * time.Second}})
		require.NoError(t, err)
		start := time.Now()
		_, err = c.Get(t.Context(), "https://api.test/x")
		assert.ErrorIs(t, err, tributary.ErrTransient)
		assert.LessOrEqual(t, time.Since(start), 10*time.Second)
		assert.Less(t, n.Load(), int64(100))
	})
}

func TestContextCancelStopsRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		h := sequence(new(atomic.Int64), []int{429}, func(w http.ResponseWriter) { w.Header().Set("Retry-After", "30") })
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		start := time.Now()
		_, err = c.Get(ctx, "https://api.test/x")
		assert.ErrorIs(t, err, context.DeadlineExceeded)
		assert.Equal(t, 5*time.Second, time.Since(start))
	})
}

func TestMalformedJSON(t *testing.T) {
	for name, body := range map[string]string{"truncated": `{"items":[1,2`, "garbage": `<html>`, "empty": ``, "wrong type": `{"items":"x"}`} {
		t.Run(name, func(t *testing.T) {
			synctest.Test(t, func(t *testing.T) {
				var calls atomic.Int32
				h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { calls.Add(1); io.WriteString(w, body) })
				c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
				require.NoError(t, err)
				var v struct{ Items []int }
				start := time.Now()
				err = c.GetJSON(t.Context(), "https://api.test/x", &v)
				assert.ErrorIs(t, err, tributary.ErrTransient)
				assert.Equal(t, int32(5), calls.Load(), "fetched again up to the policy's attempts")
				assert.Equal(t, 7500*time.Millisecond, time.Since(start), "backoff 0.5s, 1s, 2s, 4s")
			})
		})
	}
}

func TestBrokenBodyFetchedAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var calls atomic.Int32
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if calls.Add(1) == 1 {
				io.WriteString(w, `{"items":[1,2],"extra":"stale","more":[3`)
				return
			}
			io.WriteString(w, `{"items":[7]}`)
		})
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		var v struct {
			Items []int
			Extra string
		}
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", &v))
		assert.Equal(t, []int{7}, v.Items)
		assert.Empty(t, v.Extra, "nothing of the broken body survives")
		assert.Equal(t, int32(2), calls.Load())

		// A POST that is not marked idempotent is never sent twice.
		calls.Store(0)
		err = c.PostJSON(t.Context(), "https://api.test/x", map[string]int{"a": 1}, &v)
		require.ErrorIs(t, err, tributary.ErrTransient)
		assert.Equal(t, int32(1), calls.Load())
	})
}

func TestBodyCap(t *testing.T) {
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"s":"`+strings.Repeat("a", 100)+`"}`)
	})
	c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), MaxBodyBytes: 50})
	require.NoError(t, err)
	var v struct{ S string }
	err = c.GetJSON(t.Context(), "https://api.test/x", &v)
	assert.ErrorIs(t, err, httpx.ErrBodyTooLarge)

	c, err = httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), MaxBodyBytes: 200})
	require.NoError(t, err)
	require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", &v))
	assert.Len(t, v.S, 100)
}

func TestInvalidOptions(t *testing.T) {
	_, err := httpx.New(httpx.Options{RateLimit: httpx.RateLimit{PerSecond: -1}})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestNoSecretInErrors(t *testing.T) {
	const token = "ghp_supersecrettoken123456"
	const qtoken = "querysecret98765"
	const pass = "hunter2hunter2"
	echo := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(401)
		// A careless upstream echoing the credentials back.
		fmt.Fprintf(w, `{"message":"bad credentials %s for %s"}`, r.Header.Get("Authorization"), r.URL.String())
	})
	reset := fnTransport(func(req *http.Request) (*http.Response, error) {
		return nil, fmt.Errorf("dial %s with %s: %w", req.URL, req.Header.Get("Authorization"), syscall.ECONNREFUSED)
	})
	auths := map[string]httpx.Auth{
		"bearer": httpx.Bearer(tributary.NewSecret(token)),
		"basic":  httpx.Basic("me@example.com", tributary.NewSecret(token)),
		"header": httpx.Header("X-API-Key", tributary.NewSecret(token)),
	}
	urls := []string{
		"https://api.test/x?token=" + qtoken,
		"https://api.test/x?access_token=" + qtoken + "&page=2",
		"https://api.test/x?key=" + qtoken,
		"https://user:" + pass + "@api.test/x",
	}
	for name, auth := range auths {
		for _, rt := range []http.RoundTripper{handlerTransport{echo}, reset} {
			for _, u := range urls {
				synctest.Test(t, func(t *testing.T) {
					c, err := httpx.New(httpx.Options{Env: envFor(rt), Auth: auth, Retry: httpx.RetryPolicy{MaxAttempts: 2}})
					require.NoError(t, err)
					err = c.GetJSON(t.Context(), u, nil)
					require.Error(t, err)
					msg := err.Error() + fmt.Sprintf(" %v %+v %#v", err, err, err)
					for _, s := range []string{token, qtoken, pass} {
						assert.NotContains(t, msg, s, "auth %s url %s", name, u)
					}
				})
			}
		}
	}
}

func TestNoSecretInLogs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var buf strings.Builder
		logger := slog.New(slog.NewTextHandler(&buf, &slog.HandlerOptions{Level: slog.LevelDebug}))
		h := sequence(new(atomic.Int64), []int{503, 503, 200}, nil)
		env := envFor(handlerTransport{h})
		env.Logger = logger
		c, err := httpx.New(httpx.Options{Env: env, Auth: httpx.Bearer(tributary.NewSecret("bearer-secret-value"))})
		require.NoError(t, err)
		require.NoError(t, c.GetJSON(t.Context(), "https://user:pw-secret-1@api.test/x?access_token=query-secret-2&page=3", nil))
		out := buf.String()
		assert.Contains(t, out, "retrying request", "retries are logged")
		assert.Contains(t, out, "page=3")
		for _, s := range []string{"bearer-secret-value", "pw-secret-1", "query-secret-2"} {
			assert.NotContains(t, out, s)
		}
	})
}

func TestResponseHeaderTimeoutRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{})
		defer s.Close()
		s.Handle("GET /x", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) })
		s.FailNext("*", 1, emulator.Slow(time.Hour))
		tr := &http.Transport{DialContext: s.DialContext}
		c, err := httpx.New(httpx.Options{Env: tributary.Env{HTTPClient: &http.Client{Transport: tr}},
			ResponseHeaderTimeout: 30 * time.Second, Retry: httpx.RetryPolicy{MinBackoff: time.Second, MaxBackoff: time.Second}})
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, c.GetJSON(t.Context(), "http://api.test/x", nil))
		assert.Equal(t, 2, s.Count("/x"))
		assert.Less(t, time.Since(start), 32*time.Second)
		assert.GreaterOrEqual(t, time.Since(start), 30*time.Second)
	})
}

func TestHeaderTimeoutsExhaustedAreTransient(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := emulator.New(emulator.Options{})
		defer s.Close()
		s.Handle("GET /x", func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, `{}`) })
		s.FailEvery("*", 1, emulator.Slow(time.Hour))
		tr := &http.Transport{DialContext: s.DialContext}
		c, err := httpx.New(httpx.Options{Env: tributary.Env{HTTPClient: &http.Client{Transport: tr}},
			ResponseHeaderTimeout: 10 * time.Second, Retry: httpx.RetryPolicy{MaxAttempts: 2}})
		require.NoError(t, err)
		err = c.GetJSON(t.Context(), "http://api.test/x", nil)
		assert.ErrorIs(t, err, tributary.ErrTransient)
		assert.Equal(t, 2, s.Count("/x"))
	})
}

func TestStandardClientReturnsStatuses(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{sequence(&n, []int{503, 404}, nil)}), Auth: httpx.Bearer(tributary.NewSecret("tok-123456"))})
		require.NoError(t, err)
		resp, err := c.StandardClient().Get("https://api.test/x")
		require.NoError(t, err)
		resp.Body.Close()
		assert.Equal(t, 404, resp.StatusCode, "retried the 503, returned the 404 as a response")
		assert.Equal(t, int64(2), n.Load())
	})
}

// Adjust turns an answer the stack would not retry into one it does: a
// 400 whose body says "slow down" becomes a 429 with Retry-After.
func TestAdjustRewritesAnswersBeforeRetries(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		calls := 0
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			calls++
			if calls == 1 {
				w.WriteHeader(http.StatusBadRequest)
				fmt.Fprint(w, `{"policy":"SECONDLY"}`)
				return
			}
			fmt.Fprint(w, `{"ok":true}`)
		})
		adjusted := 0
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h}), Adjust: func(resp *http.Response) {
			if resp.StatusCode != http.StatusBadRequest {
				return
			}
			b, _ := io.ReadAll(resp.Body)
			resp.Body = io.NopCloser(bytes.NewReader(b))
			if strings.Contains(string(b), "SECONDLY") {
				adjusted++
				resp.StatusCode = http.StatusTooManyRequests
				resp.Header.Set("Retry-After", "1")
			}
		}})
		require.NoError(t, err)
		start := time.Now()
		var v struct{ OK bool }
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", &v))
		assert.True(t, v.OK)
		assert.Equal(t, 1, adjusted)
		assert.Equal(t, 2, calls)
		assert.GreaterOrEqual(t, time.Since(start), time.Second, "the Retry-After Adjust set was waited out (in the bubble's time)")
	})
}
