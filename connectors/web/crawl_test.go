package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"syscall"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// exampleSite is a small site with the usual trouble: a cycle, duplicate
// URLs differing in fragment and trailing slash, redirects in and off the
// site, robots rules, a broken link, a huge page, non-HTML content, a
// canonical link and a noindex page.
func exampleSite() *testSite {
	s := newTestSite()
	s.raw("/robots.txt", "text/plain", []byte("User-agent: *\nDisallow: /private/\n"), time.Time{})
	s.page("/", "Home", `
<header><a href="/">Logo</a> Site header</header>
<nav><a href="/docs/">Docs</a> <a href="/blog">Blog</a> <a href="/private/secret">Secret</a></nav>
<main><h1 id="welcome">Welcome</h1><p>Hello <b>reader</b>.</p>
<p><a href="/missing">broken</a> <a href="/big">big</a> <a href="/data.bin">data</a>
<a href="/logo.png">logo</a> <a href="/old">old</a> <a href="/out">out</a>
<a href="/a?utm=1">tracked</a> <a href="mailto:x@example.com">mail</a>
<a href="javascript:void(0)">js</a> <a href="http://other.example/page">elsewhere</a>
<a href="/quiet">quiet</a></p></main>
<script>var hidden = "script text";</script><style>.x{}</style>
<footer>Copyright footer</footer>`)
	s.page("/docs/", "Docs", `
<a href="/">home</a> <a href="/docs#install">install</a> <a href="/docs/">self</a>
<a href="guide">guide</a>
<h2 id="install">Install</h2><p>Run the installer.</p>
<h2><a id="use"></a>Use</h2><p>Use it.</p>`)
	s.page("/docs/guide", "Guide", `<p>Read <a href="../docs/">docs</a>, <a href="/blog/">blog</a>,
<a href="/a">a</a>.</p>`)
	s.page("/blog", "Blog", `<article><header><h1>First post</h1></header><p>Post body.</p></article>
<aside>Related junk</aside>`)
	s.redirect("/old", "/new", 301)
	s.page("/new", "New", `<p>Moved here.</p>`)
	s.redirect("/out", "http://example.invalid/landing", 302)
	s.handle("/a", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><title>A</title><link rel="canonical" href="/a"></head><body><p>Canonical A.</p></body></html>`))
	})
	s.handle("/quiet", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<html><head><meta name="robots" content="noindex"></head><body><a href="/child">child</a></body></html>`))
	})
	s.page("/child", "Child", `<p>Found through a noindex page.</p>`)
	s.raw("/big", "text/html", []byte("<p>"+strings.Repeat("x", 10_000)+"</p>"), time.Time{})
	s.raw("/data.bin", "application/octet-stream", []byte{0, 1, 2, 3}, time.Time{})
	s.raw("/logo.png", "image/png", []byte{0x89, 'P', 'N', 'G'}, time.Time{})
	s.page("/private/secret", "Secret", "<p>secret</p>")
	return s
}

func TestCrawlSite(t *testing.T) {
	site := exampleSite()
	srv := site.serve(t)
	s := settings(srv.URL+"/", ModeCrawl)
	s.MaxPageBytes = 4096
	c := open(t, s, localEnv)
	got := collect(t, stream(c, nil))
	if got.err != nil {
		t.Fatalf("crawl: %v", got.err)
	}
	base := srv.URL
	wantDocs := join(base, "/", "/docs", "/docs/guide", "/blog", "/new", "/a", "/child")
	if ids := keys(got.docs); !slices.Equal(ids, wantDocs) {
		t.Errorf("documents:\n got %v\nwant %v", ids, wantDocs)
	}
	wantFailures := join(base, "/missing", "/big", "/data.bin")
	if ids := keys(got.failures); !slices.Equal(ids, wantFailures) {
		t.Errorf("failures:\n got %v\nwant %v", ids, wantFailures)
	}
	if f := got.failures[base+"/missing"]; f != nil && !errors.Is(f, tributary.ErrNotFound) {
		t.Errorf("404 failure = %v, want ErrNotFound", f)
	}
	if f := got.failures[base+"/big"]; f != nil && !errors.Is(f, errTooLarge) {
		t.Errorf("huge page failure = %v, want errTooLarge", f)
	}
	for _, p := range []string{"/", "/docs/", "/docs/guide", "/blog", "/old", "/new", "/out", "/a?utm=1", "/quiet"} {
		if n := site.hitsOf(p); n != 1 {
			t.Errorf("%s fetched %d times, want once", p, n)
		}
	}
	for _, p := range []string{"/private/secret", "/logo.png", "/a", "/docs", "/blog/"} {
		if n := site.hitsOf(p); n != 0 {
			t.Errorf("%s fetched %d times, want never", p, n)
		}
	}
	if got.order[0] != base+"/" {
		t.Errorf("first document %s, want the start page", got.order[0])
	}
	checkHome(t, got.docs[base+"/"], base)
	checkDocs(t, got.docs[base+"/docs"], base)
	if d := got.docs[base+"/blog"]; d != nil && !strings.Contains(text(d), "First post") {
		t.Errorf("blog lost the header inside its article: %q", text(d))
	}
	if d := got.docs[base+"/blog"]; d != nil && strings.Contains(text(d), "Related junk") {
		t.Errorf("blog kept its aside: %q", text(d))
	}
}

