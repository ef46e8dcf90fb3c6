package confluence

import (
	"context"
	"fmt"
	"net/url"
	"time"
)

// cqlLayout is how CQL writes a date: to the minute, in the account's zone.
const cqlLayout = "2006-01-02 15:04"

// zoneMargin covers every UTC offset in use (UTC-12 to UTC+14) when the
// account's zone is unknown.
const zoneMargin = 14 * time.Hour

// dstMargin covers a change of daylight saving time (an hour at most) when
// the account's offset was measured rather than its zone configured.
const dstMargin = time.Hour

// detectedFor is how long a measured offset is trusted.
const detectedFor = 24 * time.Hour

// cqlZone is how a run writes CQL dates: in the account's zone (loc, nil
// when unknown), with window bounds widened by margin on each side.
// Measured says the zone is an offset measured now, which may be an hour
// off for times across a change of daylight saving time.
type cqlZone struct {
	loc      *time.Location
	margin   time.Duration
	measured bool
}

// known reports whether the account's offset is known to within margin,
// so that a search from a given time costs at most margin's worth of
// repeats.
func (z cqlZone) known() bool { return z.loc != nil }

// format writes t as a CQL date, rounded down (and widened) for a lower
// bound and up for an upper one.
func (z cqlZone) format(t time.Time, upper bool) string {
	loc, margin := z.loc, z.margin
	if loc == nil {
		loc, margin = time.UTC, zoneMargin
	}
	if upper {
		return t.In(loc).Add(margin + time.Minute).Format(cqlLayout)
	}
	return t.In(loc).Add(-margin).Format(cqlLayout)
}

// exact writes t as a CQL lower bound in the zone with no margin (with the
// 14-hour one when the zone is unknown).
func (z cqlZone) exact(t time.Time) string {
	if z.loc == nil {
		return z.format(t, false)
	}
	return t.In(z.loc).Format(cqlLayout)
}

// cqlZone returns how the run writes CQL dates: in the configured zone
// exactly; else at the offset measured from the site (cached for a day),
// widened by an hour for daylight saving time; else, when that fails, in
// UTC widened by 14 hours.
func (c *Connector) cqlZone(ctx context.Context) cqlZone {
	if c.zone != nil {
		return cqlZone{loc: c.zone}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.detected.known() && time.Since(c.detectedAt) < detectedFor {
		return c.detected
	}
	off, err := c.measureOffset(ctx)
	if err != nil {
		c.env.Log().Warn("confluence: could not measure the account's time zone; set time_zone", "error", err)
		return cqlZone{}
	}
	c.env.Log().Debug("confluence: measured the account's UTC offset", "offset", off)
	c.detected = cqlZone{loc: time.FixedZone("measured", int(off/time.Second)), margin: dstMargin, measured: true}
	c.detectedAt = time.Now()
	return c.detected
}

// measureOffset finds the UTC offset at which Confluence reads the
// account's CQL dates, from the newest page: a bound written in UTC
// shifted by o admits that page exactly when o is at most the offset, so
// a binary search over the quarter hours from -12h to +14h (every offset
// in use is one) takes about eight searches.
func (c *Connector) measureOffset(ctx context.Context) (time.Duration, error) {
	var newest apiList[apiContent]
	q := url.Values{"cql": {"type=page order by lastmodified desc"}, "limit": {"1"}, "expand": {"version"}}
	if err := c.client.get(ctx, c.client.url("/content/search", q), &newest); err != nil {
		return 0, err
	}
	if len(newest.Results) == 0 || newest.Results[0].Version == nil || newest.Results[0].Version.When.IsZero() {
		return 0, fmt.Errorf("no page to measure with")
	}
	p := newest.Results[0]
	for _, r := range p.ID {
		if r < '0' || r > '9' {
			return 0, fmt.Errorf("page id %q is not a number", p.ID)
		}
	}
	grid := func(i int) time.Duration { return -12*time.Hour + time.Duration(i)*15*time.Minute }
	admits := func(i int) (bool, error) {
		bound := p.Version.When.UTC().Add(grid(i)).Format(cqlLayout)
		q := url.Values{"cql": {"id = " + p.ID + ` AND lastmodified >= "` + bound + `"`}, "limit": {"1"}}
		var l apiList[struct{}]
		if err := c.client.get(ctx, c.client.url("/content/search", q), &l); err != nil {
			return false, err
		}
		return len(l.Results) > 0, nil
	}
	lo, hi := 0, 104 // -12h and +14h
	switch ok, err := admits(lo); {
	case err != nil:
		return 0, err
	case !ok:
		return 0, fmt.Errorf("a bound 12 hours early does not admit page %s", p.ID)
	}
	if ok, err := admits(hi); err != nil || ok {
		return grid(hi), err
	}
	for hi-lo > 1 {
		mid := (lo + hi) / 2
		ok, err := admits(mid)
		if err != nil {
			return 0, err
		}
		if ok {
			lo = mid
		} else {
			hi = mid
		}
	}
	return grid(lo), nil
}
