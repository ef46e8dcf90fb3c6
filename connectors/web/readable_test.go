package web

import (
	"os"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"
)

// TestReadableDocumentationPage crawls a Sphinx page with permalinks in
// its headings, a skip link, related bars and a sidebar: the headings
// read without the permalink character, link to their sections, and the
// text keeps none of the chrome.
func TestReadableDocumentationPage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sphinx, err := os.ReadFile("../../internal/extract/testdata/html/sphinx.html")
		if err != nil {
			t.Fatal(err)
		}
		site := newTestSite()
		site.page("/", "Home", `<a class="skip-link" href="#main">Skip to content</a>
<nav><a href="/">Home</a></nav>
<main id="main"><h1 id="home">Home <a class="headerlink" href="#home">#</a></h1>
<p>See <a href="/howto/logging.html">logging</a>.</p></main>`)
		site.raw("/howto/logging.html", "text/html; charset=utf-8", sphinx, time.Time{})
		s, env := inMemory(site, "/", ModeCrawl)
		s.Include = []string{"/", "/howto/logging.html"}
		got := collect(t, stream(open(t, s, env), nil))
		base := "http://site.test"
		if got.err != nil || len(got.failures) != 0 || len(got.docs) != 2 {
			t.Fatalf("documents %q, error %v, failures %v", keys(got.docs), got.err, keys(got.failures))
		}
		home := got.docs[base+"/"]
		if h := home.Sections[0]; len(home.Sections) != 1 || h.Heading != "Home" || h.Link != base+"/#home" || h.Text != "See logging." {
			t.Errorf("home sections %+v", home.Sections)
		}
		logging := got.docs[base+"/howto/logging.html"]
		var headings []string
		for _, sec := range logging.Sections {
			headings = append(headings, sec.Heading)
		}
		if want := []string{"Logging HOWTO", "When to use logging", "A simple example"}; !slices.Equal(headings, want) {
			t.Errorf("headings %q, want %q", headings, want)
		}
		for _, chrome := range []string{"¶", "Skip to main content", "Previous topic", "Quick search", "modules", "Copyright"} {
			if strings.Contains(text(logging), chrome) {
				t.Errorf("logging page keeps %q:\n%s", chrome, text(logging))
			}
		}
		if l := logging.Sections[1].Link; l != base+"/howto/logging.html#when-to-use-logging" {
			t.Errorf("section link %q", l)
		}
	})
}

// TestDefaultDocumentsAreTheFolder crawls pages that link to folders both
// as "/docs/" and as "/docs/index.html" (or another default document):
// each folder is one document, fetched once.
func TestDefaultDocumentsAreTheFolder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := newTestSite()
		for _, p := range []string{"/", "/index.html"} {
			site.page(p, "Home", `<p>See <a href="/index.html">home</a>, <a href="/docs/index.html">the docs</a>
and <a href="/docs/">the docs again</a>.</p>`)
		}
		for _, p := range []string{"/docs/", "/docs/index.html", "/docs/default.htm"} {
			site.page(p, "Docs", `<p>Start <a href="default.htm">here</a> or <a href="./">here</a>.</p>`)
		}
		s, env := inMemory(site, "/", ModeCrawl)
		got := collect(t, stream(open(t, s, env), nil))
		if got.err != nil || len(got.failures) != 0 {
			t.Fatalf("error %v, failures %v", got.err, keys(got.failures))
		}
		if want := join("http://site.test", "/", "/docs"); !slices.Equal(keys(got.docs), want) {
			t.Errorf("documents %q, want %q", keys(got.docs), want)
		}
		home := site.hitsOf("/") + site.hitsOf("/index.html")
		docs := site.hitsOf("/docs/") + site.hitsOf("/docs/index.html") + site.hitsOf("/docs/default.htm")
		if home != 1 || docs != 1 {
			t.Errorf("the home page was fetched %d times, the docs %d times; want once each", home, docs)
		}
	})
}
