package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
)

// treeSite serves n pages: page i links to its children 2i+1 and 2i+2, to
// its parent, to page i+1 and to the root, so the site is full of cycles;
// every seventh page is missing.
func treeSite(n int) *testSite {
	s := newTestSite()
	for i := range n {
		if i%7 == 6 {
			continue
		}
		var b strings.Builder
		fmt.Fprintf(&b, `<nav><a href="/">home</a> <a href="%s">up</a>`, treePath((i-1)/2))
		if i+1 < n {
			fmt.Fprintf(&b, ` <a href="%s">next</a>`, treePath(i+1))
		}
		b.WriteString("</nav>")
		fmt.Fprintf(&b, `<h1 id="t">Page %d</h1><p>Text of page %d.</p>`, i, i)
		for _, c := range []int{2*i + 1, 2*i + 2} {
			if c < n {
				fmt.Fprintf(&b, `<a href="/n/%d#x">child %d</a>`, c, c)
			}
		}
		s.page(treePath(i), fmt.Sprintf("Page %d", i), b.String())
	}
	return s
}

// treePath is the path of page i, written with a trailing slash that the
// site does not use, as links often are.
func treePath(i int) string {
	if i == 0 {
		return "/"
	}
	return fmt.Sprintf("/n/%d", i)
}

// TestResumeFromEveryCheckpoint cuts a crawl at every checkpoint, resumes,
// and checks that the documents before the cut and after the resume are
// exactly the full set, in the same order, with nothing yielded twice.
func TestResumeFromEveryCheckpoint(t *testing.T) {
	synctest.Test(t, testResumeFromEveryCheckpoint)
}

func testResumeFromEveryCheckpoint(t *testing.T) {
	s, env := inMemory(treeSite(120), "/", ModeCrawl)
	s.MaxDepth = 100
	c := open(t, s, env)
	var order []string // documents and checkpoints in stream order
	var cps []tributary.Checkpoint
	for it, err := range stream(c, nil) {
		switch {
		case err != nil:
			t.Fatal(err)
		case it.Document != nil:
			order = append(order, it.Document.ID)
		case it.Failure != nil:
			order = append(order, "failure "+it.Failure.DocumentID)
		case it.Checkpoint != nil:
			order = append(order, fmt.Sprintf("cp %d", len(cps)))
			cps = append(cps, it.Checkpoint)
		}
	}
	if len(cps) < 3 {
		t.Fatalf("only %d checkpoints in a %d-item crawl", len(cps), len(order))
	}
	full := withoutCheckpoints(order)
	for i, cp := range cps {
		if len(cp) > tributary.MaxCheckpointSize {
			t.Fatalf("checkpoint %d is %d bytes", i, len(cp))
		}
		cut := slices.Index(order, fmt.Sprintf("cp %d", i))
		before := withoutCheckpoints(order[:cut])
		var after []string
		for it, err := range stream(c, cp) {
			switch {
			case err != nil:
				t.Fatalf("resume %d: %v", i, err)
			case it.Document != nil:
				after = append(after, it.Document.ID)
			case it.Failure != nil:
				after = append(after, "failure "+it.Failure.DocumentID)
			}
		}
		if got := append(before, after...); !slices.Equal(got, full) {
			t.Errorf("resume from checkpoint %d:\n got %v\nwant %v", i, got, full)
		}
	}
}

func withoutCheckpoints(items []string) []string {
	var out []string
	for _, s := range items {
		if !strings.HasPrefix(s, "cp ") {
			out = append(out, s)
		}
	}
	return out
}

