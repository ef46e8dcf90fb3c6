package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
)

// answers is what Refetch yielded, by the id each item answers.
type answers struct {
	docs      map[string]*tributary.Document
	deleted   map[string]bool
	failures  map[string]*tributary.Failure
	n         map[string]int // answers per id
	order     []string       // "doc id", "del id", "fail id" in yield order
	err       error
	afterDone bool // something was yielded after the error
}

func refetch(t *testing.T, c *Connector, ctx context.Context, ids ...string) answers {
	t.Helper()
	a := answers{docs: map[string]*tributary.Document{}, deleted: map[string]bool{},
		failures: map[string]*tributary.Failure{}, n: map[string]int{}}
	for it, err := range c.Refetch(ctx, ids) {
		if a.err != nil {
			a.afterDone = true
		}
		switch {
		case err != nil:
			a.err = err
		case it.Document != nil:
			a.docs[it.Document.ID] = it.Document
			a.n[it.Document.ID]++
			a.order = append(a.order, "doc "+it.Document.ID)
		case it.Deletion != "":
			a.deleted[it.Deletion] = true
			a.n[it.Deletion]++
			a.order = append(a.order, "del "+it.Deletion)
		case it.Failure != nil:
			a.failures[it.Failure.DocumentID] = it.Failure
			a.n[it.Failure.DocumentID]++
			a.order = append(a.order, "fail "+it.Failure.DocumentID)
		default:
			t.Errorf("Refetch yielded %+v", it)
		}
	}
	if a.afterDone {
		t.Errorf("Refetch yielded after its error %v", a.err)
	}
	return a
}

// refetchSite is a small site with a page of each kind Refetch tells apart.
func refetchSite() *testSite {
	s := newTestSite()
	s.raw("/robots.txt", "text/plain", []byte("User-agent: *\nDisallow: /private/\n"), time.Time{})
	s.page("/", "Home", `<p>Home.</p> <a href="/docs/">docs</a> <a href="/page">page</a>`)
	s.page("/docs/", "Docs", `<p>Docs.</p>`)
	s.page("/page", "Page", `<p>Old text.</p>`)
	s.page("/private/p", "Private", `<p>secret</p>`)
	s.page("/skip/p", "Skipped", `<p>excluded</p>`)
	s.handle("/gone", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusGone) })
	s.handle("/forbidden", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) })
	s.redirect("/old", "/new", http.StatusMovedPermanently)
	s.page("/new", "New", `<p>Moved here.</p>`)
	s.redirect("/out", "http://elsewhere.test/", http.StatusFound)
	s.handle("/quiet", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><meta name="robots" content="noindex"></head><body>q</body></html>`))
	})
	s.handle("/alias", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>New</title><link rel="canonical" href="/new"></head><body><p>Moved here.</p></body></html>`))
	})
	return s
}

func TestRefetch(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := refetchSite()
		s, env := inMemory(site, "/", ModeCrawl)
		s.Exclude = []string{"/skip/**"}
		c := open(t, s, env)
		const b = "http://site.test"
		crawl := collect(t, stream(c, nil))
		site.page("/page", "Page", `<p>New text.</p>`)

		ids := []string{b + "/page", b + "/docs", b + "/", b + "/gone", b + "/missing", b + "/forbidden",
			b + "/old", b + "/out", b + "/quiet", b + "/private/p", b + "/alias",
			"http://other.test/page", b + "/docs/", b + "/skip/p", "not a url"}
		got := refetch(t, c, t.Context(), ids...)
		if got.err != nil {
			t.Fatalf("Refetch: %v", got.err)
		}
		if d := got.docs[b+"/page"]; d == nil || !strings.Contains(text(d), "New text.") {
			t.Errorf("changed page: got %v, want its new text", d)
		}
		for _, id := range []string{b + "/docs", b + "/"} {
			if d, want := got.docs[id], crawl.docs[id]; d == nil || want == nil || d.ContentHash() != want.ContentHash() {
				t.Errorf("%s: got %+v, want the document the crawl gave, %+v", id, d, want)
			}
		}
		for _, id := range []string{b + "/gone", b + "/out", b + "/quiet", b + "/private/p", b + "/old", b + "/alias"} {
			if !got.deleted[id] {
				t.Errorf("%s is not a deletion; answers %v", id, got.order)
			}
		}
		if d := got.docs[b+"/new"]; d == nil || d.Title != "New" {
			t.Errorf("a moved page: got %v, want the document under the id it moved to", d)
		}
		if i, j := indexOf(got.order, "doc "+b+"/new"), indexOf(got.order, "del "+b+"/old"); i < 0 || j < i {
			t.Errorf("answers %v: want the moved page before the deletion of its old id", got.order)
		}
		wantKind := map[string]error{
			b + "/missing":           tributary.ErrNotFound,
			b + "/forbidden":         tributary.ErrInsufficientPermissions,
			"http://other.test/page": tributary.ErrForeignURL,
			b + "/docs/":             tributary.ErrForeignURL, // not the form of an id
			b + "/skip/p":            tributary.ErrForeignURL, // excluded
			"not a url":              tributary.ErrForeignURL,
		}
		for id, kind := range wantKind {
			if f := got.failures[id]; f == nil || !errors.Is(f, kind) {
				t.Errorf("%s: failure %v, want one matching %v", id, f, kind)
			}
		}
		for _, id := range ids {
			if got.n[id] != 1 {
				t.Errorf("%s answered %d times, want once", id, got.n[id])
			}
		}
		if site.hitsOf("/private/p") != 0 || site.hitsOf("/skip/p") != 0 || site.hitsOf("/docs/") != 2 {
			t.Errorf("requests: /private/p %d, /skip/p %d, /docs/ %d; want 0, 0, 2 (crawl and refetch)",
				site.hitsOf("/private/p"), site.hitsOf("/skip/p"), site.hitsOf("/docs/"))
		}
	})
}

