package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"testing"
	"time"

	"golang.org/x/time/rate"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// benchSite serves n pages of about 8 KiB of realistic markup each: a
// navigation bar, headings, paragraphs and links to ten other pages.
func benchSite(n int) http.Handler {
	para := strings.Repeat("Tributary pulls documents out of knowledge systems and hands them to indexes. ", 8)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &i); err != nil && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<!doctype html><html><head><title>Page %d</title><link rel="stylesheet" href="/s.css"></head><body>`, i)
		fmt.Fprint(w, `<header><a href="/">Home</a></header><nav>`)
		for j := 1; j <= 10; j++ {
			fmt.Fprintf(w, `<a href="/p/%d">Page %d</a> `, (i*10+j)%n, (i*10+j)%n)
		}
		fmt.Fprint(w, `</nav><main>`)
		for h := range 4 {
			fmt.Fprintf(w, `<h2 id="h%d">Heading %d</h2><p>%s</p><p>%s</p>`, h, h, para, para)
		}
		fmt.Fprint(w, `</main><footer>Footer</footer><script>var x = 1;</script></body></html>`)
	})
}

// BenchmarkCrawl crawls a site of 500 pages with no politeness limit, so
// that it measures the connector (fetch, parse, extract, commit) rather
// than the rate: in memory, and over loopback HTTP.
func BenchmarkCrawl(b *testing.B) {
	const pages = 500
	for _, transport := range []string{"memory", "loopback"} {
		b.Run(transport, func(b *testing.B) {
			s := settings("", ModeCrawl)
			s.MaxPages, s.MaxDepth, s.Concurrency = pages+10, 100, 8
			env := tributary.Env{AllowPrivateNetwork: true}
			if transport == "memory" {
				s.URL = "http://site.test/"
				env.HTTPClient = &http.Client{Transport: handlerTransport{benchSite(pages)}}
			} else {
				srv := httptest.NewServer(benchSite(pages))
				b.Cleanup(srv.Close)
				s.URL = srv.URL + "/"
			}
			c := unlimited(b, s, env)
			var docs, bytes int
			b.ResetTimer()
			for b.Loop() {
				for d, err := range c.Load(context.Background()) {
					if err != nil {
						b.Fatal(err)
					}
					docs++
					bytes += d.Size()
				}
			}
			b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "pages/s")
			b.ReportMetric(float64(bytes)/1e6/b.Elapsed().Seconds(), "textMB/s")
		})
	}
}

// BenchmarkCrawlMemory crawls sites of 2,000 and 20,000 pages with
// max_pages at 2,000 and reports the peak heap: it depends on max_pages,
// not on the size of the site.
func BenchmarkCrawlMemory(b *testing.B) {
	for _, size := range []int{2_000, 20_000} {
		b.Run(fmt.Sprintf("site=%d", size), func(b *testing.B) {
			s := settings("http://site.test/", ModeCrawl)
			s.MaxPages, s.MaxDepth, s.Concurrency = 2_000, 100, 8
			env := tributary.Env{HTTPClient: &http.Client{Transport: handlerTransport{benchSite(size)}}}
			c := unlimited(b, s, env)
			var peak uint64
			for b.Loop() {
				runtime.GC()
				done := make(chan struct{})
				sampled := make(chan uint64)
				go func() {
					var m runtime.MemStats
					var high uint64
					for {
						runtime.ReadMemStats(&m)
						high = max(high, m.HeapInuse)
						select {
						case <-done:
							sampled <- high
							return
						case <-time.After(5 * time.Millisecond):
						}
					}
				}()
				n := 0
				for _, err := range c.Load(context.Background()) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				close(done)
				peak = max(peak, <-sampled)
				if n != s.MaxPages {
					b.Fatalf("%d pages, want %d", n, s.MaxPages)
				}
			}
			b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
		})
	}
}

// unlimited opens a connector without a politeness limit, so that a
// benchmark measures the connector rather than the rate (and a test under
// synctest sees every request sent without waiting for the clock).
func unlimited(tb testing.TB, s Settings, env tributary.Env) *Connector {
	c := open(tb, s, env)
	c.s.RequestsPerSecond = float64(rate.Inf) // applyCrawlDelay keeps it
	c.limiter.SetLimit(rate.Inf)
	return c
}

// BenchmarkCrawlFaults crawls a site of 600 pages at 400 requests per
// second (the soak's rate) while every 25th page answers its first request
// with a fault the HTTP stack retries: a 500 or 503 (backoff of a quarter
// to half a second), a 429 with Retry-After: 1 or a reset connection. The
// crawl is bound by the rate and the retries' waits rather than by the
// CPU, so pages/s measures how well the crawl keeps its workers busy while
// pages wait on retries. Each iteration takes seconds: run it with
// -benchtime 1x.
func BenchmarkCrawlFaults(b *testing.B) {
	const pages, every = 600, 25
	srv := emulator.New(emulator.Options{})
	srv.Handle("GET /", benchSite(pages).ServeHTTP, emulator.Public())
	base := srv.Start()
	b.Cleanup(srv.Close)
	s := settings(base+"/", ModeCrawl)
	s.MaxPages, s.MaxDepth, s.RequestsPerSecond = pages+10, 100, 400
	c := open(b, s, localEnv)
	faults := []emulator.Fault{emulator.InternalError, emulator.ServiceUnavailable,
		emulator.TooManyRequests, emulator.ConnectionReset}
	var docs, failures, faulted int
	b.ResetTimer()
	for b.Loop() {
		b.StopTimer()
		srv.ClearFaults()
		srv.ResetLog()
		for i := every; i < pages; i += every {
			srv.FailNext(fmt.Sprintf("/p/%d", i), 1, faults[i/every%len(faults)])
		}
		b.StartTimer()
		for _, err := range c.Load(context.Background()) {
			if _, ok := tributary.AsFailure(err); ok {
				failures++
				continue
			}
			if err != nil {
				b.Fatal(err)
			}
			docs++
		}
		faulted += srv.Faults()
	}
	if failures > 0 {
		b.Fatalf("%d pages lost to faults the stack retries", failures)
	}
	b.ReportMetric(float64(docs)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(faulted)/float64(b.N), "faults/op")
}
