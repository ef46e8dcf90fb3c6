package web

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// requests returns how many requests the site answered.
func (s *testSite) requests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, h := range s.hits {
		n += h
	}
	return n
}

// TestRunnerResumeDoesNotRecrawl crashes a run mid-crawl and runs again:
// the second run finishes the crawl from the stored checkpoint and stops
// there, so the two runs cost one crawl and what the crash undid, not a
// second crawl on top.
func TestRunnerResumeDoesNotRecrawl(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		runner := func(sink tributary.Sink) *tributary.Runner {
			// Without the retry pass, which would fetch the tree's
			// missing pages again: the requests counted are the crawl's.
			return &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 5,
				Now: func() time.Time { return now }, Retry: tributary.RetryPolicy{Max: -1}}
		}
		crawl := func() (*testSite, *Connector) {
			site := treeSite(60)
			s, env := inMemory(site, "/", ModeCrawl)
			s.MaxDepth = 100
			return site, open(t, s, env)
		}
		clean, c := crawl()
		cleanSink := &connectortest.Sink{}
		if _, err := runner(cleanSink).Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}

		site, c := crawl()
		sink := &connectortest.Sink{CrashAt: 4}
		r := runner(sink)
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); !errors.Is(err, connectortest.ErrSinkCrashed) {
			t.Fatalf("first run: %v, want the sink's crash", err)
		}
		crashed := site.requests()
		now = now.Add(time.Hour)
		res, err := r.Run(context.Background(), c, tributary.RunOptions{})
		if err != nil || !res.Resumed {
			t.Fatalf("second run: resumed %v, error %v", res.Resumed, err)
		}
		// The crash undid the batches after the last stored checkpoint:
		// at most the pages fetched ahead of it, which the first run made.
		if got, most := site.requests(), clean.requests()+crashed; got > most || res.Requests >= int64(clean.requests()) {
			t.Errorf("a crashed and resumed crawl made %d requests (%d in the second run), a clean one %d",
				got, res.Requests, clean.requests())
		}
		if !slices.Equal(sink.IDs(), cleanSink.IDs()) {
			t.Errorf("delivered %d documents, a clean crawl %d", len(sink.IDs()), len(cleanSink.IDs()))
		}

		// The next run is a new window: a crawl of its own.
		sink.Reset()
		now = now.Add(time.Hour)
		res, err = r.Run(context.Background(), c, tributary.RunOptions{})
		if err != nil || res.Resumed || res.Requests != int64(clean.requests()) {
			t.Errorf("next run: resumed %v, %d requests, error %v; want a crawl of %d", res.Resumed, res.Requests, err, clean.requests())
		}
	})
}

// validatedSite is a tree site whose pages carry an ETag and answer a
// request that names the current one with 304 Not Modified.
type validatedSite struct {
	*testSite
	mu          sync.Mutex
	version     map[string]int // path -> version, 1 unless changed
	conditional map[string]int // requests naming an ETag, by path
	notModified int
	lastMod     time.Time // sent as every page's Last-Modified, when set
}

func newValidatedSite(n int) *validatedSite {
	s := &validatedSite{testSite: treeSite(n), version: map[string]int{}, conditional: map[string]int{}}
	for i := 6; i < n; i += 7 {
		s.page(treePath(i), "Gap", "<p>No longer missing.</p>") // no failures, so prunes run
	}
	return s
}

func (s *validatedSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	v := max(1, s.version[r.URL.Path])
	etag := fmt.Sprintf(`"v%d"`, v)
	if r.Header.Get("If-None-Match") != "" {
		s.conditional[r.URL.Path]++
	}
	match := r.Header.Get("If-None-Match") == etag
	if match {
		s.notModified++
	}
	s.mu.Unlock()
	if r.URL.Path != "/robots.txt" {
		w.Header().Set("ETag", etag)
		if !s.lastMod.IsZero() {
			w.Header().Set("Last-Modified", s.lastMod.Format(http.TimeFormat))
		}
	}
	if match {
		s.testSite.mu.Lock()
		s.testSite.hits[r.URL.Path]++
		s.testSite.mu.Unlock()
		w.WriteHeader(http.StatusNotModified)
		return
	}
	s.testSite.ServeHTTP(w, r)
}

