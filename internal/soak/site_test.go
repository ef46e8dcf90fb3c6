package soak

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// site is a generated website: a home page, sections and the pages of
// each section, linked to one another the way a handbook is. Beside the
// pages a crawl must deliver it holds what a crawl must leave out or fold
// together: a private area robots.txt disallows, old addresses that
// redirect to pages, printable copies whose canonical link names their
// page, links to images and to another site.
type site struct {
	sections, perSection int
}

// pages is the number of HTML documents a crawl delivers: the home page,
// the section indexes and the pages.
func (s site) pages() int { return 1 + s.sections + s.sections*s.perSection }

func (s site) sectionPath(sec int) string { return fmt.Sprintf("/s/%02d/", sec) }

func (s site) pagePath(n int) string {
	return fmt.Sprintf("/s/%02d/p%03d", n/s.perSection, n%s.perSection)
}

// modified is a page's last modification, sent as Last-Modified.
func modified(n int) time.Time {
	return time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(n) * 97 * time.Minute)
}

// serve registers the site's routes on srv. Its routes are public: a
// website asks no credentials.
func (s site) serve(srv *emulator.Server) {
	srv.Handle("GET /robots.txt", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprint(w, "User-agent: *\nDisallow: /private/\n")
	}, emulator.Public())
	srv.Handle("GET /{$}", func(w http.ResponseWriter, _ *http.Request) {
		var b strings.Builder
		b.WriteString(`<p>The handbook of a company that does not exist. Start with a section.</p><ul>`)
		for sec := range s.sections {
			fmt.Fprintf(&b, `<li><a href="%s">Section %d</a></li>`, s.sectionPath(sec), sec)
		}
		b.WriteString(`</ul><p><a href="/private/salaries">Salaries</a> (staff only).</p>`)
		s.write(w, "Handbook", modified(0), b.String())
	}, emulator.Public())
	srv.Handle("GET /s/{sec}/{$}", func(w http.ResponseWriter, r *http.Request) {
		sec, ok := s.index(r.PathValue("sec"), s.sections)
		if !ok {
			http.NotFound(w, r)
			return
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<h1>Section %d</h1><ol>`, sec)
		for p := range s.perSection {
			fmt.Fprintf(&b, `<li><a href="%s">Page %d of section %d</a></li>`, s.pagePath(sec*s.perSection+p), p, sec)
		}
		fmt.Fprintf(&b, `</ol><p><a href="%s">Next section</a></p>`, s.sectionPath((sec+1)%s.sections))
		s.write(w, fmt.Sprintf("Section %d", sec), modified(1+sec), b.String())
	}, emulator.Public())
	srv.Handle("GET /s/{sec}/{page}", func(w http.ResponseWriter, r *http.Request) {
		sec, ok1 := s.index(r.PathValue("sec"), s.sections)
		p, ok2 := s.index(strings.TrimPrefix(r.PathValue("page"), "p"), s.perSection)
		if !ok1 || !ok2 || !strings.HasPrefix(r.PathValue("page"), "p") {
			http.NotFound(w, r)
			return
		}
		n := sec*s.perSection + p
		head := ""
		if r.URL.Query().Has("print") {
			head = fmt.Sprintf(`<link rel="canonical" href="%s">`, s.pagePath(n))
		}
		s.write(w, fmt.Sprintf("Page %d", n)+head, modified(1+s.sections+n), s.page(n))
	}, emulator.Public())
	srv.Handle("GET /old/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, ok := s.index(r.PathValue("n"), s.sections*s.perSection)
		if !ok {
			http.NotFound(w, r)
			return
		}
		http.Redirect(w, r, s.pagePath(n), http.StatusMovedPermanently)
	}, emulator.Public())
	srv.Handle("GET /private/", func(w http.ResponseWriter, _ *http.Request) {
		s.write(w, "Private", modified(0), "<p>robots.txt keeps crawlers out of here.</p>")
	}, emulator.Public())
}

// page is the body of page n: text under headings, and links to its
// neighbours, its section, two pages elsewhere, an old address, a
// printable copy, an image and another site.
func (s site) page(n int) string {
	all := s.sections * s.perSection
	var b strings.Builder
	fmt.Fprintf(&b, `<nav><a href="/">Home</a> <a href="%s">Section</a> <a href="%s">Previous</a> <a href="%s">Next</a></nav>`,
		s.sectionPath(n/s.perSection), s.pagePath((n+all-1)%all), s.pagePath((n+1)%all))
	fmt.Fprintf(&b, `<main><h1>Page %d</h1>`, n)
	for h := range 3 {
		fmt.Fprintf(&b, `<h2 id="part%d">Part %d</h2><p>%s</p>`, h, h,
			strings.Repeat(fmt.Sprintf("Page %d, part %d, says what a handbook says. ", n, h), 3+n%5))
	}
	fmt.Fprintf(&b, `<p>See also <a href="%s#part1">one page</a> and <a href="%s">another</a>.</p>`,
		s.pagePath(n*7919%all), s.pagePath(n*104729%all))
	if n%10 == 3 {
		fmt.Fprintf(&b, `<p>Its <a href="/old/%d">old address</a>.</p>`, (n*31)%all)
	}
	if n%25 == 7 {
		fmt.Fprintf(&b, `<p>A <a href="%s?print=1">printable copy</a>.</p>`, s.pagePath((n*13)%all))
	}
	b.WriteString(`<p><img src="/img/logo.png"><a href="/img/chart.png">chart</a> <a href="https://example.com/">elsewhere</a></p></main>`)
	return b.String()
}

// write answers with an HTML page; head may follow the title with more
// of the head, such as a canonical link.
func (s site) write(w http.ResponseWriter, head string, mod time.Time, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Last-Modified", mod.Format(http.TimeFormat))
	title, more, _ := strings.Cut(head, "<")
	if more != "" {
		more = "<" + more
	}
	fmt.Fprintf(w, `<!doctype html><html><head><title>%s</title>%s</head><body><header>Acme handbook</header>%s<footer>Acme</footer></body></html>`,
		title, more, body)
}

// faults schedules faults on some of the site's paths: each of them
// fails every other time it is fetched, the first time included, with a
// server error, a reset connection or a rate limit (429 with Retry-After:
// 1), so that no fetch fails twice in a row. robots.txt, fetched at every
// start, is among them.
//
// The API soaks' schedule (every k-th request, whatever its path) does not
// fit a crawl: the connector tries a page three times and then reports it
// as a failure, as it should, and that schedule fails three attempts of a
// page in a row often enough to lose pages to it legitimately. Nor does a
// truncated body: half a page sent as a whole answer is a valid, shorter
// page to any client.
func (s site) faults(srv *emulator.Server) {
	fail := func(path string, f emulator.Fault) {
		srv.FailNext(path, 1, f)
		srv.FailEvery(path, 2, f)
	}
	fail("/robots.txt", emulator.ServiceUnavailable)
	fail("/", emulator.InternalError)
	for n := range s.sections * s.perSection {
		switch p := s.pagePath(n); {
		case n%307 == 11:
			fail(p, emulator.TooManyRequests)
		case n%97 == 1:
			fail(p, emulator.InternalError)
		case n%101 == 2:
			fail(p, emulator.ServiceUnavailable)
		case n%103 == 3:
			fail(p, emulator.ConnectionReset)
		}
	}
}

// index reads a decimal index below n.
func (s site) index(v string, n int) (int, bool) {
	i, err := strconv.Atoi(v)
	return i, err == nil && i >= 0 && i < n
}
