package tributary

import (
	"slices"
	"time"
)

// UpdateOrder follows a listing that the source sorts by update time,
// oldest first, so that a connector can checkpoint it without losing or
// repeating items. Such a listing is best asked again from the last update
// time read after each page, instead of followed by page number: an item
// updated during the run moves to the end of the listing, and with page
// numbers it would shift an unread item back past the reader. A source's
// "updated after" filter is usually inclusive, so the items sharing the
// last time are told apart by id: the next request, which starts at that
// time, skips those read already. Only while more than a page of items
// share one time does the connector follow page numbers.
//
// UpdateOrder also notices a listing that is out of update-time order (a
// source that ignored the sort); the connector then reads it to its end
// by page, without the cursor.
//
// The ids a connector keeps in its checkpoint are those Last returns: at
// most one page of them, so the checkpoint stays small.
type UpdateOrder[K comparable] struct {
	maxTied    int
	unsorted   bool
	onUnsorted func()
	cursor     time.Time
	skip       []K
	prev       time.Time
	last       time.Time
	atLast     []K
}

// NewUpdateOrder returns an UpdateOrder that keeps the ids of at most
// maxTied items (the page size) at one time. A listing resumed from a
// checkpoint that found it out of order starts unsorted.
func NewUpdateOrder[K comparable](maxTied int, unsorted bool) *UpdateOrder[K] {
	return &UpdateOrder[K]{maxTied: max(maxTied, 1), unsorted: unsorted}
}

// OnUnsorted sets f to be called once, when the listing is first found
// out of order: the place to log it.
func (o *UpdateOrder[K]) OnUnsorted(f func()) { o.onUnsorted = f }

// Page begins a page asked for from cursor, whose items updated at cursor
// with ids in skip were read before.
func (o *UpdateOrder[K]) Page(cursor time.Time, skip []K) {
	o.cursor, o.skip = cursor, skip
	o.last, o.atLast = cursor, o.atLast[:0]
}

// Item records the page's next item, updated at at, and reports whether
// it was read before: updated at the cursor, with its id among those to
// skip. An item read before is not yielded again.
func (o *UpdateOrder[K]) Item(at time.Time, id K) (seen bool) {
	if !o.unsorted && (at.Before(o.prev) || at.Before(o.cursor)) {
		o.unsorted = true
		if o.onUnsorted != nil {
			o.onUnsorted()
		}
	}
	o.prev = at
	if at.After(o.last) {
		o.last, o.atLast = at, o.atLast[:0]
	}
	if at.Equal(o.last) {
		o.atLast = append(o.atLast, id)
	}
	return at.Equal(o.cursor) && slices.Contains(o.skip, id)
}

// Last returns the update time of the page's last item (the cursor when
// no item came later) and the ids of the page's items updated then: the
// latest maxTied of them, in a slice of their own.
func (o *UpdateOrder[K]) Last() (time.Time, []K) {
	ids := o.atLast
	if len(ids) > o.maxTied {
		ids = ids[len(ids)-o.maxTied:]
	}
	return o.last, slices.Clone(ids)
}

// Unsorted reports whether the listing was found out of update-time order.
func (o *UpdateOrder[K]) Unsorted() bool { return o.unsorted }