// change gives the page at p new content, and a new version.
func (s *validatedSite) change(p, title, body string) {
	s.mu.Lock()
	s.version[p] = max(1, s.version[p]) + 1
	s.mu.Unlock()
	s.testSite.mu.Lock()
	defer s.testSite.mu.Unlock()
	s.testSite.page(p, title, body)
}

// TestRerunAsksWhatChanged runs a crawl three times through a Runner: the
// second run asks for every page with the ETag the first stored, gets 304
// for all of them, delivers nothing and still reaches the whole site
// through the links it remembered; the third delivers the one page that
// changed and the page it newly links to. A prune afterwards finds every
// page still there.
func TestRerunAsksWhatChanged(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		site := newValidatedSite(40)
		s, env := inMemory(site, "/", ModeCrawl)
		s.MaxDepth = 100
		c := open(t, s, env)
		sink := &connectortest.Sink{}
		store := &tributary.MemoryStore{}
		r := &tributary.Runner{Store: store, Sink: sink, Now: func() time.Time { return now }}
		first, err := r.Run(context.Background(), c, tributary.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		all := sink.IDs()

		sink.Reset()
		now = now.Add(time.Hour)
		second, err := r.Run(context.Background(), c, tributary.RunOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if second.Documents != 0 || len(sink.IDs()) != 0 {
			t.Errorf("an unchanged site delivered %d documents again", second.Documents)
		}
		if second.Requests != first.Requests || site.notModified != len(all) {
			t.Errorf("second run: %d requests (first %d), %d answered 304 of %d pages",
				second.Requests, first.Requests, site.notModified, len(all))
		}

		// Page 39, a leaf, changes and links to a page the site did not have.
		site.change("/n/39", "Page 39", `<p>New text.</p><a href="/n/19">up</a> <a href="/fresh">fresh</a>`)
		site.page("/fresh", "Fresh", `<p>Fresh page.</p>`)
		sink.Reset()
		now = now.Add(time.Hour)
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, want := sink.IDs(), []string{"http://site.test/fresh", "http://site.test/n/39"}; !slices.Equal(got, want) {
			t.Errorf("third run delivered %q, want %q", got, want)
		}

		pr, err := r.Prune(context.Background(), c, tributary.PruneOptions{})
		if err != nil || pr.Missing != 0 {
			t.Errorf("prune: %d missing, error %v; the unchanged pages are all there", pr.Missing, err)
		}
	})
}

// TestRedeliverFetchesEverything shows that a run asked to redeliver sends
// no validators, so the sink gets every page again.
func TestRedeliverFetchesEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		site := newValidatedSite(10)
		s, env := inMemory(site, "/", ModeCrawl)
		c := open(t, s, env)
		sink := &connectortest.Sink{}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now }}
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		all := sink.IDs()
		sink.Reset()
		now = now.Add(time.Hour)
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{Full: true, Redeliver: true}); err != nil {
			t.Fatal(err)
		}
		if got := sink.IDs(); !slices.Equal(got, all) || site.notModified != 0 {
			t.Errorf("redelivered %d of %d pages; %d answered 304", len(got), len(all), site.notModified)
		}
	})
}

// TestRerunAfterACrashLosesNothing crashes the first run, resumes it, and
// runs again: every page is delivered, and every memo stored with the
// checkpoint after its page, so the rerun gets 304 for every page.
func TestRerunAfterACrashLosesNothing(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		site := newValidatedSite(40)
		site.lastMod = now.Add(-30 * 24 * time.Hour) // before every poll window
		s, env := inMemory(site, "/", ModeCrawl)
		s.MaxDepth = 100
		c := open(t, s, env)
		sink := &connectortest.Sink{CrashAt: 3}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 4, Now: func() time.Time { return now }}
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); !errors.Is(err, connectortest.ErrSinkCrashed) {
			t.Fatalf("first run: %v, want the sink's crash", err)
		}
		now = now.Add(time.Hour)
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if got := len(sink.IDs()); got != 36 {
			t.Errorf("delivered %d pages over the crash and the resume, want 36", got)
		}
		site.notModified = 0
		now = now.Add(time.Hour)
		res, err := r.Run(context.Background(), c, tributary.RunOptions{})
		if err != nil || res.Documents != 0 || site.notModified != 36 {
			t.Errorf("rerun: %d documents, %d answers 304, error %v", res.Documents, site.notModified, err)
		}
	})
}

