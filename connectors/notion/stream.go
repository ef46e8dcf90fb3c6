package notion

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "notion"
	checkpointVersion = 1
)

// Phases of a stream.
const (
	phasePages     = "pages"     // the page search, newest first
	phaseDatabases = "databases" // the database listing and their rows
)

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the workspace.
type position struct {
	Phase string `json:"phase,omitempty"`
	// Cursor is the start_cursor of the next page of the page search, or,
	// in the databases phase, of the listing page holding DB.
	Cursor string `json:"cursor,omitempty"`
	// At is the edit time of the last page passed in the page search: a
	// search started again when Cursor is refused skips what is newer.
	At time.Time `json:"at,omitzero"`
	// Unsorted says the search was found out of order: it is then read to
	// its end, with no skipping by At.
	Unsorted bool `json:"unsorted,omitempty"`
	// DB is the database in progress, DBAt its edit time, and DBDone
	// says all its rows are done.
	DB     string    `json:"db,omitempty"`
	DBAt   time.Time `json:"db_at,omitzero"`
	DBDone bool      `json:"db_done,omitempty"`
	// Rows is the start_cursor of the next page of DB's row query, RowAt
	// the edit time of the last row passed.
	Rows  string    `json:"rows,omitempty"`
	RowAt time.Time `json:"row_at,omitzero"`
}

// objectID matches a Notion id, with or without dashes.
var objectID = regexp.MustCompile(`^[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}$`)

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.Phase != phasePages && pos.Phase != phaseDatabases ||
		pos.DB != "" && !objectID.MatchString(pos.DB) || len(pos.Cursor) > 1024 || len(pos.Rows) > 1024
	if bad {
		return position{}, tributary.NewError("notion: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (phase %q)", pos.Phase))
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
	// nodes remembers the nodes yielded lately, objects what the run
	// learnt of pages and databases (for their nodes), people the users
	// looked up: all bounded.
	nodes   *recent
	objects *memo[nodeInfo]
	people  *memo[*tributary.Person]
	// noUsers says the integration may not read users: owners are left
	// out.
	noUsers bool
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase == "" || pos.Phase == phasePages {
		if !r.pages(pos) {
			return
		}
		pos = position{Phase: phaseDatabases}
		if !r.Checkpoint(pos) {
			return
		}
	}
	if r.c.settings.IncludeDatabases {
		r.databases(pos)
	}
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// pages reads the page search newest first from pos. Rows of databases
// are left to the databases phase. The search cannot be bounded by time,
// so it stops at the end of the first page, read in order, that reaches
// past the window's start.
func (r *run) pages(pos position) bool {
	st := pos
	st.Phase = phasePages
	retried := false
	// skipAfter, when set, skips the pages newer than it: a search started
	// again from the top after its cursor was refused.
	var skipAfter time.Time
	var prev time.Time
	for {
		var l apiList
		err := r.c.client.post(r.ctx, "/search", searchBody("page", "descending", st.Cursor, r.c.settings.PageSize), &l)
		if err != nil && st.Cursor != "" && invalidCursor(err) && !retried {
			retried, st.Cursor, prev = true, "", time.Time{}
			if !st.Unsorted {
				skipAfter = st.At
			}
			continue
		}
		if err != nil {
			return r.Fail(fmt.Errorf("notion: search pages: %w", err))
		}
		retried = false
		past := false
		for _, raw := range l.Results {
			var o apiObject
			if err := json.Unmarshal(raw, &o); err != nil || o.ID == "" || o.LastEditedTime.IsZero() {
				if !r.badObject(raw, err) {
					return false
				}
				continue
			}
			t := o.LastEditedTime
			if !st.Unsorted && !prev.IsZero() && t.After(prev) {
				r.c.env.Log().Warn("notion: search not sorted by last edit; reading it to the end")
				st.Unsorted = true
			}
			prev = t
			if !skipAfter.IsZero() && t.After(skipAfter) {
				continue
			}
			st.At = t
			r.objects.put(key(o.ID), infoOf(&o))
			past = past || !r.start.IsZero() && t.Before(r.start)
			if o.Parent.Type == "database_id" || !r.inWindow(t) || o.deleted() {
				continue
			}
			if !r.page(&o) {
				return false
			}
		}
		next, err := l.next("search pages", st.Cursor)
		if err != nil {
			return r.Fail(err)
		}
		if next == "" || past && !st.Unsorted {
			return true
		}
		st.Cursor = next
		if !r.Checkpoint(st) {
			return false
		}
	}
}