func TestBadCheckpoints(t *testing.T) {
	site := treeSite(40)
	srv := site.serve(t)
	c := open(t, settings(srv.URL+"/", ModeCrawl), localEnv)
	var cp tributary.Checkpoint
	for it := range stream(c, nil) {
		if it.Checkpoint != nil {
			cp = it.Checkpoint
			break
		}
	}
	other := open(t, settings(srv.URL+"/", ModeSitemap), localEnv)
	for name, tc := range map[string]struct {
		c  *Connector
		cp tributary.Checkpoint
	}{
		"garbage":    {c, tributary.Checkpoint("{not json")},
		"other mode": {other, cp},
		"bad seen":   {c, mustCheckpoint(t, state{Site: c.site.String(), Mode: ModeCrawl, Admitted: 2, Seen: []byte{1, 2, 3}, Queue: []cpEntry{{Path: "/"}}})},
		"bad path":   {c, mustCheckpoint(t, state{Site: c.site.String(), Mode: ModeCrawl, Admitted: 2, Queue: []cpEntry{{Path: "@evil.example/"}}})},
	} {
		got := collect(t, stream(tc.c, tc.cp))
		if !errors.Is(got.err, tributary.ErrInvalidCheckpoint) || len(got.docs) > 0 {
			t.Errorf("%s: err %v with %d documents, want ErrInvalidCheckpoint", name, got.err, len(got.docs))
		}
	}
}

func mustCheckpoint(t *testing.T, st state) tributary.Checkpoint {
	cp, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion, st)
	if err != nil {
		t.Fatal(err)
	}
	return cp
}

// TestCheckpointBound shows that a crawl whose position outgrows the size
// bound stops emitting checkpoints instead of failing, and that every
// checkpoint it does emit fits.
func TestCheckpointBound(t *testing.T) {
	site := newTestSite()
	long := strings.Repeat("segment-", 60)
	site.handle("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		for i := range 400 {
			fmt.Fprintf(w, `<a href="/%s/%d">x</a>`, long, i)
		}
	})
	site.handle("/"+long+"/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		w.Write([]byte("leaf"))
	})
	srv := site.serve(t)
	got := collect(t, stream(open(t, settings(srv.URL+"/", ModeCrawl), localEnv), nil))
	if got.err != nil || len(got.docs) != 401 {
		t.Fatalf("err %v, %d documents", got.err, len(got.docs))
	}
	if len(got.checkpoints) == 0 || len(got.checkpoints) >= 400/checkpointEvery {
		t.Errorf("%d checkpoints; want some, but not while the frontier is too large", len(got.checkpoints))
	}
	for _, cp := range got.checkpoints {
		if len(cp) > tributary.MaxCheckpointSize {
			t.Errorf("checkpoint of %d bytes", len(cp))
		}
	}
}

func TestSlimAdmitsWhatLoadAdmits(t *testing.T) {
	for name, site := range map[string]*testSite{"example": exampleSite(), "tree": treeSite(50), "sitemap": sitemapSite()} {
		srv := site.serve(t)
		s := settings(srv.URL+"/", ModeCrawl)
		if name == "sitemap" {
			s.Mode = ModeSitemap
		}
		s.MaxPageBytes = 4096
		c := open(t, s, localEnv)
		var load, slim []string
		for d, err := range c.Load(context.Background()) {
			load = append(load, idOrFailure(d, err))
		}
		for d, err := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
			var doc *tributary.Document
			if err == nil {
				doc = &tributary.Document{ID: d.ID}
			}
			slim = append(slim, idOrFailure(doc, err))
		}
		if !slices.Equal(load, slim) || len(load) < 5 {
			t.Errorf("%s:\nload %v\nslim %v", name, load, slim)
		}
	}
}

func idOrFailure(d *tributary.Document, err error) string {
	if f, ok := tributary.AsFailure(err); ok {
		return "failure " + f.DocumentID + f.EntityID
	}
	if err != nil {
		return "error " + err.Error()
	}
	return d.ID
}

// inMemory returns settings and an environment that serve site in memory,
// for tests under synctest.
func inMemory(site http.Handler, start string, mode Mode) (Settings, tributary.Env) {
	s := settings("http://site.test"+start, mode)
	return s, tributary.Env{HTTPClient: &http.Client{Transport: handlerTransport{site}}}
}

