package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

func day(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// sitemapSite serves a sitemap index naming a plain and a gzip sitemap, and
// a robots.txt that names the index.
func sitemapSite() *testSite {
	s := newTestSite()
	s.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "User-agent: *\nDisallow: /private\nSitemap: http://%s/sitemap_index.xml\n", r.Host)
	})
	s.handle("/sitemap_index.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/xml")
		fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>
<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>http://%[1]s/sitemap-a.xml</loc></sitemap>
  <sitemap><loc>http://%[1]s/sitemap-b.xml.gz</loc><lastmod>2024-05-01</lastmod></sitemap>
  <sitemap><loc>http://%[1]s/sitemap-broken.xml</loc></sitemap>
</sitemapindex>`, r.Host)
	})
	s.handle("/sitemap-a.xml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprintf(w, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://%[1]s/p1</loc><lastmod>2024-01-10</lastmod></url>
  <url><loc>http://%[1]s/p2</loc><lastmod>2024-03-01T10:00:00+00:00</lastmod></url>
  <url><loc>http://other.example/x</loc></url>
  <url><loc>http://%[1]s/private/p</loc></url>
</urlset>`, r.Host)
	})
	s.handle("/sitemap-b.xml.gz", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/x-gzip")
		w.Write(gzipped(fmt.Appendf(nil, `<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>http://%[1]s/p3</loc></url>
  <url><loc>http://%[1]s/p4</loc></url>
  <url><loc>http://%[1]s/missing</loc></url>
  <url><loc>http://%[1]s/p4/#again</loc></url>
</urlset>`, r.Host)))
	})
	s.raw("/sitemap-broken.xml", "text/html", []byte("<html>not a sitemap</html>"), time.Time{})
	for _, p := range []string{"/p1", "/p2", "/p4", "/private/p"} {
		s.page(p, strings.ToUpper(p[1:]), "<p>"+p+"</p>")
	}
	s.raw("/p3", "text/plain; charset=iso-8859-1", []byte("caf\xe9"), day("2024-02-01T00:00:00Z"))
	return s
}

func TestSitemapFromRobots(t *testing.T) {
	site := sitemapSite()
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL, ModeSitemap), localEnv), nil))
	if got.err != nil {
		t.Fatal(got.err)
	}
	if ids, want := keys(got.docs), join(srv.URL, "/p1", "/p2", "/p3", "/p4"); !slices.Equal(ids, want) {
		t.Errorf("documents %v, want %v", ids, want)
	}
	if ids, want := keys(got.failures), join(srv.URL, "/missing", "/sitemap-broken.xml"); !slices.Equal(ids, want) {
		t.Errorf("failures %v, want %v", ids, want)
	}
	if f := got.failures[srv.URL+"/sitemap-broken.xml"]; f != nil && f.EntityID == "" {
		t.Errorf("a sitemap failure is not a document failure: %+v", f)
	}
	for id, want := range map[string]time.Time{
		"/p1": day("2024-01-10T00:00:00Z"), "/p2": day("2024-03-01T10:00:00Z"),
		"/p3": day("2024-02-01T00:00:00Z"), "/p4": {},
	} {
		if d := got.docs[srv.URL+id]; d != nil && !d.UpdatedAt.Equal(want) {
			t.Errorf("%s UpdatedAt = %v, want %v", id, d.UpdatedAt, want)
		}
	}
	if d := got.docs[srv.URL+"/p3"]; d != nil && d.Sections[0].Text != "café" {
		t.Errorf("latin-1 text decoded as %q", d.Sections[0].Text)
	}
	if site.hitsOf("/private/p") != 0 {
		t.Error("fetched a page robots.txt disallows")
	}
}

func TestSitemapPollByLastmod(t *testing.T) {
	site := sitemapSite()
	srv := site.serve(t)
	c := open(t, settings(srv.URL+"/sitemap_index.xml", ModeSitemap), localEnv)
	var ids []string
	for d, err := range c.Poll(context.Background(), day("2024-02-15T00:00:00Z"), day("2024-04-01T00:00:00Z")) {
		if err == nil {
			ids = append(ids, d.ID)
		}
	}
	slices.Sort(ids)
	// p2 by lastmod; p4 because its time is unknown. p1 is outside by
	// lastmod (never fetched); p3 is outside by Last-Modified.
	if want := join(srv.URL, "/p2", "/p4"); !slices.Equal(ids, want) {
		t.Errorf("polled %v, want %v", ids, want)
	}
	if site.hitsOf("/p1") != 0 {
		t.Error("fetched a page whose lastmod is outside the window")
	}
}

