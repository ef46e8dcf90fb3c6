package web

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/synctest"
	"time"

	"github.com/tributary-dev/tributary"
)

// wideSite serves a home page linking to n pages, /p/0 to /p/n-1, each
// holding text. A request for /p/0 is held until release is closed, as a
// page waiting on a retry or a slow server is.
func wideSite(n int, text string, release <-chan struct{}) *testSite {
	s := newTestSite()
	var home strings.Builder
	for i := range n {
		fmt.Fprintf(&home, `<a href="/p/%d">%d</a> `, i, i)
	}
	s.page("/", "Home", home.String())
	body := wideBody(text)
	for i := range n {
		s.page(fmt.Sprintf("/p/%d", i), fmt.Sprintf("Page %d", i), body)
	}
	page0 := s.routes["/p/0"]
	s.handle("/p/0", func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-release:
			page0(w, r)
		case <-r.Context().Done():
		}
	})
	return s
}

func wideBody(text string) string { return "<p>" + text + "</p>" }

// wideOrder is the order a crawl of wideSite commits its documents in.
func wideOrder(n int) []string {
	out := []string{"http://site.test/"}
	for i := range n {
		out = append(out, fmt.Sprintf("http://site.test/p/%d", i))
	}
	return out
}

// background runs a crawl in its own goroutine, recording the documents
// it yields as they come.
type background struct {
	mu    sync.Mutex
	order []string
	err   error
	done  chan struct{}
}

func crawlInBackground(c *Connector) *background {
	b := &background{done: make(chan struct{})}
	go func() {
		defer close(b.done)
		for d, err := range c.Load(context.Background()) {
			b.mu.Lock()
			if err != nil {
				b.err = errors.Join(b.err, err)
			} else {
				b.order = append(b.order, d.ID)
			}
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *background) committed() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return slices.Clone(b.order)
}

// fetched lists the pages of wideSite after /p/0 that were requested.
func fetched(s *testSite, n int) []int {
	var out []int
	for i := 1; i < n; i++ {
		if s.hitsOf(fmt.Sprintf("/p/%d", i)) > 0 {
			out = append(out, i)
		}
	}
	return out
}

// TestLookAheadPastAHeldPage holds the first page after the home page
// and shows that the workers go on fetching the pages after it, exactly up
// to the look-ahead's count, while nothing past the held page is committed;
// once it answers, every page is committed in order.
func TestLookAheadPastAHeldPage(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = lookAheadPages + 100
		release := make(chan struct{})
		site := wideSite(n, "Short text.", release)
		s, env := inMemory(site, "/", ModeCrawl)
		s.MaxPages = n + 1
		c := unlimited(t, s, env)
		b := crawlInBackground(c)
		synctest.Wait()
		// /p/0 is the oldest uncommitted URL; the look-ahead counts it.
		got := fetched(site, n)
		if len(got) != lookAheadPages-1 || got[len(got)-1] != lookAheadPages-1 {
			t.Errorf("while /p/0 was held, fetched %d pages after it (last %d), want /p/1 to /p/%d",
				len(got), got[len(got)-1], lookAheadPages-1)
		}
		if done := b.committed(); !slices.Equal(done, wideOrder(n)[:1]) {
			t.Errorf("committed past the held page: %v", done)
		}
		close(release)
		<-b.done
		if b.err != nil || !slices.Equal(b.order, wideOrder(n)) {
			t.Errorf("after the release: %d documents, err %v; want all %d in order", len(b.order), b.err, n+1)
		}
	})
}

// TestLookAheadByteBound narrows the look-ahead's bytes and shows that the
// workers stop fetching past a held page once the results waiting for
// their turn weigh that much, give or take the fetches under way.
func TestLookAheadByteBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 200
		text := strings.Repeat("Eight KiB of text waits for its turn. ", 8<<10/38)
		release := make(chan struct{})
		site := wideSite(n, text, release)
		s, env := inMemory(site, "/", ModeCrawl)
		s.MaxPages, s.Concurrency = n+1, 2
		var logs syncBuffer
		env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		c := unlimited(t, s, env)
		c.ahead.bytes = 64 << 10
		b := crawlInBackground(c)
		synctest.Wait()
		if got := strings.Count(logs.String(), "look-ahead full"); got != 1 || !strings.Contains(logs.String(), "url=http://site.test/p/0") {
			t.Errorf("the stall was logged %d times, want once naming /p/0:\n%s", got, logs.String())
		}
		weight := pageWeight(t, "Page 1", text)
		least := int((c.ahead.bytes + weight - 1) / weight) // results it takes to reach the bound
		most := least + 4*s.Concurrency                     // and one per worker under way then
		if got := len(fetched(site, n)); got < least || got > most {
			t.Errorf("while /p/0 was held, fetched %d pages after it, want %d to %d (results of %d bytes, bound %d)",
				got, least, most, weight, c.ahead.bytes)
		}
		close(release)
		<-b.done
		if b.err != nil || !slices.Equal(b.order, wideOrder(n)) {
			t.Errorf("after the release: %d documents, err %v; want all %d in order", len(b.order), b.err, n+1)
		}
	})
}

