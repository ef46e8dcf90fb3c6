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

// checkpointEvery is the most committed URLs between two checkpoints.
const checkpointEvery = 16

// checkpointInterval is how many URLs to commit between checkpoints: every
// one while the crawl is small, then fewer as a checkpoint's cost (which
// grows with the URLs admitted) rises, so that encoding them costs each
// page a bounded amount.
func (r *run) checkpointInterval() int {
	return min(checkpointEvery, 1+r.admitted/64)
}

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
	slots       *slots           // nil outside loop: Validate and robots.txt
	values      tributary.Values // the host's memory of earlier runs; nil: none

	queue    []entry
	seen     map[uint64]struct{}
	admitted int
	limitHit bool
}

func (c *Connector) newRun(start, end time.Time, slim, checkpoints bool) *run {
	return &run{c: c, site: c.site, start: start, end: end, slim: slim, checkpoints: checkpoints,
		seen: make(map[uint64]struct{})}
}

// The look-ahead bounds how far past the oldest URL not yet committed the
// workers may fetch, so that a page waiting on a retry or a slow answer
// holds up only its own commit, not the other workers: at most
// lookAheadPages URLs from the oldest, and no new fetch starts while the
// results waiting for their turn weigh lookAheadBytes or more (see
// result.weight). The fetches already under way when the bytes run out,
// at most one per worker (4×Concurrency), still complete; a page heavier
// than the whole bound is therefore fetched, and committed, on its own.
const (
	lookAheadPages = 1024
	lookAheadBytes = 16 << 20
)

// lookAhead is the bound a connector's runs keep; tests narrow it.
type lookAhead struct {
	pages int
	bytes int64
}

// job and result carry one frontier entry to a worker and back.
type job struct {
	seq int
	e   entry
}

// window is the part of the frontier being fetched: the results received
// and not yet committed, by sequence number, and their total weight.
// queue[0] of the run has sequence number base; next is the next to
// dispatch.
type window struct {
	base, next int
	pending    map[int]result
	weight     int64
	noted      int // 1 + the base whose stall was logged
}

// loop fetches the frontier with a bounded pool of workers and commits the
// results in order. Every worker has returned when loop returns.
func (r *run) loop(parent context.Context, yield func(tributary.Item, error) bool) {
	if err := r.prepare(parent); err != nil {
		yield(tributary.Item{}, err)
		return
	}
	r.slots = newSlots(r.c.s.Concurrency)
	jobs, results, stop := r.startWorkers(parent)
	defer stop()
	w := &window{pending: make(map[int]result)}
	commits := 0
	for {
		if err := parent.Err(); err != nil {
			yield(tributary.Item{}, fmt.Errorf("web: crawl %s: %w", r.site, err))
			return
		}
		if len(r.queue) == 0 {
			break
		}
		r.dispatch(w, jobs)
		res, ok := w.pending[w.base]
		if !ok {
			r.await(parent, w, jobs, results)
			continue
		}
		delete(w.pending, w.base)
		w.weight -= res.weight()
		e := r.queue[0]
		r.queue[0] = entry{}
		r.queue = r.queue[1:]
		w.base++
		if !r.commit(e, res, yield) {
			return
		}
		if commits++; r.checkpoints && (commits >= r.checkpointInterval() || len(r.queue) == 0) {
			commits = 0
			if cp, ok := r.checkpoint(); ok && !yield(tributary.CheckpointItem(cp), nil) {
				return
			}
		}
	}
	if r.limitHit {
		r.c.log.Warn("web: page limit reached; further links were not followed", "max_pages", r.c.s.MaxPages)
	}
}

// workers is how many pages a run has in hand at once: Concurrency being
// fetched or parsed (each holding a slot), and up to three times as many
// waiting between two attempts of a request, holding no body.
func (r *run) workers() int { return 4 * r.c.s.Concurrency }

// ready reports whether the next frontier entry may be dispatched: there
// is one, the look-ahead allows it, and a worker is free (every job out
// has a worker, and every worker room for its result in the channel).
func (r *run) ready(w *window) bool {
	out := w.next - w.base - len(w.pending)
	return w.next < w.base+len(r.queue) && w.next-w.base < r.c.ahead.pages &&
		w.weight < r.c.ahead.bytes && out < r.workers()
}