func indexOf(s []string, v string) int {
	for i, x := range s {
		if x == v {
			return i
		}
	}
	return -1
}

// flaky fails the first n requests of every path but robots.txt with a
// 503, and every request of the paths in down.
type flaky struct {
	http.Handler
	n    int
	down map[string]bool
	mu   sync.Mutex
	seen map[string]int
}

func (f *flaky) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.seen[r.URL.Path]++
	fail := r.URL.Path != "/robots.txt" && (f.seen[r.URL.Path] <= f.n || f.down[r.URL.Path])
	f.mu.Unlock()
	if fail {
		w.Header().Set("Retry-After", "1")
		w.WriteHeader(http.StatusServiceUnavailable)
		return
	}
	f.Handler.ServeHTTP(w, r)
}

func TestRefetchFaults(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := &flaky{Handler: refetchSite(), n: 2, down: map[string]bool{"/page": true}, seen: map[string]int{}}
		c := open(t, func() Settings { s, _ := inMemory(nil, "/", ModeCrawl); return s }(),
			tributary.Env{HTTPClient: &http.Client{Transport: handlerTransport{site}}})
		const b = "http://site.test"
		ids := []string{b + "/", b + "/page", b + "/gone", b + "/old", b + "/docs"}
		got := refetch(t, c, t.Context(), ids...)
		if got.err != nil {
			t.Fatalf("Refetch: %v", got.err)
		}
		for _, id := range ids {
			if got.n[id] != 1 {
				t.Errorf("%s answered %d times, want once; answers %v", id, got.n[id], got.order)
			}
		}
		if got.docs[b+"/"] == nil || got.docs[b+"/docs"] == nil || !got.deleted[b+"/gone"] || got.docs[b+"/new"] == nil {
			t.Errorf("answers %v: want the pages retried past two 503s", got.order)
		}
		if f := got.failures[b+"/page"]; f == nil || !errors.Is(f, tributary.ErrTransient) {
			t.Errorf("a page that keeps failing: %v, want a transient Failure", f)
		}
	})
}

func TestRefetchRobotsDown(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := refetchSite()
		site.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
		s, env := inMemory(site, "/", ModeCrawl)
		const b = "http://site.test"
		got := refetch(t, open(t, s, env), t.Context(), b+"/", b+"/page")
		for _, id := range []string{b + "/", b + "/page"} {
			if f := got.failures[id]; f == nil || !errors.Is(f, tributary.ErrTransient) {
				t.Errorf("%s: %v, want a transient Failure while robots.txt cannot be read", id, f)
			}
		}
		if got.err != nil || site.hitsOf("/") != 0 || site.hitsOf("/page") != 0 {
			t.Errorf("err %v, pages fetched %d; want none without robots.txt", got.err, site.hitsOf("/")+site.hitsOf("/page"))
		}
	})
}

func TestRefetchCancelled(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, env := inMemory(refetchSite(), "/", ModeCrawl)
		c := open(t, s, env)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		var n int
		var last error
		for it, err := range c.Refetch(ctx, []string{"http://site.test/", "http://site.test/page"}) {
			if err != nil {
				last = err
				continue
			}
			n++
			if it.Document != nil {
				cancel()
			}
		}
		if n != 1 || !errors.Is(last, context.Canceled) {
			t.Errorf("%d answers, error %v; want one, then the stream ended with context.Canceled", n, last)
		}
	})
}

func TestRefetchSingle(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := refetchSite()
		s, env := inMemory(site, "/old", ModeSingle)
		c := open(t, s, env)
		const b = "http://site.test"
		got := refetch(t, c, t.Context(), b+"/new", b+"/page")
		// The start URL redirects to /new: both ids are answered from it.
		if got.docs[b+"/new"] == nil || !got.deleted[b+"/page"] || site.hitsOf("/page") != 0 {
			t.Errorf("answers %v, /page fetched %d times; want /new from the start URL and /page deleted",
				got.order, site.hitsOf("/page"))
		}
	})
}

func TestRefetchSitemap(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := newTestSite()
		site.handle("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) {
			fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
<url><loc>http://%[1]s/p1</loc><lastmod>2024-01-10</lastmod></url>
<url><loc>http://%[1]s/p1/</loc><lastmod>2024-05-10</lastmod></url>
<url><loc>http://%[1]s/p2</loc></url>
</urlset>`, r.Host)
		})
		site.page("/p1", "P1", "<p>one</p>")
		site.page("/p2", "P2", "<p>two</p>")
		site.page("/p3", "P3", "<p>three, no longer listed</p>")
		s, env := inMemory(site, "/", ModeSitemap)
		c := open(t, s, env)
		const b = "http://site.test"
		got := refetch(t, c, t.Context(), b+"/p1", b+"/p2", b+"/p3")
		if d := got.docs[b+"/p1"]; d == nil || !d.UpdatedAt.Equal(day("2024-01-10T00:00:00Z")) {
			t.Errorf("p1: %v, want it dated by its first sitemap entry", d)
		}
		if got.docs[b+"/p2"] == nil || !got.deleted[b+"/p3"] || site.hitsOf("/p3") != 0 {
			t.Errorf("answers %v: want p2, and p3 deleted without a request", got.order)
		}

		// A sitemap that cannot be read leaves an unlisted page failed, not deleted.
		site.handle("/sitemap.xml", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(500) })
		got = refetch(t, c, t.Context(), b+"/p3")
		if f := got.failures[b+"/p3"]; f == nil || got.deleted[b+"/p3"] {
			t.Errorf("answers %v: want a Failure while the sitemap cannot be read", got.order)
		}
	})
}