func text(d *tributary.Document) string {
	var b strings.Builder
	for _, s := range d.Sections {
		b.WriteString(s.Heading + "\n" + s.Text + "\n")
	}
	return b.String()
}

func checkHome(t *testing.T, d *tributary.Document, base string) {
	t.Helper()
	if d == nil {
		t.Fatal("no home page")
	}
	if d.Title != "Home" || d.SemanticID != "Home" || d.Source != Source {
		t.Errorf("home: title %q, semantic id %q, source %q", d.Title, d.SemanticID, d.Source)
	}
	body := text(d)
	for _, bad := range []string{"Site header", "Docs", "script text", "Copyright", ".x{}"} {
		if strings.Contains(body, bad) {
			t.Errorf("home text keeps %q: %q", bad, body)
		}
	}
	if !strings.Contains(body, "Hello reader.") {
		t.Errorf("home text lost its content: %q", body)
	}
	if !d.UpdatedAt.IsZero() {
		t.Errorf("home UpdatedAt = %v, want zero (the server did not say)", d.UpdatedAt)
	}
}

func checkDocs(t *testing.T, d *tributary.Document, base string) {
	t.Helper()
	if d == nil {
		t.Fatal("no docs page")
	}
	var headings, links []string
	for _, s := range d.Sections {
		headings = append(headings, s.Heading)
		links = append(links, s.Link)
	}
	if !slices.Equal(headings, []string{"", "Install", "Use"}) {
		t.Errorf("docs headings = %q", headings)
	}
	want := []string{base + "/docs", base + "/docs#install", base + "/docs#use"}
	if !slices.Equal(links, want) {
		t.Errorf("docs section links = %q, want %q", links, want)
	}
}

func TestMaxDepthAndPages(t *testing.T) {
	site := newTestSite()
	// A chain /p0 -> /p1 -> ... -> /p9.
	for i := range 10 {
		site.page(pagePath(i), "P", `<a href="`+pagePath(i+1)+`">next</a>`)
	}
	srv := site.serve(t)
	for _, tc := range []struct {
		depth, pages, want int
	}{{0, 100, 1}, {3, 100, 4}, {100, 5, 5}, {100, 100, 10}} {
		s := settings(srv.URL+"/p0", ModeCrawl)
		s.MaxDepth, s.MaxPages = tc.depth, tc.pages
		got := collect(t, stream(open(t, s, localEnv), nil))
		if len(got.docs) != tc.want || got.err != nil {
			t.Errorf("depth %d pages %d: %d documents (err %v), want %d", tc.depth, tc.pages, len(got.docs), got.err, tc.want)
		}
	}
}

func pagePath(i int) string { return "/p" + string(rune('0'+i)) }

func TestIncludeExclude(t *testing.T) {
	site := newTestSite()
	site.page("/", "Root", `<a href="/docs/a">a</a> <a href="/docs/old/b">b</a> <a href="/blog/c">c</a>`)
	for _, p := range []string{"/docs/a", "/docs/old/b", "/blog/c"} {
		site.page(p, p, "<p>x</p>")
	}
	srv := site.serve(t)
	s := settings(srv.URL+"/", ModeCrawl)
	s.Include, s.Exclude = []string{"/docs/**"}, []string{"/docs/old/*"}
	got := collect(t, stream(open(t, s, localEnv), nil))
	if ids, want := keys(got.docs), join(srv.URL, "/", "/docs/a"); !slices.Equal(ids, want) {
		t.Errorf("documents %v, want %v", ids, want)
	}
}

