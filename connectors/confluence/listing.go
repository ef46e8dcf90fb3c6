package confluence

import (
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// maxSearchPages bounds the search pages read for one space in one pass.
const maxSearchPages = httpx.DefaultMaxPages

// lister reads one space's search results.
type lister struct {
	*run
	sp     *apiSpace
	access *tributary.ExternalAccess
	pos    position
	// floor is the CQL lower bound of the search being paged through.
	floor string
	// prev is the update time of the previous result of this search, for
	// the order check.
	prev time.Time
	// skipped says results were skipped as read before (after a new
	// search, or on resuming): finding the listing unsorted then means
	// reading the space again.
	skipped bool
	// verify says the first result of the page is checked to lie at or
	// before the last update time read, which a search from that time
	// with a measured zone must return unless its bound came out late (an
	// offset an hour off across daylight saving time); widened says the
	// search was widened by an hour for that already.
	verify, widened bool
}

// The outcomes of reading one search page.
const (
	pageRead    = iota
	pageRestart // found unsorted after skipping: read the space again
	pageWiden   // a new search's bound came out late: widen it
	pageStopped // the consumer stopped, or the run failed
)

// listing reads a space's pages from pos, with a checkpoint after each
// search page.
//
// Results come oldest first. When the account's zone is known (set, or
// measured, see cqlZone), the connector does not page through one search
// by offsets: once a page moved the update time past the search's minute,
// it searches again from the last update time read and skips what it read
// already. An offset
// listing shifts under edits (a page edited during the run moves to the
// end, and the pages after it move back, one of them past the reader); a
// new search from the last time read does not. Within one minute, and when
// the zone is unknown (its bounds would be hours wide), it follows
// _links.next.
//
// A result out of order means the server does not sort as asked: the
// rest of the space is read through _links.next alone, skipping nothing,
// and when results were skipped already (after a new search), the space is
// read again from its start, so nothing is lost on the strength of an
// order the server did not keep.
func (r *run) listing(sp *apiSpace, access *tributary.ExternalAccess, from position) bool {
	l := &lister{run: r, sp: sp, access: access, pos: from}
	at := from.Next
	switch {
	case at == "":
		at = r.searchURL(sp.Key, time.Time{}, 0)
		l.floor = r.cqlFloor(r.start)
	case !from.Unsorted && !from.After.IsZero():
		l.floor, l.skipped, l.verify = r.cqlFloor(from.After), true, r.zone.measured
	}
	// seen guards against a server repeating a next link; the searches the
	// connector starts itself always move forward (or widen once).
	seen := map[[32]byte]bool{}
	isLink := false
	for n := 0; at != ""; n++ {
		if err := r.ctx.Err(); err != nil {
			return r.Fail(err)
		}
		key := sha256.Sum256([]byte(at))
		if (isLink && seen[key]) || n >= maxSearchPages {
			return r.Fail(tributary.NewError("confluence: search pages of space "+sp.Key, tributary.ErrMalformedResponse,
				fmt.Errorf("next link repeated or too many pages: %w", httpx.ErrPagination)))
		}
		seen[key] = true
		var page apiList[json.RawMessage]
		if err := r.c.client.get(r.ctx, at, &page); err != nil {
			if n == 0 && from.Next != "" && staleLink(err) {
				// A stored cursor the server no longer takes: search again
				// from the last time read, or the space's start.
				r.c.env.Log().Warn("confluence: stored search link refused; searching again", "space", sp.Key, "error", err)
				l.pos = position{Space: sp.Key, After: from.After, LastID: from.LastID}
				l.floor, l.skipped, l.verify, isLink = r.cqlFloor(from.After), !from.After.IsZero(), false, false
				if from.Unsorted {
					l.pos, l.floor, l.skipped = position{Space: sp.Key, Unsorted: true}, "", false
				}
				at = r.searchURL(sp.Key, l.pos.After, 0)
				continue
			}
			return r.listingFailed(sp.Key, err)
		}
		link := ""
		if page.Links.Next != "" {
			var err error
			if link, err = r.c.client.link(page.Links.Next); err != nil {
				return r.listingFailed(sp.Key, err)
			}
		}
		outcome := l.page(page.Results)
		switch outcome {
		case pageStopped:
			return false
		case pageWiden:
			l.widened, isLink = true, false
			at = r.searchURL(sp.Key, l.pos.After, dstMargin)
			continue
		}
		at = l.next(link, outcome == pageRestart)
		isLink = at != "" && at == link
		if outcome == pageRestart {
			clear(seen)
		}
		if at != "" {
			cp := l.pos
			cp.Next = at
			if !r.Checkpoint(cp) {
				return false
			}
		}
	}
	return r.Checkpoint(position{Space: sp.Key, Done: true})
}

// next chooses the page after the one just read: the whole space again
// when it was found unsorted, a new search from the last update time when
// that moved past the search's minute, else the next link.
func (l *lister) next(link string, restart bool) string {
	switch {
	case restart:
		l.pos = position{Space: l.sp.Key, Unsorted: true}
		l.prev, l.skipped = time.Time{}, false
		l.c.env.Log().Warn("confluence: search results not sorted by update time; reading the space again from its start",
			"space", l.sp.Key)
		return l.searchURL(l.sp.Key, time.Time{}, 0)
	case l.pos.Unsorted || !l.zone.known() || l.pos.After.IsZero() || link == "":
		return link
	}
	if floor := l.cqlFloor(l.pos.After); floor > l.floor {
		l.floor, l.prev, l.skipped = floor, time.Time{}, true
		l.verify, l.widened = l.zone.measured, false
		return l.searchURL(l.sp.Key, l.pos.After, 0)
	}
	return link
}

// page yields the documents of one search page. It reports pageRestart
// when a result came out of order after results were skipped (and stops
// there), and pageWiden when a new search's first result shows its bound
// came out late (and yields nothing). The comments and attachments of the
// page's documents are read together before any is yielded.
func (l *lister) page(results []json.RawMessage) int {
	var todo []*apiContent
	outcome := pageRead
	for _, raw := range results {
		var p apiContent
		err := json.Unmarshal(raw, &p)
		if err == nil {
			err = checkContent(&p)
		}
		if err != nil {
			if !l.badPage(raw, err) {
				return pageStopped
			}
			continue
		}
		when := p.Version.When
		if l.verify {
			l.verify = false
			if when.After(l.pos.After) && !l.widened && !l.pos.Unsorted {
				return pageWiden
			}
		}
		if !l.pos.Unsorted && when.Before(l.prev) {
			if l.skipped {
				outcome = pageRestart
				break
			}
			// Nothing was skipped yet: go on through the next links.
			l.pos = position{Space: l.sp.Key, Unsorted: true}
			l.c.env.Log().Warn("confluence: search results not sorted by update time; reading the space through its links",
				"space", l.sp.Key)
		}
		if !l.pos.Unsorted {
			l.prev = when
			if when.Before(l.pos.After) || (when.Equal(l.pos.After) && p.ID == l.pos.LastID) {
				continue // read before this search began
			}
			l.pos.After, l.pos.LastID = when, p.ID
		}
		if l.inWindow(when) {
			todo = append(todo, &p)
		}
	}
	extra := l.parts(todo)
	for i, p := range todo {
		if !l.pageDoc(l.sp, p, l.access, extra[i]) {
			return pageStopped
		}
	}
	return outcome
}

// cqlFloor is the CQL lower bound for t ("" for the zero time).
func (r *run) cqlFloor(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return r.zone.exact(t)
}

// staleLink reports a 400 answer: a cursor that expired or a link the
// server no longer understands.
func staleLink(err error) bool {
	se, ok := errors.AsType[*httpx.StatusError](err)
	return ok && se.StatusCode == http.StatusBadRequest
}