// TestUnchangedRedirectKeepsItsID shows that a page reached through a
// redirect and found unchanged still claims the URL it landed on, so a
// link straight to that URL is not yielded as another page.
func TestUnchangedRedirectKeepsItsID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		site := &validatedSite{testSite: newTestSite(), version: map[string]int{}, conditional: map[string]int{}}
		site.page("/", "Home", `<a href="/old">old</a> <a href="/about">about</a>`)
		site.page("/about", "About", `<a href="/new">new</a>`)
		site.redirect("/old", "/new", http.StatusMovedPermanently)
		site.page("/new", "New", `<p>Moved here.</p>`)
		s, env := inMemory(site, "/", ModeCrawl)
		c := open(t, s, env)
		sink := &connectortest.Sink{}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now }}
		for range 2 {
			res, err := r.Run(context.Background(), c, tributary.RunOptions{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Failures != 0 {
				t.Errorf("%d failures", res.Failures)
			}
			now = now.Add(time.Hour)
		}
		if got := sink.Documents(); got != 3 {
			t.Errorf("%d documents delivered, want the three pages once", got)
		}
		// The first run reached /new through /old; the second found /old
		// unchanged, and so /new taken.
		if n := site.hitsOf("/new"); n != 1 {
			t.Errorf("/new fetched %d times, want once", n)
		}
	})
}

// TestChangeBehindAnOldLastModified changes a page's content and ETag but
// not its Last-Modified, which lies before the next window: the server
// said the page changed, so the rerun delivers it.
func TestChangeBehindAnOldLastModified(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		site := newValidatedSite(10)
		site.lastMod = now.Add(-30 * 24 * time.Hour)
		s, env := inMemory(site, "/", ModeCrawl)
		c := open(t, s, env)
		sink := &connectortest.Sink{}
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now }}
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		site.change("/n/9", "Page 9", `<p>Edited.</p>`)
		sink.Reset()
		now = now.Add(time.Hour)
		if _, err := r.Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		if got, want := sink.IDs(), []string{"http://site.test/n/9"}; !slices.Equal(got, want) {
			t.Errorf("delivered %q, want %q", got, want)
		}
	})
}

// valuelessStore is a Store that keeps no Values, as a host's own Store
// or an older database might.
type valuelessStore struct{ tributary.Store }

// TestMemosMadeAfterAnUpgrade runs a crawl over a Store that keeps no
// values, then over one that does: the pages, whose Last-Modified lies
// before the window, are yielded once more to leave their memos (the
// runner drops them as repeats), and the next run gets 304 for each.
func TestMemosMadeAfterAnUpgrade(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		site := newValidatedSite(20)
		site.lastMod = now.Add(-30 * 24 * time.Hour)
		s, env := inMemory(site, "/", ModeCrawl)
		s.MaxDepth = 100
		c := open(t, s, env)
		store := &tributary.MemoryStore{}
		sink := &connectortest.Sink{}
		old := &tributary.Runner{Store: valuelessStore{store}, Sink: sink, Now: func() time.Time { return now }}
		if _, err := old.Run(context.Background(), c, tributary.RunOptions{}); err != nil {
			t.Fatal(err)
		}
		r := &tributary.Runner{Store: store, Sink: sink, Now: func() time.Time { return now }}
		for run := range 2 {
			site.notModified = 0
			now = now.Add(time.Hour)
			res, err := r.Run(context.Background(), c, tributary.RunOptions{})
			if err != nil || res.Documents != 0 {
				t.Errorf("run %d: %d documents, error %v", run, res.Documents, err)
			}
		}
		if pages := len(sink.IDs()); site.notModified != pages {
			t.Errorf("%d answers 304 of %d pages", site.notModified, pages)
		}
	})
}
