package web

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches pages again by id, one request each (and a redirect's
// hops), the way a crawl fetches them: robots.txt (read once per call),
// the address guard, max_page_bytes and in-site redirects apply, and the
// page is read into the document a crawl would give it. Conditional
// requests are not made: the page comes in full.
//
// An id is a page of this connector when it is in the site, in the form
// the crawl gives ids, and passes include and exclude (the start URL
// always does); any other id is a Failure matching ErrForeignURL. In
// single mode every id of the site is answered from the start URL.
//
// A page that now redirects, refreshes or names a canonical URL to
// another page of the site comes back under the id the crawl would give
// it, followed by a deletion of the id asked, so that the index holds the
// page once under its current id. A page a crawl would not yield (410
// Gone, a redirect off the site or into a path robots.txt disallows, a
// noindex page, a path robots.txt now disallows) is a deletion. Any other
// failure is a Failure under the id, as in a crawl: a 404 too, which a
// crawl reports as a failure rather than a removal.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		const op = "web: refetch"
		r := c.newRun(time.Time{}, time.Time{}, false, false)
		sitemaps, robotsErr := r.readRobots(ctx)
		if robotsErr != nil && (ctx.Err() != nil || errors.Is(robotsErr, tributary.ErrInvalidConfig)) {
			yield(tributary.Item{}, fmt.Errorf("%s: %w", op, robotsErr))
			return
		}
		var listing *listing
		if c.s.Mode == ModeSitemap && robotsErr == nil {
			var err error
			if listing, err = r.list(ctx, sitemaps, ids); err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
		}
		delivered := make(map[string]bool)
		for _, id := range ids {
			if delivered[id] {
				continue // yielded already, as the page another id moved to
			}
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
			e, err := r.refetchEntry(id)
			if err == nil && robotsErr != nil {
				err = robotsErr // no page is fetched without robots.txt
			}
			if err != nil {
				if !yield(tributary.FailureItem(tributary.DocumentFailure(id, "", err)), nil) {
					return
				}
				continue
			}
			if listing != nil {
				lastmod, listed := listing.pages[id]
				switch {
				case !listed && listing.err == nil:
					if !yield(tributary.DeletionItem(id), nil) {
						return
					}
					continue
				case !listed:
					f := tributary.DocumentFailure(id, "", listing.err)
					f.Message = "not in the sitemaps read, and a sitemap could not be read"
					if !yield(tributary.FailureItem(f), nil) {
						return
					}
					continue
				}
				e.lastmod = lastmod
			}
			items, err := r.refetchPage(ctx, id, e)
			if err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
			for _, it := range items {
				if it.Document != nil {
					delivered[it.Document.ID] = true
				}
				if !yield(it, nil) {
					return
				}
			}
		}
	}
}

// refetchEntry maps an id to the frontier entry that fetches it, or to
// the ErrForeignURL error of an id that is not one of the connector's.
func (r *run) refetchEntry(id string) (entry, error) {
	u, err := url.Parse(id)
	switch {
	case err != nil || !u.IsAbs() || u.Host == "":
		return entry{}, foreign(id, "not a web page id")
	case !r.site.contains(u):
		return entry{}, foreign(id, "not on "+r.site.String())
	case key(u) != id:
		return entry{}, foreign(id, "not in the form of the connector's page ids")
	}
	start := key(r.c.start)
	switch {
	case r.c.s.Mode == ModeSingle || (r.c.s.Mode == ModeCrawl && id == start):
		return entry{u: r.c.start, key: start}, nil
	case !r.c.filter.admits(u):
		return entry{}, foreign(id, "outside the include and exclude patterns")
	}
	return entry{u: fetchURL(u), key: id}, nil
}