func TestSinglePage(t *testing.T) {
	site := exampleSite()
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/docs/#install", ModeSingle), localEnv), nil))
	if ids, want := keys(got.docs), join(srv.URL, "/docs"); !slices.Equal(ids, want) || len(got.failures) > 0 {
		t.Errorf("documents %v failures %v, want %v", ids, keys(got.failures), want)
	}
}

func TestRedirectLoopIsAFailure(t *testing.T) {
	site := newTestSite()
	site.redirect("/x", "/y", 302)
	site.redirect("/y", "/x", 302)
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/x", ModeSingle), localEnv), nil))
	if len(got.docs) != 0 || got.failures[srv.URL+"/x"] == nil {
		t.Errorf("documents %v failures %v, want one failure on /x", keys(got.docs), keys(got.failures))
	}
}

func TestRobotsServerErrorStopsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := newTestSite()
		site.handle("/robots.txt", func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) })
		site.page("/", "Home", "<p>x</p>")
		s, env := inMemory(site, "/", ModeCrawl)
		got := collect(t, stream(open(t, s, env), nil))
		if !errors.Is(got.err, tributary.ErrTransient) || len(got.docs) != 0 {
			t.Errorf("err %v, %d documents; want ErrTransient and nothing", got.err, len(got.docs))
		}
		if site.hitsOf("/") != 0 || site.hitsOf("/robots.txt") != 3 {
			t.Errorf("start page fetched %d times, robots.txt %d times; want 0 and 3 (retried)",
				site.hitsOf("/"), site.hitsOf("/robots.txt"))
		}
	})
}

func TestIgnoreRobots(t *testing.T) {
	site := exampleSite()
	srv := site.serve(t)
	s := settings(srv.URL+"/private/secret", ModeSingle)
	c := open(t, s, localEnv)
	got := collect(t, stream(c, nil))
	if len(got.docs) != 0 || !errors.Is(got.err, tributary.ErrInvalidConfig) {
		t.Errorf("robots.txt disallows the start URL, yet got %v and error %v", keys(got.docs), got.err)
	}
	if err := c.Validate(context.Background()); !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Errorf("Validate of a start URL robots.txt disallows = %v, want ErrInvalidConfig", err)
	}
	if site.hitsOf("/private/secret") != 0 {
		t.Error("fetched the disallowed start URL")
	}
	s.IgnoreRobots = true
	got = collect(t, stream(open(t, s, localEnv), nil))
	if len(got.docs) != 1 || site.hitsOf("/robots.txt") != 2 {
		t.Errorf("ignore_robots: %d documents, robots.txt read %d times in all, want 2 (by the first run and Validate)", len(got.docs), site.hitsOf("/robots.txt"))
	}
}

func TestValidate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		ctx := context.Background()
		for path, want := range map[string]error{
			"/old": nil, "/missing": tributary.ErrNotFound, "/out": tributary.ErrInvalidConfig,
		} {
			s, env := inMemory(exampleSite(), path, ModeSingle)
			if err := open(t, s, env).Validate(ctx); !errors.Is(err, want) || (want == nil && err != nil) {
				t.Errorf("Validate %s = %v, want %v", path, err, want)
			}
		}
		s, _ := inMemory(nil, "/", ModeSingle)
		refused := tributary.Env{HTTPClient: &http.Client{Transport: failingTransport{}}}
		if err := open(t, s, refused).Validate(ctx); !errors.Is(err, tributary.ErrTransient) {
			t.Errorf("Validate of an unreachable site = %v, want ErrTransient", err)
		}
	})
}

// failingTransport fails every request as a refused connection would.
type failingTransport struct{}

func (failingTransport) RoundTrip(*http.Request) (*http.Response, error) {
	return nil, &net.OpError{Op: "dial", Net: "tcp", Err: syscall.ECONNREFUSED}
}