// full reports whether the look-ahead's bounds, rather than the frontier
// or busy workers, keep the next frontier entry from being dispatched.
func (r *run) full(w *window) bool {
	return w.next < w.base+len(r.queue) && (w.next-w.base >= r.c.ahead.pages || w.weight >= r.c.ahead.bytes)
}

// dispatch hands the workers as many jobs as the look-ahead allows and
// free workers take at once.
func (r *run) dispatch(w *window, jobs chan<- job) {
	for r.ready(w) {
		select {
		case jobs <- job{seq: w.next, e: r.queue[w.next-w.base]}:
			w.next++
		default:
			return
		}
	}
}

// await waits for a result, dispatching meanwhile whenever a worker is
// free and the look-ahead allows, or for the end of the run.
func (r *run) await(ctx context.Context, w *window, jobs chan<- job, results <-chan result) {
	var send chan<- job
	var j job
	if r.ready(w) {
		send, j = jobs, job{seq: w.next, e: r.queue[w.next-w.base]}
	} else if r.full(w) && w.noted != w.base+1 {
		w.noted = w.base + 1
		r.c.log.Debug("web: look-ahead full; waiting for the oldest page", "url", r.queue[0].u.Redacted(),
			"pages_ahead", w.next-w.base, "bytes_waiting", w.weight)
	}
	select {
	case send <- j:
		w.next++
	case res := <-results:
		w.pending[res.seq] = res
		w.weight += res.weight()
	case <-ctx.Done():
	}
}

// startWorkers starts the fetching workers. A worker takes a job as soon
// as it is free (the workers beyond Concurrency wait for a slot holding
// theirs, so the wire never waits for the loop); the results channel holds
// a result of every worker, so none ever blocks on it. stop cancels the
// workers' requests and waits until every worker has returned.
func (r *run) startWorkers(parent context.Context) (chan<- job, <-chan result, func()) {
	ctx, cancel := context.WithCancel(parent)
	n := r.workers()
	jobs := make(chan job)
	results := make(chan result, n)
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			for j := range jobs {
				res := r.fetch(ctx, j.seq, j.e)
				res.seq = j.seq
				results <- res
			}
		})
	}
	return jobs, results, func() {
		cancel()
		close(jobs)
		wg.Wait()
	}
}

// prepare reads robots.txt and, on a fresh start, seeds the frontier.
func (r *run) prepare(ctx context.Context) error {
	if len(r.queue) == 0 && r.admitted > 0 {
		return nil // resumed from the checkpoint at the end of a crawl
	}
	sitemaps, err := r.readRobots(ctx)
	if err != nil {
		return err
	}
	if len(r.queue) > 0 || r.admitted > 0 {
		return nil // resumed: the frontier is the checkpoint's
	}
	if r.c.s.Mode != ModeSitemap && !r.allowed(r.c.start) {
		return tributary.NewError("web: crawl", tributary.ErrInvalidConfig, fmt.Errorf(
			"robots.txt of %s disallows the start URL for user agent %q (ignore_robots is for sites you own)",
			r.site, r.c.s.UserAgent))
	}
	r.seed(sitemaps)
	return nil
}

// readRobots reads robots.txt, unless the settings ignore it, into the
// run's rules and the politeness limiter, and returns the sitemaps it
// names.
func (r *run) readRobots(ctx context.Context) ([]string, error) {
	if r.c.s.IgnoreRobots {
		return nil, nil
	}
	data, err := r.fetchRobots(ctx)
	if err != nil {
		return nil, err
	}
	r.robots = data.FindGroup(r.c.s.UserAgent)
	r.c.applyCrawlDelay(r.robots.CrawlDelay)
	return data.Sitemaps, nil
}

// seed puts the start URL (or, in sitemap mode at a site root, the sitemaps
// robots.txt names, else /sitemap.xml) in the frontier.
func (r *run) seed(robotsSitemaps []string) {
	switch {
	case r.c.s.Mode != ModeSitemap:
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
// reached. The patterns apply to every page, the asset filter to links
// found in pages (fromLink).
func (r *run) admit(raw *url.URL, depth int, sitemap bool, lastmod time.Time, fromLink bool) {
	if !r.site.contains(raw) {
		return
	}
	u := fetchURL(raw)
	k := key(u)
	if _, dup := r.seen[fingerprint(k)]; dup {
		return
	}
	if fromLink && looksLikeAsset(u) || !sitemap && !r.c.filter.admits(u) {
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
