package web

import (
	"context"
	"errors"
	"slices"
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
			return &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, BatchDocs: 5,
				Now: func() time.Time { return now }}
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