// databases reads the database listing oldest first from pos and, for
// each database, its node and its rows in the window.
func (r *run) databases(pos position) bool {
	st := pos
	retried := false
	var skipBefore time.Time
	for {
		var l apiList
		err := r.c.client.post(r.ctx, "/search", searchBody("database", "ascending", st.Cursor, r.c.settings.PageSize), &l)
		if err != nil && st.Cursor != "" && invalidCursor(err) && !retried {
			retried, st.Cursor, skipBefore = true, "", st.DBAt
			continue
		}
		if err != nil {
			return r.Fail(fmt.Errorf("notion: search databases: %w", err))
		}
		retried = false
		dbs := r.decodeDatabases(l.Results)
		if dbs == nil && r.Stopped() {
			return false
		}
		from := 0
		if st.DB != "" {
			for i, db := range dbs {
				if key(db.ID) == key(st.DB) {
					from = i
					if st.DBDone {
						from++
					}
					break
				}
			}
		}
		for i := from; i < len(dbs); i++ {
			db := dbs[i]
			if !skipBefore.IsZero() && db.LastEditedTime.Before(skipBefore) {
				continue
			}
			rows, rowAt := "", time.Time{}
			if st.DB != "" && key(db.ID) == key(st.DB) && !st.DBDone {
				rows, rowAt = st.Rows, st.RowAt
			}
			at := position{Phase: phaseDatabases, Cursor: st.Cursor, DB: db.ID, DBAt: db.LastEditedTime}
			if !r.database(db, at, rows, rowAt) {
				return false
			}
			at.DBDone = true
			if !r.Checkpoint(at) {
				return false
			}
		}
		next, err := l.next("search databases", st.Cursor)
		if err != nil {
			return r.Fail(err)
		}
		if next == "" {
			return true
		}
		// The next page starts after every database read so far; DBAt
		// keeps the edit time of the last one for a refused cursor.
		last := st.DBAt
		if len(dbs) > 0 {
			last = dbs[len(dbs)-1].LastEditedTime
		}
		st = position{Phase: phaseDatabases, Cursor: next, DBAt: last}
		if !r.Checkpoint(st) {
			return false
		}
	}
}

// decodeDatabases reads a listing page, reporting what does not decode.
// It returns nil when the stream stopped.
func (r *run) decodeDatabases(raws []json.RawMessage) []*apiObject {
	out := []*apiObject{}
	for _, raw := range raws {
		var o apiObject
		if err := json.Unmarshal(raw, &o); err != nil || o.ID == "" || o.LastEditedTime.IsZero() || !objectID.MatchString(o.ID) {
			if !r.badObject(raw, err) {
				return nil
			}
			continue
		}
		if !o.deleted() {
			out = append(out, &o)
		}
	}
	return out
}

// minuteFloor and minuteCeil round to the minute, the precision at which
// Notion compares the times of a filter.
func minuteFloor(t time.Time) time.Time { return t.Truncate(time.Minute) }

func minuteCeil(t time.Time) time.Time {
	m := t.Truncate(time.Minute)
	if m.Before(t) {
		m = m.Add(time.Minute)
	}
	return m
}

// rowQuery is the body of a row query from the time from (zero: none) to
// the window's end, oldest first. Notion reads the filter's times to the
// minute, so the bounds are rounded outwards and rows filtered exactly.
func (r *run) rowQuery(from time.Time, cursor string) map[string]any {
	var conds []any
	stamp := func(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }
	if !from.IsZero() {
		conds = append(conds, map[string]any{"timestamp": "last_edited_time",
			"last_edited_time": map[string]any{"on_or_after": stamp(minuteFloor(from))}})
	}
	if !r.end.IsZero() {
		conds = append(conds, map[string]any{"timestamp": "last_edited_time",
			"last_edited_time": map[string]any{"before": stamp(minuteCeil(r.end))}})
	}
	b := map[string]any{"sorts": []any{map[string]any{"timestamp": "last_edited_time", "direction": "ascending"}},
		"page_size": r.c.settings.PageSize}
	if len(conds) > 0 {
		b["filter"] = map[string]any{"and": conds}
	}
	if cursor != "" {
		b["start_cursor"] = cursor
	}
	return b
}