// syncBuffer is a bytes.Buffer safe for concurrent writers.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// pageWeight is the weight of the result of a wideSite page.
func pageWeight(t *testing.T, title, text string) int64 {
	t.Helper()
	u, _ := url.Parse("http://site.test/p/1")
	html := fmt.Sprintf("<!doctype html><html><head><title>%s</title></head><body>%s</body></html>", title, wideBody(text))
	p, err := parsePage([]byte(html), "", u, true)
	if err != nil {
		t.Fatal(err)
	}
	return (&result{page: p}).weight()
}

// TestPageHeavierThanTheByteBound shows that pages each heavier than the
// whole byte bound are fetched and committed, one at a time, whole.
func TestPageHeavierThanTheByteBound(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 6
		words := strings.Repeat("A page heavier than the look-ahead. ", 1000)
		release := make(chan struct{})
		close(release)
		s, env := inMemory(wideSite(n, words, release), "/", ModeCrawl)
		c := unlimited(t, s, env)
		c.ahead.bytes = 4 << 10
		if w := pageWeight(t, "Page 1", words); w <= 2*c.ahead.bytes {
			t.Fatalf("a page weighs %d bytes, not more than the bound of %d", w, c.ahead.bytes)
		}
		got := collect(t, stream(c, nil))
		if got.err != nil || !slices.Equal(got.order, wideOrder(n)) {
			t.Fatalf("documents %v, err %v; want %v", got.order, got.err, wideOrder(n))
		}
		for _, id := range got.order[1:] {
			if body := text(got.docs[id]); !strings.Contains(body, strings.TrimSpace(words)) {
				t.Errorf("%s lost text: %d bytes", id, len(body))
			}
		}
	})
}

// TestRetryLendsItsSlot crawls with concurrency 1 a site whose pages each
// take a second to answer, where /p/1 first answers 429 with Retry-After:
// 20. While /p/1 waits, its slot fetches the other pages: the crawl takes
// 1 second for the home page, 1 to 3 for the pages up to /p/1's first
// answer (the first of the workers holding /p/0 to /p/3 to find the slot
// free takes it; after that slots go in the order pages were found), 20 of
// waiting and 1 for the retry: 23 to 25 seconds, where holding the slot
// through the wait would take 13+20. The site never sees two requests at
// once.
func TestRetryLendsItsSlot(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 10
		release := make(chan struct{})
		close(release)
		site := wideSite(n+1, "Text.", release)
		var mu sync.Mutex
		var limited atomic.Bool
		busy, most := 0, 0
		slow := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.URL.Path == "/robots.txt" {
				http.NotFound(w, r)
				return
			}
			mu.Lock()
			busy++
			most = max(most, busy)
			mu.Unlock()
			time.Sleep(time.Second)
			mu.Lock()
			busy--
			mu.Unlock()
			if r.URL.Path == "/p/1" && limited.CompareAndSwap(false, true) {
				w.Header().Set("Retry-After", "20")
				w.WriteHeader(http.StatusTooManyRequests)
				return
			}
			site.ServeHTTP(w, r)
		})
		s, env := inMemory(slow, "/", ModeCrawl)
		s.Concurrency = 1
		c := unlimited(t, s, env)
		begin := time.Now()
		got := collect(t, stream(c, nil))
		if elapsed := time.Since(begin); elapsed < 23*time.Second || elapsed > 25*time.Second || len(got.docs) != n+2 || got.err != nil {
			t.Errorf("%d documents (err %v) in %v, want %d in 23 to 25s", len(got.docs), got.err, elapsed, n+2)
		}
		if most != 1 {
			t.Errorf("%d requests at once with concurrency 1", most)
		}
		if !slices.Equal(got.order, wideOrder(n+1)) {
			t.Errorf("order %v", got.order)
		}
	})
}

// TestRetryAfterBeyondTheTimeout shows that a page whose server asks for a
// wait longer than the timeout fails at once as rate limited, rather than
// waiting for the timeout to fail it as a page that did not answer.
func TestRetryAfterBeyondTheTimeout(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		site := newTestSite()
		site.page("/", "Home", `<a href="/busy">busy</a>`)
		site.handle("/busy", func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Retry-After", "120")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		s, env := inMemory(site, "/", ModeCrawl)
		s.Timeout = tributary.Duration(30 * time.Second)
		begin := time.Now()
		got := collect(t, stream(unlimited(t, s, env), nil))
		f := got.failures["http://site.test/busy"]
		if f == nil || !errors.Is(f, tributary.ErrRateLimited) || len(got.docs) != 1 {
			t.Errorf("documents %v, failure %v; want the home page and a rate-limited failure", keys(got.docs), f)
		}
		if elapsed := time.Since(begin); elapsed != 0 {
			t.Errorf("took %v, want no wait", elapsed)
		}
	})
}

