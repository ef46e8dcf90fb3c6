package bookstack

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "bookstack"
	checkpointVersion = 1
	phasePages        = "pages"
	phaseDeletions    = "deletions"
)

// position is the checkpoint state: the phase, and in the pages the last
// (update time, id) read, in the deletions the last audit entry read.
// Pages are read in (update time, id) order, so everything at or before
// the position was read; its size never depends on the instance's.
type position struct {
	Phase string    `json:"p,omitempty"`
	At    time.Time `json:"at,omitzero"`
	ID    int       `json:"id,omitempty"`
	Audit int       `json:"audit,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.ID < 0 || pos.Audit < 0 || !pos.At.Equal(pos.At.Truncate(time.Second)) || pos.At.IsZero() && pos.ID != 0
	switch pos.Phase {
	case phasePages:
		bad = bad || pos.Audit != 0
	case phaseDeletions:
		bad = bad || !pos.At.IsZero() || pos.ID != 0
	default:
		bad = true
	}
	if bad {
		return position{}, tributary.NewError("bookstack: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (phase %q, id %d, audit %d)", pos.Phase, pos.ID, pos.Audit))
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder
	// access says pages carry their access (permissions were asked for);
	// it is turned off for the run when the token may not read them.
	access bool
	// tree is what the run knows of shelves, books and chapters; perms
	// of the roles and content permissions.
	tree  *tree
	perms *permissions
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	r := &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim, access: c.env.WantPermissions,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
	r.tree = newTree(c)
	r.perms = newPermissions(c)
	return r
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase != phaseDeletions {
		if !r.pages(pos) {
			return
		}
		pos = position{Phase: phaseDeletions}
		if r.start.IsZero() || r.slim {
			return
		}
		if !r.Checkpoint(pos) {
			return
		}
	}
	r.deletions(pos.Audit)
}

// window adds the window's end as a bound on field to q (the start bounds
// only the first request, or is passed already). BookStack's times have
// whole seconds, so the bound is rounded up to a second.
func (r *run) window(q url.Values, field string) {
	if !r.end.IsZero() {
		q.Set("filter["+field+":lt]", stamp(r.end))
	}
}

// pages reads the pages in (update time, id) order from pos. A request
// "updated after" the position's time, sorted by update time, is followed
// by one for the pages updated at its last time, sorted by id, and so on:
// pages sharing one second (a bulk import) are read by id whatever their
// number, and a page edited during the run moves behind the reader, to be
// read again later in the run or in the next window.
func (r *run) pages(pos position) bool {
	at, id := pos.At, pos.ID
	limit := r.c.settings.PageSize
	for {
		if !at.IsZero() {
			// The pages updated at `at` after id, by id.
			q := url.Values{"sort": {"+id"}, "filter[updated_at:eq]": {stamp(at)}, "filter[id:gt]": {strconv.Itoa(id)}}
			r.window(q, "updated_at")
			items, ok := r.listPages(q, limit)
			if !ok {
				return false
			}
			for _, p := range items {
				if p.ID <= id || !p.UpdatedAt.Equal(at) {
					return r.Fail(malformed("pages", "a listing of pages updated at %s after id %d gave page %d updated at %s",
						stamp(at), id, p.ID, p.UpdatedAt.Format(time.RFC3339)))
				}
				id = p.ID
				if !r.page(p) {
					return false
				}
			}
			if len(items) == limit {
				if !r.Checkpoint(position{Phase: phasePages, At: at, ID: id}) {
					return false
				}
				continue
			}
		}
		// The pages updated after `at` (from the window's start on the
		// first request), by update time.
		q := url.Values{"sort": {"+updated_at"}}
		if !at.IsZero() {
			q.Set("filter[updated_at:gt]", stamp(at))
		} else if !r.start.IsZero() {
			q.Set("filter[updated_at:gte]", stamp(r.start))
		}
		r.window(q, "updated_at")
		items, ok := r.listPages(q, limit)
		if !ok {
			return false
		}
		for i, p := range items {
			if p.UpdatedAt.Before(at) || !p.UpdatedAt.After(at) && !at.IsZero() || i > 0 && p.UpdatedAt.Before(items[i-1].UpdatedAt) {
				return r.Fail(malformed("pages", "the listing of pages updated after %s is not sorted by update time", stamp(at)))
			}
		}
		if len(items) < limit {
			// The last page of the listing: everything after `at`.
			slices.SortStableFunc(items, func(a, b *apiPageItem) int {
				return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID))
			})
			for _, p := range items {
				if !r.page(p) {
					return false
				}
			}
			return true
		}
		// A full page: read what comes before its last time, then the
		// pages at that time by id.
		last := items[len(items)-1].UpdatedAt
		before := slices.DeleteFunc(items, func(p *apiPageItem) bool { return !p.UpdatedAt.Before(last) })
		slices.SortStableFunc(before, func(a, b *apiPageItem) int {
			return cmp.Or(a.UpdatedAt.Compare(b.UpdatedAt), cmp.Compare(a.ID, b.ID))
		})
		for _, p := range before {
			if !r.page(p) {
				return false
			}
		}
		at, id = last, 0
		if !r.Checkpoint(position{Phase: phasePages, At: at, ID: id}) {
			return false
		}
	}
}

// listPages asks for a page of the page listing, reporting the listed
// pages that lack what the connector needs as failures under their ids.
func (r *run) listPages(q url.Values, limit int) ([]*apiPageItem, bool) {
	raws, _, err := r.c.client.list(r.ctx, "pages", q, 0, limit)
	if err != nil {
		return nil, r.Fail(fmt.Errorf("bookstack: list pages: %w", err))
	}
	items, bad := decodePages(raws)
	for _, b := range bad {
		if !r.badItem(b.raw, b.err) {
			return nil, false
		}
	}
	return items, true
}

// badPage is a listed page that lacks what the connector needs.
type badPage struct {
	raw json.RawMessage
	err error
}

// decodePages reads listed pages, setting apart those it cannot use.
func decodePages(raws []json.RawMessage) ([]*apiPageItem, []badPage) {
	out := make([]*apiPageItem, 0, len(raws))
	var bad []badPage
	for _, raw := range raws {
		var p apiPageItem
		err := json.Unmarshal(raw, &p)
		if err == nil && (p.ID <= 0 || p.BookID <= 0 || p.ChapterID < 0 || p.UpdatedAt.IsZero()) {
			err = errors.New("page lacks its id, book or update time")
		}
		if err != nil {
			bad = append(bad, badPage{raw, err})
			continue
		}
		p.UpdatedAt = p.UpdatedAt.UTC()
		out = append(out, &p)
	}
	return out, bad
}

// badItem reports a listed page that does not decode, under its id when
// that can be read. A listing that then goes on without it would lose the
// page's place, so an item without an id ends the run.
func (r *run) badItem(raw json.RawMessage, err error) bool {
	err = malformed("pages", "%v", err)
	var ref struct {
		ID int `json:"id"`
	}
	if json.Unmarshal(raw, &ref) == nil && ref.ID > 0 {
		id := r.c.docID(ref.ID)
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	return r.Fail(err)
}

// page yields a listed page in the window, after the nodes it names.
func (r *run) page(p *apiPageItem) bool {
	if p.Draft || !r.inWindow(p.UpdatedAt) {
		return true
	}
	parent, ok := r.tree.parentOf(r, p)
	if !ok {
		return false
	}
	id := r.c.docID(p.ID)
	var access *tributary.ExternalAccess
	if r.access {
		a, err := r.perms.pageAccess(r, p)
		switch {
		case errors.Is(err, errNoPermissions):
			r.access = false
		case err != nil:
			return r.docFailed(id, "read access", err)
		default:
			access = a
		}
	}
	if r.slim {
		return r.Yield(tributary.DocumentItem(&tributary.Document{ID: id, Source: Source, SemanticID: p.Name,
			Title: p.Name, UpdatedAt: p.UpdatedAt, ParentID: parent, ExternalAccess: access}))
	}
	var full apiPage
	err := r.c.client.get(r.ctx, "pages/"+strconv.Itoa(p.ID), nil, &full)
	if errors.Is(err, tributary.ErrNotFound) {
		r.c.env.Log().Debug("bookstack: a listed page is gone; the next poll or prune accounts for it", "page", p.ID)
		return true
	}
	if err == nil {
		err = checkPage(&full, p.ID)
	}
	if err != nil {
		return r.docFailed(id, "read page", err)
	}
	doc, err := r.toDocument(&full, parent, access)
	if err != nil {
		return r.docFailed(id, "read page", err)
	}
	return r.Yield(tributary.DocumentItem(doc))
}

// checkPage reports a page read that lacks what the connector needs.
func checkPage(p *apiPage, id int) error {
	if p.ID != id || p.BookID <= 0 || p.UpdatedAt.IsZero() || p.Name == "" || p.HTML == nil && p.Markdown == nil {
		return malformed("pages/"+strconv.Itoa(id), "the page answered lacks its id, book, name, update time or content")
	}
	return nil
}

// docFailed reports a page that could not be read: terminal errors end
// the run, others fail the one page.
func (r *run) docFailed(id, what string, err error) bool {
	if terminal(err) {
		return r.Fail(fmt.Errorf("bookstack: %s of %s: %w", what, id, err))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("bookstack: %s: %w", what, err))))
}

// deletions reads the audit log's page_delete entries made in the window,
// by id after the entry last read, and yields a deletion for each page.
// The audit log needs the "Manage users" and "Manage app settings" role
// permissions; without them deletions are left to pruning, said once in
// the log. A deleted book or chapter is logged only as itself, so its
// pages too wait for the next prune.
func (r *run) deletions(after int) bool {
	limit := r.c.settings.PageSize
	for {
		q := url.Values{"sort": {"+id"}, "filter[type]": {"page_delete"}, "filter[id:gt]": {strconv.Itoa(after)},
			"filter[created_at:gte]": {stamp(r.start)}}
		r.window(q, "created_at")
		raws, _, err := r.c.client.list(r.ctx, "audit-log", q, 0, limit)
		if errors.Is(err, tributary.ErrInsufficientPermissions) {
			if !r.c.noAudit.Swap(true) {
				r.c.env.Log().Warn("bookstack: the token's user may not read the audit log (it needs the Manage users and " +
					"Manage app settings permissions); deleted pages are found by prunes only")
			}
			return true
		}
		if err != nil {
			return r.Fail(fmt.Errorf("bookstack: read the audit log: %w", err))
		}
		for _, raw := range raws {
			var e apiAudit
			if err := json.Unmarshal(raw, &e); err != nil || e.ID <= after || e.CreatedAt.IsZero() {
				return r.Fail(malformed("audit-log", "an entry without its id or time, or out of id order"))
			}
			after = e.ID
			if e.Type != "page_delete" || e.LoggableID == nil || *e.LoggableID <= 0 || !r.inWindow(e.CreatedAt.UTC()) {
				continue
			}
			if !r.Yield(tributary.DeletionItem(r.c.docID(*e.LoggableID))) {
				return false
			}
		}
		if len(raws) < limit {
			return true
		}
		if !r.Checkpoint(position{Phase: phaseDeletions, Audit: after}) {
			return false
		}
	}
}