// TestLoopbackRefused shows that a site on a loopback address is refused
// unless the environment allows private networks.
func TestLoopbackRefused(t *testing.T) {
	site := exampleSite()
	srv := site.serve(t)
	c := open(t, settings(srv.URL+"/", ModeCrawl), tributary.Env{})
	if err := c.Validate(context.Background()); !errors.Is(err, httpx.ErrForbiddenAddress) || !errors.Is(err, tributary.ErrInvalidConfig) {
		t.Errorf("Validate = %v, want a refused address", err)
	}
	got := collect(t, stream(c, nil))
	if !errors.Is(got.err, httpx.ErrForbiddenAddress) || len(got.docs)+len(got.failures) != 0 {
		t.Errorf("crawl: err %v with %d documents, want a refused address", got.err, len(got.docs))
	}
	s := settings(srv.URL+"/", ModeSingle)
	s.IgnoreRobots = true
	got = collect(t, stream(open(t, s, tributary.Env{}), nil))
	if !errors.Is(got.err, httpx.ErrForbiddenAddress) || len(got.failures) != 0 {
		t.Errorf("single page: err %v, failures %v, want a refused address", got.err, keys(got.failures))
	}
	site.mu.Lock()
	defer site.mu.Unlock()
	for p, n := range site.hits {
		t.Errorf("%s reached the server %d times", p, n)
	}
}

func TestStartURLRedirectingOffTheSite(t *testing.T) {
	site := exampleSite()
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/out", ModeCrawl), localEnv), nil))
	if !errors.Is(got.err, tributary.ErrInvalidConfig) || !strings.Contains(got.err.Error(), "example.invalid") {
		t.Errorf("err %v, want ErrInvalidConfig naming the target", got.err)
	}
}

func TestXRobotsTag(t *testing.T) {
	site := newTestSite()
	site.handle("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Robots-Tag", "noindex")
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<a href="/a">a</a> <a href="/b">b</a>`))
	})
	site.page("/a", "A", "<p>a</p>")
	site.handle("/b", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Robots-Tag", "googlebot: nofollow, noindex")
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("b"))
	})
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/", ModeCrawl), localEnv), nil))
	if ids, want := keys(got.docs), join(srv.URL, "/a"); !slices.Equal(ids, want) || got.err != nil {
		t.Errorf("documents %v (err %v), want %v", ids, got.err, want)
	}
}

func TestMetaRefresh(t *testing.T) {
	site := newTestSite()
	refresh := func(content string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html")
			fmt.Fprintf(w, `<html><head><title>R</title><meta http-equiv="Refresh" content="%s"></head><body><p>Moved.</p></body></html>`, content)
		}
	}
	site.handle("/r", refresh(`0; URL='/target'`))
	site.handle("/self", refresh(`0; url=/self`))
	site.handle("/slow", refresh(`30; url=/target`))
	site.page("/target", "Target", "<p>here</p>")
	srv := site.serve(t)
	for start, want := range map[string][]string{
		"/r": {"/target"}, "/self": {"/self"}, "/slow": {"/slow"},
	} {
		got := collect(t, stream(open(t, settings(srv.URL+start, ModeSingle), localEnv), nil))
		if ids := keys(got.docs); !slices.Equal(ids, join(srv.URL, want...)) {
			t.Errorf("from %s: documents %v, want %v", start, ids, want)
		}
	}
}

func TestSlowPageTimesOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := newTestSite()
		site.page("/", "Home", `<a href="/slow">slow</a> <a href="/fast">fast</a>`)
		site.handle("/slow", func(w http.ResponseWriter, r *http.Request) {
			select {
			case <-time.After(time.Minute):
				w.Write([]byte("too late"))
			case <-r.Context().Done():
			}
		})
		site.page("/fast", "Fast", "<p>quick</p>")
		s, env := inMemory(site, "/", ModeCrawl)
		s.Timeout = tributary.Duration(5 * time.Second)
		begin := time.Now()
		got := collect(t, stream(open(t, s, env), nil))
		f := got.failures["http://site.test/slow"]
		if f == nil || !errors.Is(f, tributary.ErrTransient) || len(got.docs) != 2 {
			t.Errorf("documents %v, slow page failure %v; want a transient failure", keys(got.docs), f)
		}
		// The timeout bounds the page, retries included; the other pages
		// are fetched meanwhile.
		if elapsed := time.Since(begin).Truncate(time.Second); elapsed != 5*time.Second {
			t.Errorf("took %v, want 5s", elapsed)
		}
	})
}
