package confluence

import (
	"crypto/sha256"
	"encoding/json"
	"fmt"
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
}

// listing reads a space's pages from pos, with a checkpoint after each
// search page.
//
// Results come oldest first. When the account's zone is known, the
// connector does not page through one search by offsets: once a page
// moved the update time past the search's minute, it searches again from
// the last update time read and skips what it read already. An offset
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
		at = r.searchURL(sp.Key, time.Time{})
		l.floor = r.c.cqlFloor(r.start)
	case !from.Unsorted && !from.After.IsZero():
		l.floor, l.skipped = r.c.cqlFloor(from.After), true
	}
	seen := map[[32]byte]bool{}
	for n := 0; at != ""; n++ {
		if err := r.ctx.Err(); err != nil {
			return r.fail(err)
		}
		if key := sha256.Sum256([]byte(at)); seen[key] || n >= maxSearchPages {
			return r.fail(tributary.NewError("confluence: search pages of space "+sp.Key, tributary.ErrTransient,
				fmt.Errorf("search page repeated or too many pages: %w", httpx.ErrPagination)))
		} else {
			seen[key] = true
		}
		var page apiList[json.RawMessage]
		if err := r.c.client.get(r.ctx, at, &page); err != nil {
			return r.listingFailed(sp.Key, err)
		}
		link := ""
		if page.Links.Next != "" {
			var err error
			if link, err = r.c.client.link(page.Links.Next); err != nil {
				return r.listingFailed(sp.Key, err)
			}
		}
		restart, ok := l.page(page.Results)
		if !ok {
			return false
		}
		at = l.next(link, restart)
		if restart {
			clear(seen)
		}
		if at != "" {
			cp := l.pos
			cp.Next = at
			if !r.checkpoint(cp) {
				return false
			}
		}
	}
	return r.checkpoint(position{Space: sp.Key, Done: true})
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
		return l.searchURL(l.sp.Key, time.Time{})
	case l.pos.Unsorted || l.c.zone == nil || l.pos.After.IsZero() || link == "":
		return link
	}
	if floor := l.c.cqlFloor(l.pos.After); floor > l.floor {
		l.floor, l.prev, l.skipped = floor, time.Time{}, true
		return l.searchURL(l.sp.Key, l.pos.After)
	}
	return link
}

// page yields the documents of one search page. It reports restart when
// a result came out of order after results were skipped (and stops
// there). The comments and attachments of the page's documents are read
// together before any is yielded.
func (l *lister) page(results []json.RawMessage) (restart, ok bool) {
	var todo []*apiContent
	for _, raw := range results {
		var p apiContent
		err := json.Unmarshal(raw, &p)
		if err == nil {
			err = checkContent(&p)
		}
		if err != nil {
			if !l.badPage(raw, err) {
				return false, false
			}
			continue
		}
		when := p.Version.When
		if !l.pos.Unsorted && when.Before(l.prev) {
			if l.skipped {
				restart = true
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
			return false, false
		}
	}
	return restart, true
}

// cqlFloor is the CQL lower bound for t ("" for the zero time).
func (c *Connector) cqlFloor(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return c.cqlTime(t, false)
}
