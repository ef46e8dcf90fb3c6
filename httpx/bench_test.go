package httpx_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/emulator"
)

const benchBody = `{"id":1,"title":"a document","body":"some text to index"}`

// BenchmarkOverhead compares the stack (retries, limiter, auth, meter,
// body cap, classification) with a bare http.Client against a loopback
// server answering after the given latency.
//
//	go test ./httpx -run '^$' -bench Overhead -count 5
func BenchmarkOverhead(b *testing.B) {
	for _, latency := range []time.Duration{0, time.Millisecond} {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if latency > 0 {
				time.Sleep(latency)
			}
			io.WriteString(w, benchBody)
		}))
		bare := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
		stack, err := httpx.New(httpx.Options{
			Env:       tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}},
			Auth:      httpx.Bearer(tributary.NewSecret("benchmark-token")),
			RateLimit: httpx.RateLimit{PerSecond: 1e6, Burst: 1000},
		})
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprintf("latency=%s/client=bare", latency), func(b *testing.B) {
			for b.Loop() {
				req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL, nil)
				req.Header.Set("Authorization", "Bearer benchmark-token")
				resp, err := bare.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
		b.Run(fmt.Sprintf("latency=%s/client=httpx", latency), func(b *testing.B) {
			for b.Loop() {
				resp, err := stack.Get(b.Context(), srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
		})
		srv.Close()
	}
}

// BenchmarkOverheadPaired sends one request with each client per
// iteration, alternating which goes first, so that noise from other work on
// the machine falls on both alike, and reports the stack's overhead in
// percent of the bare client's time.
//
//	go test ./httpx -run '^$' -bench OverheadPaired -benchtime 3000x
func BenchmarkOverheadPaired(b *testing.B) {
	for _, latency := range []time.Duration{0, time.Millisecond} {
		b.Run("latency="+latency.String(), func(b *testing.B) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				if latency > 0 {
					time.Sleep(latency)
				}
				io.WriteString(w, benchBody)
			}))
			defer srv.Close()
			bare := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
			stack, err := httpx.New(httpx.Options{
				Env:       tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}},
				Auth:      httpx.Bearer(tributary.NewSecret("benchmark-token")),
				RateLimit: httpx.RateLimit{PerSecond: 1e6, Burst: 1000},
			})
			if err != nil {
				b.Fatal(err)
			}
			sendBare := func() {
				req, _ := http.NewRequestWithContext(b.Context(), http.MethodGet, srv.URL, nil)
				req.Header.Set("Authorization", "Bearer benchmark-token")
				resp, err := bare.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			sendStack := func() {
				resp, err := stack.Get(b.Context(), srv.URL)
				if err != nil {
					b.Fatal(err)
				}
				io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
			}
			var tBare, tStack time.Duration
			timed := func(f func()) time.Duration { t := time.Now(); f(); return time.Since(t) }
			i := 0
			for b.Loop() {
				if i%2 == 0 {
					tBare += timed(sendBare)
					tStack += timed(sendStack)
				} else {
					tStack += timed(sendStack)
					tBare += timed(sendBare)
				}
				i++
			}
			n := float64(i)
			b.ReportMetric(float64(tBare.Nanoseconds())/n, "bare-ns/req")
			b.ReportMetric(float64(tStack.Nanoseconds())/n, "httpx-ns/req")
			b.ReportMetric(100*(float64(tStack)-float64(tBare))/float64(tBare), "overhead-%")
		})
	}
}

// BenchmarkThroughputUnderLimit runs the stack, limited to R requests per
// second, against an emulator allowing R per second per token, from 16
// goroutines (8 per CPU on two CPUs), and reports the rate achieved, its share of R and the
// refusals received (the goal: at least 95% of R and no 429). A client
// burst of 1 never catches up on a slot lost to a scheduling hiccup; a small
// burst (within what the server tolerates) does.
//
//	go test ./httpx -run '^$' -bench ThroughputUnderLimit -benchtime 2000x
func BenchmarkThroughputUnderLimit(b *testing.B) {
	const r = 500
	for _, tc := range []struct {
		bucket bool
		burst  int
	}{{true, 1}, {true, 10}, {false, 1}, {false, 10}} {
		name := fmt.Sprintf("server=token-bucket/client-burst=%d", tc.burst)
		if !tc.bucket {
			name = fmt.Sprintf("server=fixed-window/client-burst=%d", tc.burst)
		}
		bucket := tc.bucket
		b.Run(name, func(b *testing.B) {
			s := emulator.New(emulator.Options{
				Auth:      emulator.BearerTokens("tok"),
				RateLimit: &emulator.RateLimit{Limit: r, Window: time.Second, Bucket: bucket},
			})
			defer s.Close()
			s.Handle("GET /items", func(w http.ResponseWriter, _ *http.Request) { io.WriteString(w, benchBody) })
			base := s.Start()
			c, err := httpx.New(httpx.Options{
				Env:       tributary.Env{AllowPrivateNetwork: true},
				Auth:      httpx.Bearer(tributary.NewSecret("tok")),
				RateLimit: httpx.RateLimit{PerSecond: r, Burst: tc.burst},
			})
			if err != nil {
				b.Fatal(err)
			}
			b.SetParallelism(8)
			start := time.Now()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					if err := c.GetJSON(b.Context(), base+"/items", nil); err != nil {
						b.Error(err)
						return
					}
				}
			})
			elapsed := time.Since(start)
			got := float64(b.N) / elapsed.Seconds()
			b.ReportMetric(got, "req/s")
			b.ReportMetric(100*got/r, "%_of_R")
			b.ReportMetric(float64(s.CountStatus(http.StatusTooManyRequests)), "429s")
		})
	}
}