// TestCommitOrderIndependentOfTiming crawls a site once with instant
// answers and once with answers slowed by up to three seconds, some pages
// failing once with a 503 first: the documents and every checkpoint are
// the same, in the same order.
func TestCommitOrderIndependentOfTiming(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 80
		run := func(h http.Handler) collected {
			s, env := inMemory(h, "/", ModeCrawl)
			s.Concurrency = 3
			return collect(t, stream(unlimited(t, s, env), nil))
		}
		calm := run(treeSite(n))
		site := treeSite(n)
		var mu sync.Mutex
		failed := map[string]bool{}
		rough := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var i int
			fmt.Sscanf(r.URL.Path, "/n/%d", &i)
			time.Sleep(time.Duration(i*7919%4) * time.Second)
			mu.Lock()
			first := i%5 == 2 && !failed[r.URL.Path]
			failed[r.URL.Path] = true
			mu.Unlock()
			if first {
				w.WriteHeader(http.StatusServiceUnavailable)
				return
			}
			site.ServeHTTP(w, r)
		})
		got := run(rough)
		if calm.err != nil || got.err != nil || len(calm.order) < n/2 || !slices.Equal(calm.order, got.order) {
			t.Fatalf("documents:\ncalm  %v (err %v)\nrough %v (err %v)", calm.order, calm.err, got.order, got.err)
		}
		if !slices.EqualFunc(calm.checkpoints, got.checkpoints, slices.Equal) {
			t.Errorf("checkpoints differ: %d calm, %d rough", len(calm.checkpoints), len(got.checkpoints))
		}
		if !slices.Equal(keys(calm.failures), keys(got.failures)) {
			t.Errorf("failures: calm %v, rough %v", keys(calm.failures), keys(got.failures))
		}
	})
}

// TestSlotsGoInOrder shows that a freed slot goes to the waiting page
// found first, and that a page that stops waiting leaves the line.
func TestSlotsGoInOrder(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		s := newSlots(1)
		if err := s.acquire(t.Context(), 0); err != nil {
			t.Fatal(err)
		}
		var mu sync.Mutex
		var order []int
		gone, cancel := context.WithCancel(t.Context())
		for _, seq := range []int{7, 3, 5, 4} {
			ctx := t.Context()
			if seq == 5 {
				ctx = gone
			}
			go func() {
				if err := s.acquire(ctx, seq); err != nil {
					return
				}
				mu.Lock()
				order = append(order, seq)
				mu.Unlock()
				s.release()
			}()
			synctest.Wait()
		}
		cancel()
		synctest.Wait()
		s.release()
		synctest.Wait()
		if !slices.Equal(order, []int{3, 4, 7}) || s.free != 1 || len(s.waiting) != 0 {
			t.Errorf("slots went to %v, %d free, %d waiting; want [3 4 7], 1 free", order, s.free, len(s.waiting))
		}
	})
}

// TestCancelWhilePagesWait cancels a crawl five seconds in, while its
// oldest page is held and the pages after it wait on a Retry-After of 20
// seconds: the crawl ends then with the cancellation, and every worker has
// returned (synctest fails the test otherwise).
func TestCancelWhilePagesWait(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		const n = 40
		site := wideSite(n, "Text.", make(chan struct{}))
		var limited atomic.Int64
		busy := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !strings.HasPrefix(r.URL.Path, "/p/") || r.URL.Path == "/p/0" {
				site.ServeHTTP(w, r)
				return
			}
			limited.Add(1)
			w.Header().Set("Retry-After", "20")
			w.WriteHeader(http.StatusTooManyRequests)
		})
		s, env := inMemory(busy, "/", ModeCrawl)
		s.Concurrency = 2
		c := unlimited(t, s, env)
		ctx, cancel := context.WithCancel(t.Context())
		defer cancel()
		time.AfterFunc(5*time.Second, cancel)
		var last error
		docs := 0
		begin := time.Now()
		for d, err := range c.Load(ctx) {
			if d != nil {
				docs++
			}
			if _, ok := tributary.AsFailure(err); err != nil && !ok {
				last = err
			}
		}
		if docs != 1 || !errors.Is(last, context.Canceled) || time.Since(begin) != 5*time.Second {
			t.Errorf("%d documents, last error %v after %v; want the home page, then the cancellation at 5s",
				docs, last, time.Since(begin))
		}
		// Every worker but the one holding /p/0 reached a page that waits.
		if got := limited.Load(); got != int64(4*s.Concurrency-1) {
			t.Errorf("%d pages answered 429, want %d", got, 4*s.Concurrency-1)
		}
	})
}
