package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// datedSite wraps a site so that some pages carry Last-Modified.
type datedSite struct {
	*testSite
	dates map[string]time.Time
}

func (d datedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if t, ok := d.dates[r.URL.Path]; ok {
		w.Header().Set("Last-Modified", t.UTC().Format(http.TimeFormat))
	}
	d.testSite.ServeHTTP(w, r)
}

func (d datedSite) requests() int {
	d.mu.Lock()
	defer d.mu.Unlock()
	n := 0
	for _, c := range d.hits {
		n += c
	}
	return n
}

// TestConformance runs the conformance kit over a crawl of a site with
// every kind of trouble (see exampleSite) and over a sitemap index with a
// plain, a gzip and a broken sitemap. Pages without a Last-Modified are in
// every poll window, as the package documents.
func TestConformance(t *testing.T) {
	t.Run("crawl", func(t *testing.T) {
		site := datedSite{exampleSite(), map[string]time.Time{
			"/": day("2024-01-01T00:00:00Z"), "/docs/": day("2024-02-01T00:00:00Z"), "/blog": day("2024-03-01T00:00:00Z"),
		}}
		srv := httptestServer(t, site)
		base := srv + "/"
		undated := []string{base + "docs/guide", base + "new", base + "a", base + "child"}
		connectortest.Run(t, connectortest.Harness{
			New: func(t testing.TB) tributary.Connector {
				s := settings(base, ModeCrawl)
				s.MaxPageBytes = 4096
				return open(t, s, localEnv)
			},
			WantIDs:        append([]string{base, base + "docs", base + "blog"}, undated...),
			WantFailureIDs: []string{base + "missing", base + "big", base + "data.bin"},
			Windows: []connectortest.Window{
				{Start: day("2024-01-15T00:00:00Z"), End: day("2024-02-15T00:00:00Z"),
					WantIDs: append([]string{base + "docs"}, undated...)},
				{Start: day("2024-02-15T00:00:00Z"), End: time.Time{},
					WantIDs: append([]string{base + "blog"}, undated...)},
			},
			IDMatches: func(id string) bool { return strings.HasPrefix(id, base) },
			Requests:  func(tributary.Connector) int { return site.requests() },
		})
	})
	t.Run("sitemap", func(t *testing.T) {
		site := datedSite{sitemapSite(), nil}
		srv := httptestServer(t, site)
		connectortest.Run(t, connectortest.Harness{
			New: func(t testing.TB) tributary.Connector {
				return open(t, settings(srv, ModeSitemap), localEnv)
			},
			WantIDs:        []string{srv + "/p1", srv + "/p2", srv + "/p3", srv + "/p4"},
			WantFailureIDs: []string{srv + "/missing", srv + "/sitemap-broken.xml"},
			Windows: []connectortest.Window{
				{Start: day("2024-02-15T00:00:00Z"), End: day("2024-04-01T00:00:00Z"),
					WantIDs: []string{srv + "/p2", srv + "/p4"}},
			},
			Requests: func(tributary.Connector) int { return site.requests() },
		})
	})
}

func httptestServer(t *testing.T, h http.Handler) string {
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}