func TestSitemapGzipDirect(t *testing.T) {
	site := sitemapSite()
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/sitemap-b.xml.gz", ModeSitemap), localEnv), nil))
	if ids, want := keys(got.docs), join(srv.URL, "/p3", "/p4"); !slices.Equal(ids, want) {
		t.Errorf("documents %v, want %v", ids, want)
	}
}

func TestParseLastMod(t *testing.T) {
	for in, want := range map[string]string{
		"2024":                       "2024-01-01T00:00:00Z",
		"2024-05":                    "2024-05-01T00:00:00Z",
		"2024-05-06":                 "2024-05-06T00:00:00Z",
		"2024-05-06T07:08+02:00":     "2024-05-06T05:08:00Z",
		"2024-05-06T07:08:09.5Z":     "2024-05-06T07:08:09.5Z",
		" 2024-05-06T07:08:09-01:00": "2024-05-06T08:08:09Z",
		"yesterday":                  "",
	} {
		got := parseLastMod(in)
		if (want == "" && !got.IsZero()) || (want != "" && !got.Equal(day(want))) {
			t.Errorf("parseLastMod(%q) = %v, want %s", in, got, want)
		}
	}
}

func TestValidateSitemap(t *testing.T) {
	site := sitemapSite()
	srv := site.serve(t)
	ctx := context.Background()
	if err := open(t, settings(srv.URL, ModeSitemap), localEnv).Validate(ctx); err != nil {
		t.Errorf("Validate at the site root: %v", err)
	}
	if site.hitsOf("/sitemap_index.xml") != 1 {
		t.Error("Validate did not probe the sitemap robots.txt names")
	}
	err := open(t, settings(srv.URL+"/sitemap-broken.xml", ModeSitemap), localEnv).Validate(ctx)
	if !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Errorf("Validate of a page that is not a sitemap = %v, want ErrInvalidConfig", err)
	}
	err = open(t, settings(srv.URL+"/nope.xml", ModeSitemap), localEnv).Validate(ctx)
	if !errors.Is(err, tributary.ErrNotFound) {
		t.Errorf("Validate of a missing sitemap = %v, want ErrNotFound", err)
	}
}

func TestSitemapPatterns(t *testing.T) {
	site := sitemapSite()
	srv := site.serve(t)
	s := settings(srv.URL+"/sitemap-a.xml", ModeSitemap)
	s.Exclude = []string{"/p2"}
	got := collect(t, stream(open(t, s, localEnv), nil))
	if ids, want := keys(got.docs), join(srv.URL, "/p1"); !slices.Equal(ids, want) || site.hitsOf("/p2") != 0 {
		t.Errorf("documents %v, want %v; /p2 fetched %d times", ids, want, site.hitsOf("/p2"))
	}
}

// TestSitemapPollAsksIfModified shows that a sitemap poll asks the server
// whether a page listed without a lastmod changed since the window's start.
func TestSitemapPollAsksIfModified(t *testing.T) {
	site := sitemapSite()
	var mu sync.Mutex
	var asked []string
	site.handle("/p4", func(w http.ResponseWriter, r *http.Request) {
		if since := r.Header.Get("If-Modified-Since"); since != "" {
			mu.Lock()
			asked = append(asked, since)
			mu.Unlock()
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("p4"))
	})
	srv := site.serve(t)
	s := settings(srv.URL+"/sitemap-b.xml.gz", ModeSitemap)
	s.Concurrency = 1
	c := open(t, s, localEnv)
	var ids []string
	for d, err := range c.Poll(context.Background(), day("2024-02-15T00:00:00Z"), time.Time{}) {
		if err == nil {
			ids = append(ids, d.ID)
		}
	}
	mu.Lock()
	defer mu.Unlock()
	if want := []string{"Thu, 15 Feb 2024 00:00:00 GMT"}; !slices.Equal(asked, want) {
		t.Errorf("If-Modified-Since sent %q, want %q", asked, want)
	}
	// p3 answers in full, but its Last-Modified is before the window.
	if len(ids) != 0 {
		t.Errorf("polled %v, want nothing", ids)
	}
	if d := collect(t, stream(c, nil)); len(d.docs) != 2 {
		t.Errorf("a full load asked conditionally: %v", keys(d.docs))
	}
}

func TestSitemapEntryCap(t *testing.T) {
	var b strings.Builder
	b.WriteString("<urlset>")
	for i := range maxSitemapEntries + 10 {
		fmt.Fprintf(&b, "<url><loc>http://a/%d</loc></url>", i)
	}
	b.WriteString("</urlset>")
	entries, err := parseSitemap(strings.NewReader(b.String()))
	if err != nil || len(entries) != maxSitemapEntries {
		t.Errorf("%d entries, err %v; want %d", len(entries), err, maxSitemapEntries)
	}
}