// refetchPage fetches the page of id as a crawl would and returns its
// answer: the document, followed by a deletion of id when the page is now
// under another id; a deletion; or a Failure under id. An error ends the
// call: the site's address is refused or ctx ended.
func (r *run) refetchPage(ctx context.Context, id string, e entry) ([]tributary.Item, error) {
	for hop := 0; ; hop++ {
		res := r.fetchFolder(ctx, e)
		switch {
		case errors.Is(res.err, httpx.ErrForbiddenAddress):
			return nil, fmt.Errorf("%s: %w", r.site, res.err)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case hasStatus(res.err, http.StatusGone):
			return []tributary.Item{tributary.DeletionItem(id)}, nil
		case res.err != nil:
			f := tributary.DocumentFailure(id, e.u.String(), res.err)
			f.Message = "fetch " + e.u.Redacted()
			return []tributary.Item{tributary.FailureItem(f)}, nil
		case res.skip != "":
			r.c.log.Debug("web: fetched again and gone", "url", e.u.Redacted(), "reason", res.skip)
			return []tributary.Item{tributary.DeletionItem(id)}, nil
		}
		if p := res.page; p != nil && p.refresh != nil && r.site.contains(p.refresh) && key(p.refresh) != key(res.final) {
			next := fetchURL(p.refresh)
			if hop >= maxRedirects || !r.c.filter.admits(next) || !r.allowed(next) {
				return []tributary.Item{tributary.DeletionItem(id)}, nil
			}
			e = entry{u: next, key: key(next)}
			continue
		}
		clear(r.seen)
		r.seen[fingerprint(e.key)] = struct{}{}
		got, ok := r.identify(e, res)
		if !ok {
			return []tributary.Item{tributary.DeletionItem(id)}, nil
		}
		items := []tributary.Item{tributary.DocumentItem(r.document(got, res.updated(e), res))}
		if got != id {
			items = append(items, tributary.DeletionItem(id))
		}
		return items, nil
	}
}

// fetchFolder fetches e, and when that is a 404 of a path without a
// trailing slash, the folder of that name: an id drops the slash that the
// crawl may have found the page under.
func (r *run) fetchFolder(ctx context.Context, e entry) result {
	res := r.fetch(ctx, 0, e)
	if !hasStatus(res.err, http.StatusNotFound) || strings.HasSuffix(e.u.Path, "/") {
		return res
	}
	dir := *e.u
	dir.Path, dir.RawPath = e.u.Path+"/", ""
	if e.u.RawPath != "" {
		dir.RawPath = e.u.RawPath + "/"
	}
	if folder := r.fetch(ctx, 0, entry{u: &dir, key: e.key}); !hasStatus(folder.err, http.StatusNotFound) {
		return folder
	}
	return res
}

// hasStatus reports whether err is an HTTP answer of the status code.
func hasStatus(err error, code int) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == code
}

// foreign returns the ErrForeignURL error of an id that is not one of the
// connector's.
func foreign(id, why string) error {
	return tributary.NewError("web: refetch", tributary.ErrForeignURL, fmt.Errorf("%s: %s", id, why))
}

// listing is what the sitemaps say of the pages asked: the lastmod (zero
// when none is given) of each one they list, and the error of a sitemap
// that could not be read, when one could not.
type listing struct {
	pages map[string]time.Time
	err   error
}

// list reads the sitemaps a sitemap-mode crawl reads, in the same order
// and within the same max_pages, and keeps the entries of the pages ids
// name: a crawl gives a page the lastmod of the first entry listing it.
// It returns an error when the site's address is refused or ctx ends.
func (r *run) list(ctx context.Context, robotsSitemaps []string, ids []string) (*listing, error) {
	want := make(map[string]bool, len(ids))
	for _, id := range ids {
		want[id] = true
	}
	l := &listing{pages: make(map[string]time.Time)}
	r.seed(robotsSitemaps)
	for len(r.queue) > 0 {
		e := r.queue[0]
		r.queue = r.queue[1:]
		res := r.fetch(ctx, 0, e)
		switch {
		case errors.Is(res.err, httpx.ErrForbiddenAddress):
			return nil, fmt.Errorf("%s: %w", r.site, res.err)
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case res.err != nil:
			l.err = fmt.Errorf("sitemap %s: %w", e.u.Redacted(), res.err)
			continue
		}
		for _, se := range res.sitemap {
			u, err := res.final.Parse(se.loc)
			switch {
			case err != nil || !r.site.contains(u):
			case se.index:
				r.admit(u, 0, true, se.lastmod, false)
			default:
				r.listed(l, want, fetchURL(u), se.lastmod)
			}
		}
	}
	return l, nil
}

// listed counts a page entry of a sitemap as admit would, keeping its
// lastmod when it is a page asked for.
func (r *run) listed(l *listing, want map[string]bool, u *url.URL, lastmod time.Time) {
	k := key(u)
	fp := fingerprint(k)
	if _, dup := r.seen[fp]; dup || !r.c.filter.admits(u) || !r.allowed(u) || r.admitted >= r.c.s.MaxPages {
		return
	}
	r.seen[fp] = struct{}{}
	r.admitted++
	if want[k] {
		l.pages[k] = lastmod
	}
}
