package web

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"golang.org/x/time/rate"

	"github.com/tributary-dev/tributary"
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
			c := open(b, s, env)
			c.limiter.SetLimit(rate.Inf)
			s.RequestsPerSecond = 1e9 // keep robots.txt's Crawl-delay from resetting it
			c.s = s
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