func TestPolitenessRate(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, env := inMemory(treeSite(12), "/", ModeCrawl)
		s.RequestsPerSecond = 2
		c := open(t, s, env)
		begin := time.Now()
		got := collect(t, stream(c, nil))
		// robots.txt and 12 pages: 13 requests, the first at once and then
		// one every half second.
		if elapsed := time.Since(begin); elapsed != 6*time.Second || len(got.docs)+len(got.failures) != 12 {
			t.Errorf("%d pages took %v, want 6s", len(got.docs)+len(got.failures), elapsed)
		}
	})
}

func TestCrawlDelay(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := treeSite(5)
		site.raw("/robots.txt", "text/plain", []byte("User-agent: *\nCrawl-delay: 3\n"), time.Time{})
		s, env := inMemory(site, "/", ModeCrawl)
		// Four workers queue behind a delay longer than the timeout: the
		// timeout must only count once a request is on its way.
		s.Concurrency, s.Timeout = 4, tributary.Duration(2*time.Second)
		begin := time.Now()
		got := collect(t, stream(open(t, s, env), nil))
		// robots.txt at once, then five pages three seconds apart.
		if elapsed := time.Since(begin); elapsed != 15*time.Second || len(got.docs) != 5 || len(got.failures) != 0 {
			t.Errorf("%d documents, failures %v in %v; want 5 documents in 15s", len(got.docs), keys(got.failures), elapsed)
		}
	})
}

// TestConcurrentFetches shows that slow pages are fetched in parallel.
func TestConcurrentFetches(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := treeSite(15)
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path != "/robots.txt" {
				time.Sleep(time.Second)
			}
			site.ServeHTTP(w, r)
		})
		s, env := inMemory(slow, "/", ModeCrawl)
		s.Concurrency = 4
		begin := time.Now()
		got := collect(t, stream(open(t, s, env), nil))
		// Levels of 1, 2, 4, 6 and 1 pages (two of them missing, one
		// unreachable): 1+1+1+2+1 seconds with 4 workers, against 14
		// seconds one at a time.
		if elapsed := time.Since(begin).Truncate(time.Second); elapsed != 6*time.Second || len(got.docs) != 12 {
			t.Errorf("%d documents in %v, want 12 in 6s", len(got.docs), elapsed)
		}
	})
}

func TestEarlyBreakAndCancel(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s, env := inMemory(treeSite(60), "/", ModeCrawl)
		c := open(t, s, env)
		n := 0
		for range c.Load(context.Background()) {
			n++
			if n == 3 {
				break
			}
		}
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		var last error
		n = 0
		for d, err := range c.Load(ctx) {
			if last != nil {
				t.Fatalf("yielded %v, %v after the error %v", d, err, last)
			}
			if _, ok := tributary.AsFailure(err); err != nil && !ok {
				last = err
				continue
			}
			if n++; n == 2 {
				cancel()
			}
		}
		if !errors.Is(last, context.Canceled) {
			t.Errorf("after cancel: %v, want context.Canceled", last)
		}
		// synctest.Test fails if a worker outlived the range loops.
	})
}

// TestResumeHonoursNewRobotsRules shows that a crawl resumed after
// robots.txt changed does not fetch what the new rules disallow, though
// the frontier admitted it under the old ones.
func TestResumeHonoursNewRobotsRules(t *testing.T) {
	site := treeSite(30)
	srv := site.serve(t)
	c := open(t, settings(srv.URL+"/", ModeCrawl), localEnv)
	var first tributary.Checkpoint
	for it, err := range stream(c, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Checkpoint != nil {
			first = it.Checkpoint
			break
		}
	}
	site.raw("/robots.txt", "text/plain", []byte("User-agent: *\nDisallow: /n/\n"), time.Time{})
	got := collect(t, stream(c, first))
	if len(got.docs) != 0 || len(got.failures) != 0 || got.err != nil {
		t.Errorf("resumed under new rules: documents %v, failures %v, err %v", keys(got.docs), keys(got.failures), got.err)
	}
	site.mu.Lock()
	defer site.mu.Unlock()
	for p, n := range site.hits {
		if strings.HasPrefix(p, "/n/") && n > 1 {
			t.Errorf("%s fetched %d times", p, n)
		}
	}
}
