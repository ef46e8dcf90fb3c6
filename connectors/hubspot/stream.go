package hubspot

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "hubspot"
	checkpointVersion = 1
	// defaultSearchCap is how many results one search query can page
	// through.
	defaultSearchCap = 10000
)

// Phases of an object type's listing.
const (
	phaseRecords  = ""         // the search by modification time
	phaseArchived = "archived" // the deletions of a poll
	phaseDone     = "done"     // the type is finished
)

// position is the checkpoint: the object type in progress and where its
// listing is. Cursor (milliseconds) is the modification time read up to:
// every record modified before it was yielded, and of those modified at
// Cursor the ones whose ids are in Tied (at most a page). After is the
// search's offset, set only while more than a page of records share
// Cursor (or the listing is Unsorted); otherwise the search is asked
// again from Cursor. In the archived phase After is the listing's cursor.
// Its size does not depend on the account's.
type position struct {
	Type     string  `json:"type,omitempty"`
	Phase    string  `json:"phase,omitempty"`
	Cursor   int64   `json:"cursor,omitempty"`
	Tied     []int64 `json:"tied,omitempty"`
	After    string  `json:"after,omitempty"`
	Unsorted bool    `json:"unsorted,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	n, aerr := strconv.Atoi(cmp.Or(pos.After, "0"))
	bad := pos.Type != "" && typeID(pos.Type) == "" ||
		!slices.Contains([]string{phaseRecords, phaseArchived, phaseDone}, pos.Phase) ||
		pos.Cursor < 0 || len(pos.Tied) > maxPageSize || len(pos.After) > 20 || aerr != nil || n < 0
	if bad {
		return position{}, tributary.NewError("hubspot: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (type %q, phase %q)", pos.Type, pos.Phase))
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

	acct   *account
	owners *owners
	sent   map[string]bool // nodes yielded in this run: the account's and a few types'
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), sent: map[string]bool{}}
}

// all runs the stream from pos: each object type in the settings' order,
// its records by modification time, then in a poll its deletions.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	acct, err := r.c.client.details(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	r.acct = acct
	if !r.slim {
		r.owners = r.c.loadOwners(r.ctx)
	}
	types := r.c.settings.Objects
	i := 0
	if pos.Type != "" {
		if i = slices.Index(types, pos.Type); i < 0 {
			r.Fail(tributary.NewError("hubspot: resume", tributary.ErrInvalidCheckpoint,
				fmt.Errorf("the checkpoint reads %s, which the settings no longer name", pos.Type)))
			return
		}
	} else {
		pos = position{Type: types[0]}
	}
	for ; i < len(types); i++ {
		if i > 0 && types[i] != pos.Type {
			pos = position{Type: types[i]}
		}
		if !r.objectType(pos) {
			return
		}
	}
}

// objectType reads one type from pos: its nodes, its records, and in a
// poll its archived records as deletions.
func (r *run) objectType(pos position) bool {
	if pos.Phase == phaseDone {
		return true
	}
	if !r.nodes(pos.Type) {
		return false
	}
	if pos.Phase == phaseRecords && !r.records(pos) {
		return false
	}
	if !r.start.IsZero() && !r.slim {
		from := pos
		if pos.Phase != phaseArchived {
			from = position{Type: pos.Type, Phase: phaseArchived}
		}
		if !r.Checkpoint(from) || !r.archived(from) {
			return false
		}
	}
	return r.Checkpoint(position{Type: pos.Type, Phase: phaseDone})
}

// nodes yields the account's node and the type's, parents first.
func (r *run) nodes(typ string) bool {
	acct := r.c.accountID(r.acct)
	if !r.sent[acct] {
		r.sent[acct] = true
		if !r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: acct, Name: "HubSpot account " + strconv.FormatInt(r.acct.PortalID, 10),
			Link: acct, Kind: tributary.NodeSpace, ExternalAccess: r.c.access(r.acct)})) {
			return false
		}
	}
	id := r.c.typeNodeID(r.acct, typ)
	if r.sent[id] {
		return true
	}
	r.sent[id] = true
	return r.Yield(tributary.NodeItem(&tributary.HierarchyNode{ID: id, ParentID: acct, Name: typeName(typ), Link: id,
		Kind: tributary.NodeFolder, ExternalAccess: r.c.access(r.acct)}))
}

func typeName(typ string) string {
	return map[string]string{TypeCompanies: "Companies", TypeContacts: "Contacts", TypeDeals: "Deals", TypeTickets: "Tickets"}[typ]
}

// searchBody is a search for the type's records modified in [from, end),
// oldest first.
func (r *run) searchBody(typ string, from time.Time, after string) map[string]any {
	mod := modifiedProperty(typ)
	filters := []map[string]any{}
	if !from.IsZero() {
		filters = append(filters, map[string]any{"propertyName": mod, "operator": "GTE", "value": strconv.FormatInt(from.UnixMilli(), 10)})
	}
	if !r.end.IsZero() {
		// Millisecond precision: a bound inside a millisecond is rounded
		// up, and the window is applied exactly afterwards.
		end := r.end.Truncate(time.Millisecond)
		if !end.Equal(r.end) {
			end = end.Add(time.Millisecond)
		}
		filters = append(filters, map[string]any{"propertyName": mod, "operator": "LT", "value": strconv.FormatInt(end.UnixMilli(), 10)})
	}
	body := map[string]any{"sorts": []map[string]string{{"propertyName": mod, "direction": "ASCENDING"}},
		"properties": r.c.properties(typ), "limit": r.c.settings.PageSize}
	if len(filters) > 0 {
		body["filterGroups"] = []map[string]any{{"filters": filters}}
	}
	if after != "" {
		body["after"] = after
	}
	return body
}

// records reads the type's records from pos, by the search API sorted by
// modification time. After each page that ends later than its cursor,
// the search is asked again from the last time read, skipping the records
// read at it: a record edited during the run moves behind the reader
// rather than shifting an unread one past it, and no query pages deeper
// than one page, so the search API's cap of 10,000 results a query is
// never met. Only a tie longer than a page is paged through by offset;
// one longer than the cap cannot be read, and is a failure of the type.
func (r *run) records(pos position) bool {
	typ := pos.Type
	cursor, tied, after := r.start, []int64(nil), ""
	if pos.Cursor > 0 || pos.After != "" { // resumed inside the listing
		from := time.Time{}
		if pos.Cursor > 0 {
			from = time.UnixMilli(pos.Cursor).UTC()
		}
		if !from.Before(r.start) {
			cursor, tied, after = from, pos.Tied, pos.After
		}
	}
	order := tributary.NewUpdateOrder[int64](maxPageSize, pos.Unsorted)
	order.OnUnsorted(func() {
		r.c.env.Log().Warn("hubspot: search not sorted by modification time; reading it by offset", "type", typ)
	})
	for {
		var page searchAnswer
		err := r.c.client.post(r.ctx, "/crm/v3/objects/"+typ+"/search", r.searchBody(typ, cursor, after), &page, true)
		if after != "" && statusOf(err) == http.StatusBadRequest {
			// Paging deeper than the account's cap (10,000 results on
			// HubSpot, fewer on some accounts) is refused.
			err = tributary.NewError("hubspot: search "+typ, tributary.ErrNotSupported,
				fmt.Errorf("the search refuses to page past %s results of records sharing one modification time: %w", after, err))
		}
		if err != nil {
			return r.listingFailed(typ, err)
		}
		order.Page(cursor, tied)
		if !r.page(typ, page.Results, order) {
			return false
		}
		next := page.Paging.after()
		if next == "" {
			return true
		}
		n, err := strconv.Atoi(next)
		if err != nil || n <= 0 {
			return r.Fail(malformed("search "+typ, "paging.next.after is not an offset"))
		}
		last, atLast := order.Last()
		switch {
		case order.Unsorted() || !last.After(cursor):
			if n >= r.c.searchCap {
				return r.listingFailed(typ, tributary.NewError("hubspot: search "+typ, tributary.ErrNotSupported,
					fmt.Errorf("more than %d records share one modification time (or the search is unsorted); the rest cannot be read", r.c.searchCap)))
			}
			after = next
			if !order.Unsorted() {
				tied = atLast
			}
		default:
			cursor, tied, after = last, atLast, ""
		}
		cp := position{Type: typ, Cursor: cursor.UnixMilli(), Tied: tied, After: after, Unsorted: order.Unsorted()}
		if cursor.IsZero() {
			cp.Cursor = 0
		}
		if !r.Checkpoint(cp) {
			return false
		}
	}
}

// listingFailed reports a listing that could not be read. A type the
// token lacks the scope of (403 MISSING_SCOPES), or a tie the search
// cannot page through, is a failure of the type, and the stream goes on
// with the next; anything else ends the stream, to resume from the last
// checkpoint.
func (r *run) listingFailed(typ string, err error) bool {
	err = fmt.Errorf("hubspot: list %s: %w", typ, err)
	if len(missingScopes(err)) == 0 && !errors.Is(err, tributary.ErrNotSupported) {
		return r.Fail(err)
	}
	id := r.c.typeNodeID(r.acct, typ)
	f := tributary.EntityFailure(id, id, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// page yields the documents of a search page.
func (r *run) page(typ string, raws []json.RawMessage, order *tributary.UpdateOrder[int64]) bool {
	recs := make([]*apiObject, 0, len(raws))
	for _, raw := range raws {
		var o apiObject
		if err := json.Unmarshal(raw, &o); err != nil || o.id() == 0 {
			if err == nil {
				err = fmt.Errorf("a record without an id")
			}
			return r.Fail(tributary.NewError("hubspot: search "+typ, tributary.ErrMalformedResponse, err))
		}
		at := o.modified(typ)
		if order.Item(at, o.id()) || !r.inWindow(at) {
			continue
		}
		recs = append(recs, &o)
	}
	var eng *engagements
	if !r.slim && len(recs) > 0 {
		var err error
		if eng, err = r.c.engagementsOf(r.ctx, typ, recs); err != nil {
			if terminal(err) {
				return r.Fail(err)
			}
			for _, o := range recs {
				id := r.c.recordID(r.acct, typ, o.ID)
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
					return false
				}
			}
			return true
		}
	}
	for _, o := range recs {
		it := tributary.DocumentItem(r.c.document(r.acct, typ, o, eng, r.owners, r.slim))
		if err := eng.failure(o.ID); err != nil {
			it = tributary.FailureItem(tributary.DocumentFailure(it.Document.ID, it.Document.ID, err))
		}
		if !r.Yield(it) {
			return false
		}
	}
	return true
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// archived yields the deletions of the type's records archived in the
// window, from the listing of archived records (HubSpot keeps them 90
// days), with a checkpoint after each page.
func (r *run) archived(pos position) bool {
	after := pos.After
	for {
		q := url.Values{"archived": {"true"}, "limit": {"100"}}
		if after != "" {
			q.Set("after", after)
		}
		var page listAnswer
		if err := r.c.client.get(r.ctx, "/crm/v3/objects/"+pos.Type+"?"+q.Encode(), &page); err != nil {
			return r.listingFailed(pos.Type, err)
		}
		for _, raw := range page.Results {
			var o apiObject
			if err := json.Unmarshal(raw, &o); err != nil || o.id() == 0 {
				return r.Fail(malformed("list archived "+pos.Type, "a record without an id"))
			}
			if o.ArchivedAt != nil && r.inWindow(o.ArchivedAt.UTC()) && !r.Yield(tributary.DeletionItem(r.c.recordID(r.acct, pos.Type, o.ID))) {
				return false
			}
		}
		next := page.Paging.after()
		if next == "" {
			return true
		}
		if next == after || len(next) > 20 {
			return r.Fail(malformed("list archived "+pos.Type, "paging that does not move on"))
		}
		after = next
		if !r.Checkpoint(position{Type: pos.Type, Phase: phaseArchived, After: after}) {
			return false
		}
	}
}
