package web

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"time"

	"github.com/temoto/robotstxt"
	"golang.org/x/time/rate"
)

// maxRobotsBytes caps robots.txt, as Google's 500 KiB does; a larger one
// is treated like a missing one.
const maxRobotsBytes = 500 << 10

// fetchRobots reads the site's robots.txt. A missing one (any 4xx, or a
// redirect off the site) allows everything. A server error or an unreachable site stops the run with a
// classified error rather than crawling as if nothing were disallowed, or
// as if everything were: the runner retries later. An unparsable file
// allows everything, as crawlers commonly do.
func (r *run) fetchRobots(ctx context.Context) (*robotstxt.RobotsData, error) {
	u := r.c.start.ResolveReference(&url.URL{Path: "/robots.txt"})
	resp, err := r.get(ctx, u, maxRobotsBytes, conditions{})
	_, skipped := errors.AsType[*skipError](err)
	switch {
	case err == nil:
		data, perr := robotstxt.FromBytes(resp.body)
		if perr != nil {
			r.c.log.Warn("web: robots.txt unreadable; treating it as allowing everything", "error", perr)
			data, _ = robotstxt.FromStatusAndBytes(404, nil)
		}
		return data, nil
	case skipped, errors.Is(err, errTooLarge), isClientError(err):
		data, _ := robotstxt.FromStatusAndBytes(404, nil)
		return data, nil
	case ctx.Err() != nil:
		return nil, fmt.Errorf("web: robots.txt: %w", ctx.Err())
	}
	return nil, fmt.Errorf("web: robots.txt of %s: %w", r.site, err)
}

// applyCrawlDelay slows the politeness limiter to robots.txt's Crawl-delay
// when that is slower than the configured rate.
func (c *Connector) applyCrawlDelay(d time.Duration) {
	limit := rate.Limit(c.s.RequestsPerSecond)
	if d > 0 && rate.Every(d) < limit {
		limit = rate.Every(d)
	}
	c.limiter.SetLimit(limit)
}
