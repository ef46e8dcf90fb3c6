package web

import (
	"context"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/temoto/robotstxt"

	"github.com/tributary-dev/tributary"
)

// checkpointEvery is how many committed URLs pass between checkpoints.
const checkpointEvery = 16

// entry is one URL in the frontier.
type entry struct {
	u       *url.URL // fetch form
	key     string   // normalised form: the document id
	depth   int
	sitemap bool      // a sitemap to expand rather than a page
	lastmod time.Time // from the sitemap, when listed there
}

// run is the state of one crawl: the frontier, in the order URLs were
// admitted, and the fingerprints of every URL admitted so far.
//
// URLs are fetched concurrently but committed (their links admitted, their
// documents yielded) strictly in admission order, so a crawl of an
// unchanged site always admits, yields and checkpoints the same URLs in the
// same order, whatever the timing of the responses.
type run struct {
	c           *Connector
	site        site
	start, end  time.Time
	slim        bool
	checkpoints bool
	robots      *robotstxt.Group // nil: everything allowed

	queue    []entry
	seen     map[uint64]struct{}
	admitted int
	limitHit bool
}

func (c *Connector) newRun(start, end time.Time, slim, checkpoints bool) *run {
	return &run{c: c, site: c.site, start: start, end: end, slim: slim, checkpoints: checkpoints,
		seen: make(map[uint64]struct{})}
}

// job and result carry one frontier entry to a worker and back.
type job struct {
	seq int
	e   entry
}

// loop fetches the frontier with a bounded pool of workers and commits the
// results in order. Every worker has returned when loop returns.
func (r *run) loop(parent context.Context, yield func(tributary.Item, error) bool) {
	if err := r.prepare(parent); err != nil {
		yield(tributary.Item{}, err)
		return
	}
	ctx, cancel := context.WithCancel(parent)
	window := 2 * r.c.s.Concurrency
	jobs := make(chan job, window)
	results := make(chan result, window)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		close(jobs)
		wg.Wait()
	}()
	for range r.c.s.Concurrency {
		wg.Go(func() {
			for j := range jobs {
				res := r.fetch(ctx, j.e)
				res.seq = j.seq
				results <- res // never blocks: at most window jobs are in flight
			}
		})
	}
	pending := make(map[int]result)
	base, next, commits := 0, 0, 0 // seq of queue[0], next seq to dispatch
	for len(r.queue) > 0 {
		for ; next < base+len(r.queue) && next-base < window; next++ {
			jobs <- job{seq: next, e: r.queue[next-base]}
		}
		res, ok := pending[base]
		if !ok {
			select {
			case res = <-results:
				pending[res.seq] = res
			case <-parent.Done():
			}
			if err := parent.Err(); err != nil {
				yield(tributary.Item{}, fmt.Errorf("web: crawl %s: %w", r.site, err))
				return
			}
			continue
		}
		delete(pending, base)
		e := r.queue[0]
		r.queue[0] = entry{}
		r.queue = r.queue[1:]
		base++
		if !r.commit(e, res, yield) {
			return
		}
		if commits++; r.checkpoints && commits%checkpointEvery == 0 && len(r.queue) > 0 {
			if cp, ok := r.checkpoint(); ok && !yield(tributary.CheckpointItem(cp), nil) {
				return
			}
		}
	}
	if r.limitHit {
		r.c.log.Warn("web: page limit reached; further links were not followed", "max_pages", r.c.s.MaxPages)
	}
}

// prepare reads robots.txt and, on a fresh start, seeds the frontier.
func (r *run) prepare(ctx context.Context) error {
	if !r.c.s.IgnoreRobots {
		data, err := r.fetchRobots(ctx)
		if err != nil {
			return err
		}
		r.robots = data.FindGroup(r.c.s.UserAgent)
		r.c.applyCrawlDelay(r.robots.CrawlDelay)
		if len(r.queue) == 0 && r.admitted == 0 {
			r.seed(data.Sitemaps)
		}
		return nil
	}
	if len(r.queue) == 0 && r.admitted == 0 {
		r.seed(nil)
	}
	return nil
}

// seed puts the start URL (or, in sitemap mode at a site root, the sitemaps
// robots.txt names, else /sitemap.xml) in the frontier.
func (r *run) seed(robotsSitemaps []string) {
	switch {
	case r.c.s.Mode != ModeSitemap:
		if !r.allowed(r.c.start) {
			r.c.log.Warn("web: robots.txt disallows the start URL", "url", r.c.start.Redacted())
			return
		}
		r.push(entry{u: r.c.start, key: key(r.c.start)})
	case r.c.start.Path != "/" || r.c.start.RawQuery != "":
		r.push(entry{u: r.c.start, key: key(r.c.start), sitemap: true})
	default:
		for _, s := range robotsSitemaps {
			if u, err := url.Parse(s); err == nil && r.site.contains(u) {
				r.admit(u, 0, true, time.Time{}, false)
			}
		}
		if len(r.queue) == 0 {
			u := r.c.start.ResolveReference(&url.URL{Path: "/sitemap.xml"})
			r.push(entry{u: u, key: key(u), sitemap: true})
		}
	}
}

// push appends e to the frontier, admitted.
func (r *run) push(e entry) {
	r.seen[fingerprint(e.key)] = struct{}{}
	r.admitted++
	r.queue = append(r.queue, e)
}

// admit adds a URL to the frontier unless it was admitted before, is off
// the site, is filtered out, is disallowed by robots.txt, lies outside the
// window by its sitemap lastmod (a page, not a sitemap: a sitemap's lastmod
// says nothing of the pages it lists without one), or the page limit is
// reached. fromLink
// marks a link found in a page, to which the patterns and the asset filter
// apply.
func (r *run) admit(raw *url.URL, depth int, sitemap bool, lastmod time.Time, fromLink bool) {
	if !r.site.contains(raw) {
		return
	}
	u := fetchURL(raw)
	k := key(u)
	if _, dup := r.seen[fingerprint(k)]; dup {
		return
	}
	if fromLink && (looksLikeAsset(u) || !r.c.filter.admits(u)) {
		return
	}
	if !sitemap && !r.allowed(u) {
		r.c.log.Debug("web: robots.txt disallows", "url", u.Redacted())
		return
	}
	if !sitemap && !lastmod.IsZero() && !r.inWindow(lastmod) {
		return
	}
	if r.admitted >= r.c.s.MaxPages {
		r.limitHit = true
		return
	}
	r.push(entry{u: u, key: k, depth: depth, sitemap: sitemap, lastmod: lastmod})
}

// allowed reports whether robots.txt lets the connector fetch u.
func (r *run) allowed(u *url.URL) bool {
	if r.robots == nil {
		return true
	}
	return r.robots.Test(pathOf(u))
}

// inWindow reports whether t is in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}
