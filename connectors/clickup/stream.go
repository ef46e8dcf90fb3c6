package clickup

import (
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
	checkpointKind    = "clickup"
	checkpointVersion = 1
	// pageSize is the number of tasks a page of GET /list/{id}/task
	// holds.
	pageSize = 100
	// maxPages bounds the pages of one listing (a million tasks).
	maxPages = 10000
	// commentPage is the number of comments an answer holds; a shorter
	// one is the last.
	commentPage = 25
)

// position is the checkpoint: the list in progress (by id, and by its
// index in the walk should the list be gone on resume) and where its
// listing is. Cursor (milliseconds) is the update time read up to: every
// task updated before it was yielded, and of those updated at Cursor the
// ones whose ids are in Tied (at most a page). Page is the page number,
// set only while more than a page of tasks share Cursor (or the listing
// is Unsorted); otherwise the listing is asked again from Cursor. Done
// marks a finished stream. Its size does not depend on the workspace's.
type position struct {
	List     string   `json:"list,omitempty"`
	Index    int      `json:"index,omitempty"`
	Cursor   int64    `json:"cursor,omitempty"`
	Tied     []string `json:"tied,omitempty"`
	Page     int      `json:"page,omitempty"`
	Unsorted bool     `json:"unsorted,omitempty"`
	Done     bool     `json:"done,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.Index < 0 || pos.Cursor < 0 || pos.Page < 0 || pos.Page > maxPages || len(pos.Tied) > pageSize ||
		len(pos.List) > 40 || (pos.List != "" && !numericID.MatchString(pos.List))
	for _, id := range pos.Tied {
		bad = bad || !validTaskID(id)
	}
	if bad {
		return position{}, tributary.NewError("clickup: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (list %q, index %d, page %d)", pos.List, pos.Index, pos.Page))
	}
	return pos, nil
}

// validTaskID reports an id of ClickUp's shape: letters and digits.
func validTaskID(id string) bool {
	if id == "" || len(id) > 40 {
		return false
	}
	for _, r := range id {
		if !('a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return false
		}
	}
	return true
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	*tributary.Yielder

	sent map[string]bool // nodes yielded in this run: a few per list
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion), sent: map[string]bool{}}
}

// all runs the stream from pos: every list of the walk, in order.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Done {
		return
	}
	places, err := r.c.walk(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	i := min(pos.Index, len(places))
	if pos.List != "" {
		if j := slices.IndexFunc(places, func(p *place) bool { return p.list.ID == pos.List }); j >= 0 {
			i = j
		} else {
			pos = position{} // the list is gone: go on with the one in its place
		}
	}
	for ; i < len(places); i++ {
		if places[i].list.ID != pos.List {
			pos = position{}
		}
		if !r.list(places[i], pos) {
			return
		}
		next := position{Done: true}
		if i+1 < len(places) {
			next = position{List: places[i+1].list.ID, Index: i + 1}
		}
		if !r.Checkpoint(next) {
			return
		}
	}
}

// list reads one list from pos: its nodes, then its tasks.
func (r *run) list(p *place, pos position) bool {
	access, err := r.c.listAccess(r.ctx, p)
	if err != nil {
		return r.listingFailed(p, err)
	}
	for _, n := range p.nodes(access) {
		if r.sent[n.ID] {
			continue
		}
		r.sent[n.ID] = true
		if !r.Yield(tributary.NodeItem(n)) {
			return false
		}
	}
	return r.tasks(p, access, pos)
}

// query is the listing of the list's tasks updated from cursor (at
// cursor included) to the window's end, oldest first.
func (r *run) query(cursor time.Time, page int) url.Values {
	q := url.Values{"order_by": {"updated"}, "reverse": {"true"}, "archived": {"false"},
		"include_closed":               {strconv.FormatBool(r.c.settings.IncludeClosed)},
		"subtasks":                     {strconv.FormatBool(r.c.settings.IncludeSubtasks)},
		"include_markdown_description": {"true"}, "page": {strconv.Itoa(page)}}
	if !cursor.IsZero() {
		// date_updated_gt is exclusive and in milliseconds: one before
		// the cursor's millisecond takes the cursor in.
		q.Set("date_updated_gt", strconv.FormatInt(cursor.Truncate(time.Millisecond).UnixMilli()-1, 10))
	}
	if !r.end.IsZero() {
		end := r.end.Truncate(time.Millisecond)
		if !end.Equal(r.end) {
			end = end.Add(time.Millisecond)
		}
		q.Set("date_updated_lt", strconv.FormatInt(end.UnixMilli(), 10))
	}
	return q
}

// tasks reads the list's tasks from pos, sorted by update time, oldest
// first. After each page that ends later than its cursor, the listing is
// asked again from the last time read, skipping the tasks read at it: a
// task edited during the run moves behind the reader instead of shifting
// an unread one onto a page read already, as page numbers over a
// changing listing would. Only a tie longer than a page is followed by
// page number.
func (r *run) tasks(p *place, access *tributary.ExternalAccess, pos position) bool {
	cursor, tied, page := r.start, []string(nil), 0
	if pos.List == p.list.ID && (pos.Cursor > 0 || pos.Page > 0) {
		from := time.Time{}
		if pos.Cursor > 0 {
			from = time.UnixMilli(pos.Cursor).UTC()
		}
		if !from.Before(r.start) {
			cursor, tied, page = from, pos.Tied, pos.Page
		}
	}
	order := tributary.NewUpdateOrder[string](pageSize, pos.List == p.list.ID && pos.Unsorted)
	order.OnUnsorted(func() {
		r.c.env.Log().Warn("clickup: tasks not sorted by update time; reading the list by page", "list", p.list.ID)
	})
	for pages := 0; ; pages++ {
		if pages > maxPages {
			return r.Fail(malformed("list tasks of "+p.list.ID, "more than %d pages", maxPages))
		}
		var a tasksAnswer
		if err := r.c.client.get(r.ctx, "/list/"+url.PathEscape(p.list.ID)+"/task", r.query(cursor, page), &a); err != nil {
			return r.listingFailed(p, err)
		}
		if a.LastPage == nil {
			return r.Fail(malformed("list tasks of "+p.list.ID, "an answer without last_page"))
		}
		if len(a.Tasks) == 0 && !*a.LastPage {
			return r.Fail(malformed("list tasks of "+p.list.ID, "an empty page that is not the last"))
		}
		order.Page(cursor, tied)
		if !r.page(p, access, a.Tasks, order) {
			return false
		}
		if *a.LastPage {
			return true
		}
		last, atLast := order.Last()
		if order.Unsorted() || !last.After(cursor) {
			page++
			if !order.Unsorted() {
				tied = atLast
			}
		} else {
			cursor, tied, page = last, atLast, 0
		}
		cp := position{List: p.list.ID, Cursor: cursor.UnixMilli(), Tied: tied, Page: page, Unsorted: order.Unsorted()}
		if cursor.IsZero() {
			cp.Cursor = 0
		}
		if !r.Checkpoint(cp) {
			return false
		}
	}
}

// listingFailed reports a list that could not be read. A list the token
// may not read (a 401 "not authorized", made a 403) or that is gone is a
// failure of the list, and the stream goes on with the next; anything
// else ends the stream, to resume from the last checkpoint.
func (r *run) listingFailed(p *place, err error) bool {
	err = fmt.Errorf("clickup: list %s: %w", p.list.ID, err)
	if !errors.Is(err, tributary.ErrInsufficientPermissions) && !errors.Is(err, tributary.ErrNotFound) {
		return r.Fail(err)
	}
	id := listID(p.team.ID, p.list.ID)
	f := tributary.EntityFailure(id, id, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// page yields the documents of a page of tasks.
func (r *run) page(p *place, access *tributary.ExternalAccess, raws []json.RawMessage, order *tributary.UpdateOrder[string]) bool {
	for _, raw := range raws {
		var k apiTask
		if err := json.Unmarshal(raw, &k); err != nil || !validTaskID(k.ID) || !k.Updated.ok {
			if err == nil {
				err = errors.New("a task without an id or an update time")
			}
			return r.Fail(tributary.NewError("clickup: list tasks of "+p.list.ID, tributary.ErrMalformedResponse, err))
		}
		at := k.Updated.t
		if order.Item(at, k.ID) || !r.inWindow(at) || (k.List.ID != "" && k.List.ID != p.list.ID) || k.Archived {
			continue // read before, outside the window, or read in its home list
		}
		it, err := r.item(p, access, &k)
		if err != nil {
			return r.Fail(err)
		}
		if !r.Yield(it) {
			return false
		}
	}
	return true
}

// item is the task's document with its comments, or a failure under its
// id when they cannot be read. An error that will fail every request
// (a dead token, the budget spent past the stack's wait, a cancelled
// context) ends the stream instead.
func (r *run) item(p *place, access *tributary.ExternalAccess, k *apiTask) (tributary.Item, error) {
	id := TaskID(k.ID)
	failure := func(err error) (tributary.Item, error) {
		if terminal(err) {
			return tributary.Item{}, err
		}
		return tributary.FailureItem(tributary.DocumentFailure(id, id, err)), nil
	}
	if r.c.settings.TaskMembers && p.private() {
		var a membersAnswer
		if err := r.c.client.get(r.ctx, "/task/"+url.PathEscape(k.ID)+"/member", nil, &a); err != nil {
			return failure(fmt.Errorf("clickup: members of task %s: %w", k.ID, err))
		}
		access = &tributary.ExternalAccess{UserEmails: emails(a.Members)}
	}
	var comments []apiComment
	if !r.slim && r.c.settings.IncludeComments {
		var err error
		if comments, err = r.c.comments(r.ctx, k.ID); err != nil {
			return failure(err)
		}
	}
	return tributary.DocumentItem(r.c.document(p, access, k, comments)), nil
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// comments reads a task's comments, newest first as ClickUp gives them
// (25 an answer, fewer in the last), older ones asked for by the start
// and start_id of the oldest read, up to MaxComments.
func (c *Connector) comments(ctx context.Context, task string) ([]apiComment, error) {
	var out []apiComment
	q := url.Values{}
	for len(out) < c.settings.MaxComments {
		var a commentsAnswer
		if err := c.client.get(ctx, "/task/"+url.PathEscape(task)+"/comment", q, &a); err != nil {
			return nil, fmt.Errorf("clickup: comments of task %s: %w", task, err)
		}
		if len(a.Comments) == 0 {
			break
		}
		oldest := a.Comments[len(a.Comments)-1]
		if oldest.ID == "" || !oldest.Date.ok {
			return nil, malformed("comments of task "+task, "a comment without an id or a date")
		}
		if q.Get("start_id") == oldest.ID {
			return nil, malformed("comments of task "+task, "paging that does not move on")
		}
		out = append(out, a.Comments...)
		if len(a.Comments) < commentPage {
			break
		}
		q = url.Values{"start": {strconv.FormatInt(oldest.Date.t.UnixMilli(), 10)}, "start_id": {oldest.ID}}
	}
	return out[:min(len(out), c.settings.MaxComments)], nil
}
