package httpx_test

import (
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

func okHandler(n *atomic.Int64) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		n.Add(1)
		fmt.Fprint(w, `{}`)
	})
}

func TestLimiterElevenAtOnePerSecond(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		m := &countingMeter{}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{okHandler(&n)}),
			RateLimit: httpx.RateLimit{PerSecond: 1}})
		require.NoError(t, err)
		ctx := tributary.WithMeter(t.Context(), m)
		start := time.Now()
		for range 11 {
			require.NoError(t, c.GetJSON(ctx, "https://api.test/x", nil))
		}
		assert.Equal(t, 10*time.Second, time.Since(start))
		assert.Equal(t, int64(11), n.Load())
		assert.Equal(t, 10*time.Second, m.totalWait(), "every limiter wait is reported")
	})
}

func TestLimiterConcurrentCallersShareBudget(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{okHandler(&n)}),
			RateLimit: httpx.RateLimit{PerSecond: 2, Burst: 2}})
		require.NoError(t, err)
		start := time.Now()
		var wg sync.WaitGroup
		for range 10 {
			wg.Go(func() { assert.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil)) })
		}
		wg.Wait()
		// Two go at once, the other eight at two per second.
		assert.Equal(t, 4*time.Second, time.Since(start))
	})
}

func TestLimiterPerHost(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{okHandler(&n)}),
			RateLimit: httpx.RateLimit{PerSecond: 1, PerHost: true}})
		require.NoError(t, err)
		start := time.Now()
		var wg sync.WaitGroup
		for _, host := range []string{"a.test", "b.test", "c.test"} {
			wg.Go(func() {
				for range 3 {
					assert.NoError(t, c.GetJSON(t.Context(), "https://"+host+"/", nil))
				}
			})
		}
		wg.Wait()
		assert.Equal(t, 2*time.Second, time.Since(start), "hosts do not share a budget")
		assert.Equal(t, int64(9), n.Load())
	})
}

// budgetServer answers like a service with a fixed budget per window and
// records whether it ever had to refuse.
type budgetServer struct {
	limit   int
	window  time.Duration
	mu      sync.Mutex
	start   time.Time
	used    int
	refused int
}

func (s *budgetServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if s.start.IsZero() || now.Sub(s.start) >= s.window {
		s.start, s.used = now, 0
	}
	reset := s.start.Add(s.window)
	if s.used >= s.limit {
		s.refused++
		w.Header().Set("Retry-After", fmt.Sprint(int(reset.Sub(now).Seconds()+0.999)))
		w.WriteHeader(http.StatusTooManyRequests)
		return
	}
	s.used++
	w.Header().Set("X-RateLimit-Limit", fmt.Sprint(s.limit))
	w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(s.limit-s.used))
	w.Header().Set("X-RateLimit-Reset", fmt.Sprint(reset.Unix()))
	fmt.Fprint(w, `{}`)
}

func TestSlowsDownFromServerHeadersBefore429(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &budgetServer{limit: 20, window: time.Minute}
		m := &countingMeter{}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv})})
		require.NoError(t, err)
		ctx := tributary.WithMeter(t.Context(), m)
		start := time.Now()
		for range 50 {
			require.NoError(t, c.GetJSON(ctx, "https://api.test/x", nil))
		}
		assert.Zero(t, srv.refused, "the client never ran into a 429")
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Minute)
		assert.LessOrEqual(t, time.Since(start), 3*time.Minute)
		assert.Positive(t, m.totalWait())
	})
}

// bucketServer answers like Discord: a bucket of limit requests that
// resets reset after the first of them, told in decimal seconds by
// X-RateLimit-Reset-After, and a 429 with a decimal Retry-After when a
// request comes while the bucket is empty.
type bucketServer struct {
	limit   int
	reset   time.Duration
	mu      sync.Mutex
	left    int
	resetAt time.Time
	refused int
}

func (s *bucketServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := time.Now()
	if !now.Before(s.resetAt) {
		s.left, s.resetAt = s.limit, now.Add(s.reset)
	}
	after := fmt.Sprintf("%.3f", s.resetAt.Sub(now).Seconds())
	w.Header().Set("X-RateLimit-Limit", fmt.Sprint(s.limit))
	w.Header().Set("X-RateLimit-Reset-After", after)
	w.Header().Set("X-RateLimit-Reset", fmt.Sprintf("%.3f", float64(s.resetAt.UnixMilli())/1000))
	if s.left == 0 {
		s.refused++
		w.Header().Set("X-RateLimit-Remaining", "0")
		w.Header().Set("Retry-After", after)
		w.WriteHeader(http.StatusTooManyRequests)
		fmt.Fprintf(w, `{"message":"You are being rate limited.","retry_after":%s,"global":false}`, after)
		return
	}
	s.left--
	w.Header().Set("X-RateLimit-Remaining", fmt.Sprint(s.left))
	fmt.Fprint(w, `{}`)
}

// TestWaitsForEmptyBucketByDecimalResetAfter shows that a bucket whose
// Remaining is 0 holds the next request until its Reset-After, read to the
// millisecond, so the client never meets the 429.
func TestWaitsForEmptyBucketByDecimalResetAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		srv := &bucketServer{limit: 5, reset: 1250 * time.Millisecond}
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{srv})})
		require.NoError(t, err)
		start := time.Now()
		for range 11 {
			require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		}
		assert.Zero(t, srv.refused, "the client never ran into a 429")
		// Five, a wait of 1.25 s, five more, another wait, the last.
		assert.Equal(t, 2500*time.Millisecond, time.Since(start))
	})
}

// TestDecimalRetryAfterHonoured shows a 429 with Retry-After: 0.75 waited
// out for 750 ms, not rounded to whole seconds.
func TestDecimalRetryAfterHonoured(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		var n atomic.Int64
		h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if n.Add(1) == 1 {
				w.Header().Set("Retry-After", "0.75")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			fmt.Fprint(w, `{}`)
		})
		c, err := httpx.New(httpx.Options{Env: envFor(handlerTransport{h})})
		require.NoError(t, err)
		start := time.Now()
		require.NoError(t, c.GetJSON(t.Context(), "https://api.test/x", nil))
		assert.Equal(t, 750*time.Millisecond, time.Since(start))
		assert.Equal(t, int64(2), n.Load())
	})
}