// database yields the database's node and its rows in the window, from
// the row cursor given, with a checkpoint after every page of rows.
func (r *run) database(db *apiObject, at position, cursor string, rowAt time.Time) bool {
	r.objects.put(key(db.ID), infoOf(db))
	node, ok := r.nodeOf(apiParent{Type: "database_id", DatabaseID: db.ID}, 0)
	if !ok {
		return false
	}
	from, retried := r.start, false
	if !rowAt.IsZero() && cursor == "" {
		from = rowAt
	}
	var prev time.Time
	for {
		var l apiList
		err := r.c.client.post(r.ctx, "/databases/"+pathID(db.ID)+"/query", r.rowQuery(from, cursor), &l)
		if err != nil && cursor != "" && invalidCursor(err) && !retried {
			retried, cursor, prev = true, "", time.Time{}
			if !rowAt.IsZero() {
				from = rowAt
			}
			continue
		}
		if err != nil && gone(err) {
			f := tributary.EntityFailure(node, databaseLink(db), fmt.Errorf("notion: query database: %w", err))
			f.MissedStart, f.MissedEnd = r.start, r.end
			return r.Yield(tributary.FailureItem(f))
		}
		if err != nil {
			return r.Fail(fmt.Errorf("notion: query database %s: %w", db.ID, err))
		}
		retried = false
		for _, raw := range l.Results {
			var o apiObject
			if err := json.Unmarshal(raw, &o); err != nil || o.ID == "" || o.LastEditedTime.IsZero() {
				if !r.badObject(raw, err) {
					return false
				}
				continue
			}
			if !prev.IsZero() && o.LastEditedTime.Before(prev) {
				r.c.env.Log().Warn("notion: database query not sorted by last edit", "database", db.ID)
			}
			prev, rowAt = o.LastEditedTime, o.LastEditedTime
			if !r.inWindow(o.LastEditedTime) || o.deleted() {
				continue
			}
			if !r.page(&o) {
				return false
			}
		}
		next, err := l.next("query database", cursor)
		if err != nil {
			return r.Fail(err)
		}
		if next == "" {
			return true
		}
		cursor = next
		at.Rows, at.RowAt = cursor, rowAt
		if !r.Checkpoint(at) {
			return false
		}
	}
}

// page yields a page's (or row's) ancestors' nodes and its document.
func (r *run) page(o *apiObject) bool {
	id := pageID(o.ID)
	if id == "" {
		return r.badObject(nil, fmt.Errorf("%w: page id %q", ErrMalformed, o.ID))
	}
	parent, ok := r.nodeOf(o.Parent, 0)
	if !ok {
		return false
	}
	var sections []tributary.Section
	if !r.slim {
		var err error
		if sections, err = r.content(o); err != nil {
			return r.docFailed(id, "read blocks", err)
		}
	}
	d, err := r.toDocument(o, parent, sections)
	if err != nil {
		return r.docFailed(id, "read page", err)
	}
	return r.Yield(tributary.DocumentItem(d))
}

// docFailed reports a document that could not be read: terminal errors
// end the run, others fail the one document.
func (r *run) docFailed(id, what string, err error) bool {
	if terminal(err) {
		return r.Fail(fmt.Errorf("notion: %s of %s: %w", what, id, err))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("notion: %s: %w", what, err))))
}

// badObject reports a result that does not decode, named by the id its
// document would have had when that much can be read.
func (r *run) badObject(raw json.RawMessage, err error) bool {
	if err == nil {
		err = errors.New("object lacks id or last_edited_time")
	}
	err = fmt.Errorf("notion: malformed result: %w", err)
	if !errors.Is(err, ErrMalformed) {
		err = fmt.Errorf("%w: %w", ErrMalformed, err)
	}
	var ref struct {
		Object string `json:"object"`
		ID     string `json:"id"`
	}
	entity := "notion:search"
	if json.Unmarshal(raw, &ref) == nil && objectID.MatchString(ref.ID) {
		if ref.Object != "database" {
			id := pageID(ref.ID)
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
		}
		entity = databaseNodeID(ref.ID)
	}
	f := tributary.EntityFailure(entity, "", err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}
