package gitlab

import (
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
	"github.com/tributary-dev/tributary/httpx"
)

// The listings read in each project.
const (
	kindIssues = "issues"
	kindMRs    = "merge_requests"
	kindWiki   = "wikis"
	kindDone   = "done" // the project (or, with no project, the group) is finished
)

// The phases of a stream: the configured projects, then the groups'.
const (
	phaseProjects = 0
	phaseGroups   = 1
)

const (
	checkpointKind    = "gitlab"
	checkpointVersion = 1
)

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the source.
type position struct {
	Phase int    `json:"phase"`
	Group string `json:"group,omitempty"` // group in progress (phase 1)
	// Project and ProjectID name the project in progress; in a group,
	// projects come in id order, so the id places the listing.
	Project   string `json:"project,omitempty"`
	ProjectID int64  `json:"project_id,omitempty"`
	Kind      string `json:"kind,omitempty"` // listing in progress, or done
	// Cursor is the update time the listing has read up to: everything
	// updated before it was yielded, and of the items updated at Cursor
	// those whose iids are in AtCursor. Page is the page to read of the
	// listing of items updated at or after Cursor: 1 unless more than a
	// page of items share Cursor's time.
	Cursor   time.Time `json:"cursor,omitzero"`
	AtCursor []int64   `json:"at_cursor,omitempty"`
	Page     int       `json:"page,omitempty"`
	// Unsorted marks a listing found out of update-time order: it is then
	// read by page number from Page on, without a cursor.
	Unsorted bool `json:"unsorted,omitempty"`
}

func (c *Connector) decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := func(format string, args ...any) (position, error) {
		return position{}, tributary.NewError("gitlab: decode checkpoint", tributary.ErrInvalidCheckpoint, fmt.Errorf(format, args...))
	}
	switch {
	case pos.Phase != phaseProjects && pos.Phase != phaseGroups:
		return bad("unknown phase %d", pos.Phase)
	case !slices.Contains([]string{"", kindIssues, kindMRs, kindWiki, kindDone}, pos.Kind):
		return bad("unknown listing %q", pos.Kind)
	case pos.Phase == phaseProjects && !validPath(pos.Project, 2):
		return bad("bad project %q", pos.Project)
	case pos.Phase == phaseGroups && !validPath(pos.Group, 1):
		return bad("bad group %q", pos.Group)
	case pos.Project != "" && !validPath(pos.Project, 2), pos.ProjectID < 0, pos.Page < 0:
		return bad("bad project position")
	case len(pos.AtCursor) > maxPerPage:
		return bad("%d items at the cursor, more than a page holds", len(pos.AtCursor))
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
	// emails caches members' public addresses by user id for the run,
	// bounded by maxEmailCache.
	emails map[int64]string
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if pos.Phase == phaseProjects {
		for _, path := range r.c.projects {
			if pos.Project != "" && path < pos.Project {
				continue
			}
			from := position{Phase: phaseProjects, Project: path}
			if pos.Project == path {
				from = pos
			}
			if !r.configuredProject(path, from) {
				return
			}
		}
		pos = position{Phase: phaseGroups}
	}
	for _, g := range r.c.groups {
		if pos.Group != "" && g < pos.Group {
			continue
		}
		from := position{Phase: phaseGroups, Group: g}
		if pos.Group == g {
			from = pos
		}
		if !r.group(g, from) {
			return
		}
	}
}

// configuredProject reads one configured project. A project that no
// longer exists or can no longer be seen is a failure, not the end of the
// run.
func (r *run) configuredProject(path string, from position) bool {
	if from.Kind == kindDone {
		return true
	}
	p, err := r.c.client.getProject(r.ctx, path)
	switch {
	case errors.Is(err, tributary.ErrNotFound), errors.Is(err, tributary.ErrInsufficientPermissions):
		f := tributary.EntityFailure(r.c.client.web+"/"+path, r.c.client.web+"/"+path, err)
		f.MissedStart, f.MissedEnd = r.start, r.end
		return r.Yield(tributary.FailureItem(f)) &&
			r.Checkpoint(position{Phase: phaseProjects, Project: path, Kind: kindDone})
	case err != nil:
		return r.Fail(fmt.Errorf("gitlab: %w", err))
	}
	return r.project(p, from)
}

// groupListURL returns the first page of a group's projects in id order,
// without the projects shared with it from elsewhere, by keyset pagination
// from after the project in progress; with keyset false, by offset
// pagination from the start.
func (r *run) groupListURL(group string, from position, keyset bool) string {
	q := url.Values{"order_by": {"id"}, "sort": {"asc"}, "per_page": {strconv.Itoa(maxPerPage)},
		"with_shared": {"false"}, "include_subgroups": {strconv.FormatBool(r.c.settings.IncludeSubgroups)}}
	if keyset {
		q.Set("pagination", "keyset")
		if from.ProjectID > 0 {
			q.Set("id_after", strconv.FormatInt(from.ProjectID-1, 10))
		}
	}
	return r.c.client.url("/groups/"+enc(group)+"/projects", q)
}

// group reads the projects of a group, in id order, skipping the
// configured projects (read already) and on resume those before the
// project in progress. Keyset pagination is asked for; an instance that
// refuses it (405) is read by offset instead.
func (r *run) group(g string, from position) bool {
	if from.Kind == kindDone && from.Project == "" {
		return true
	}
	keyset := true
	for {
		fellBack, ok := r.groupProjects(g, from, keyset)
		if !fellBack {
			return ok
		}
		keyset = false
	}
}

// groupProjects lists a group's projects; it reports fellBack when the
// keyset listing was refused at its first page, before anything was read.
func (r *run) groupProjects(g string, from position, keyset bool) (fellBack, ok bool) {
	first := true
	for pg, err := range r.c.client.pages(r.ctx, r.groupListURL(g, from, keyset)) {
		if err != nil {
			if keyset && first && status(err) == http.StatusMethodNotAllowed {
				return true, false
			}
			return false, r.groupFailed(g, err)
		}
		first = false
		projects, err := decodeItems[apiProject](pg.Items)
		if err != nil {
			return false, r.Fail(fmt.Errorf("gitlab: list projects of %s: %w", g, err))
		}
		for i := range projects {
			p := &projects[i]
			if err := p.check(); err != nil {
				return false, r.Fail(tributary.NewError("gitlab: list projects of "+g, tributary.ErrTransient, err))
			}
			if p.ID < from.ProjectID || r.c.configured(p.PathWithNamespace) {
				continue
			}
			at := position{Phase: phaseGroups, Group: g, Project: lower(p.PathWithNamespace), ProjectID: p.ID}
			if p.ID == from.ProjectID {
				at = from
			}
			if !r.project(p, at) {
				return false, false
			}
		}
	}
	return false, r.Checkpoint(position{Phase: phaseGroups, Group: g, Kind: kindDone})
}

// groupFailed reports a group that could not be listed: one deleted or
// hidden meanwhile is a failure and the stream goes on with the next
// group; anything else ends the stream.
func (r *run) groupFailed(g string, err error) bool {
	err = fmt.Errorf("gitlab: list projects of %s: %w", g, err)
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) {
		return r.Fail(err)
	}
	link := r.c.client.web + "/groups/" + g
	f := tributary.EntityFailure(link, link, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f)) && r.Checkpoint(position{Phase: phaseGroups, Group: g, Kind: kindDone})
}

func (c *Connector) configured(path string) bool {
	_, found := slices.BinarySearch(c.projects, lower(path))
	return found
}

// kindsOf lists the listings to read in the project, in stream order:
// those the settings ask for that the project has turned on. Wiki pages
// have no update time, so they are read only over all time (from a zero
// start) unless probing.
func (c *Connector) kindsOf(p *apiProject, probing bool) []string {
	var k []string
	if c.settings.IncludeIssues && enabled(p.IssuesEnabled, p.IssuesAccessLevel) {
		k = append(k, kindIssues)
	}
	if c.settings.IncludeMergeRequests && enabled(p.MergeRequestsEnabled, p.MergeRequestsAccessLevel) {
		k = append(k, kindMRs)
	}
	if c.settings.IncludeWiki && enabled(p.WikiEnabled, p.WikiAccessLevel) && probing {
		k = append(k, kindWiki)
	}
	return k
}

// project yields the project's nodes, then its listings from from.Kind on,
// with a checkpoint after each listing.
func (r *run) project(p *apiProject, from position) bool {
	pa, ok := r.projectAccess(p)
	if !ok {
		return false
	}
	for _, n := range projectNodes(r.c.client.web, p, pa.nodeAccess()) {
		if !r.Yield(tributary.NodeItem(n)) {
			return false
		}
	}
	kinds := r.c.kindsOf(p, r.start.IsZero())
	firstKind := max(0, slices.Index(kinds, from.Kind))
	at := func(kind string) position {
		return position{Phase: from.Phase, Group: from.Group, Project: lower(p.PathWithNamespace), ProjectID: from.ProjectID, Kind: kind}
	}
	for i := firstKind; i < len(kinds); i++ {
		lpos := at(kinds[i])
		if i == firstKind && from.Kind == kinds[i] {
			lpos = from
		}
		var ok bool
		if kinds[i] == kindWiki {
			ok = r.wiki(p, pa)
		} else {
			ok = r.listing(p, kinds[i], lpos, pa)
		}
		if !ok {
			return false
		}
		next := kindDone
		if i+1 < len(kinds) {
			next = kinds[i+1]
		}
		if !r.Checkpoint(at(next)) {
			return false
		}
	}
	return true
}

// listURL returns a page of a listing: items updated in [cursor, end],
// oldest first (GitLab's updated_after and updated_before are inclusive;
// the window's end is applied exactly afterwards).
func (r *run) listURL(p *apiProject, kind string, cursor time.Time, page int) string {
	q := url.Values{"order_by": {"updated_at"}, "sort": {"asc"}, "per_page": {strconv.Itoa(r.c.settings.PerPage)}}
	if page > 1 {
		q.Set("page", strconv.Itoa(page))
	}
	if r.c.settings.State == StateOpened {
		q.Set("state", StateOpened)
	}
	if !cursor.IsZero() {
		q.Set("updated_after", cursor.UTC().Format(time.RFC3339Nano))
	}
	if !r.end.IsZero() {
		q.Set("updated_before", r.end.UTC().Format(time.RFC3339Nano))
	}
	return r.c.client.url(fmt.Sprintf("/projects/%d/%s", p.ID, kind), q)
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// page fetches one listing page and reports whether another follows.
func (c *client) page(ctx context.Context, rawURL string) ([]json.RawMessage, bool, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, false, tributary.NewError("gitlab", tributary.ErrInvalidConfig, fmt.Errorf("bad request URL: %w", err))
	}
	req.Header.Set("Accept", "application/json")
	var items []json.RawMessage
	h, err := c.http.DoJSON(req, &items)
	if err != nil {
		return nil, false, err
	}
	return items, httpx.NextLink(h, req.URL) != "" || h.Get("X-Next-Page") != "", nil
}

// listing reads one listing of a project from pos. Items come oldest
// first; after each page that ends later than it began, the listing is
// asked again from the last update time read, skipping the items read at
// that time, so that an item edited during the run (which moves to the
// end) never shifts an unread one back past the reader. Only more than a
// page of items sharing one update time is read by page number.
func (r *run) listing(p *apiProject, kind string, pos position, pa *projectAccess) bool {
	cursor, atCursor, pageNo := pos.Cursor, pos.AtCursor, max(pos.Page, 1)
	if cursor.IsZero() || cursor.Before(r.start) {
		cursor, atCursor = r.start, nil
	}
	l := &lister{run: r, p: p, kind: kind, pa: pa, order: tributary.NewUpdateOrder[int64](maxPerPage, pos.Unsorted)}
	l.order.OnUnsorted(func() {
		r.c.env.Log().Warn("gitlab: listing not sorted by update time; reading it by page number",
			"project", p.PathWithNamespace, "listing", kind)
	})
	for {
		items, more, err := r.c.client.page(r.ctx, r.listURL(p, kind, cursor, pageNo))
		if err != nil {
			return r.listingFailed(p, kind, err)
		}
		last, atLast, ok := l.page(items, cursor, atCursor)
		if !ok {
			return false
		}
		if !more {
			return true
		}
		switch unsorted := l.order.Unsorted(); {
		case unsorted || !last.After(cursor):
			pageNo++
			if !unsorted {
				atCursor = atLast
			}
		default:
			cursor, atCursor, pageNo = last, atLast, 1
		}
		cp := position{Phase: pos.Phase, Group: pos.Group, Project: lower(p.PathWithNamespace), ProjectID: pos.ProjectID,
			Kind: kind, Cursor: cursor, AtCursor: atCursor, Page: pageNo, Unsorted: l.order.Unsorted()}
		if !r.Checkpoint(cp) {
			return false
		}
	}
}

// listingFailed reports a listing that could not be read. A project
// deleted or hidden meanwhile (404) or a listing the token may not read
// (403) is a failure of that listing, and the stream goes on with the next
// one; anything else ends the stream, to resume from the last checkpoint.
func (r *run) listingFailed(p *apiProject, kind string, err error) bool {
	err = fmt.Errorf("gitlab: list %s of %s: %w", kind, p.PathWithNamespace, err)
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(p.WebURL+"/-/"+kind, p.WebURL, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// lister holds what one listing needs across its pages.
type lister struct {
	*run
	p     *apiProject
	kind  string
	pa    *projectAccess
	order *tributary.UpdateOrder[int64]
}

// page yields the documents of one page. It returns the update time of
// its last item and the iids of the page's items updated at that time.
// Items updated at cursor whose iids are in skip were yielded before.
func (l *lister) page(items []json.RawMessage, cursor time.Time, skip []int64) (last time.Time, atLast []int64, ok bool) {
	l.order.Page(cursor, skip)
	for _, raw := range items {
		var it apiItem
		if err := json.Unmarshal(raw, &it); err != nil || it.IID <= 0 || it.UpdatedAt.IsZero() {
			if !l.badItem(raw, err) {
				return cursor, nil, false
			}
			continue
		}
		if l.order.Item(it.UpdatedAt, it.IID) || !l.inWindow(it.UpdatedAt) || !l.admits(&it) {
			continue
		}
		if !l.item(&it) {
			return cursor, nil, false
		}
	}
	last, atLast = l.order.Last()
	return last, atLast, true
}

// admits applies the state setting: "closed" reads merged merge requests
// too, which GitLab's state=closed leaves out.
func (l *lister) admits(it *apiItem) bool {
	return admitState(l.c.settings.State, it.State)
}

func admitState(want, state string) bool {
	switch want {
	case StateOpened:
		return state == "opened"
	case StateClosed:
		return state == "closed" || state == "merged"
	}
	return true
}

// badItem reports an item that does not decode, named by the id its
// document would have had.
func (l *lister) badItem(raw json.RawMessage, err error) bool {
	if err == nil {
		err = errors.New("item lacks iid or updated_at")
	}
	err = fmt.Errorf("gitlab: malformed %s item: %w", l.kind, err)
	var ref itemRef
	if json.Unmarshal(raw, &ref) == nil && (ref.WebURL != "" || ref.IID > 0) {
		id := itemID(l.p, ref.WebURL, ref.IID, l.kind == kindMRs)
		return l.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	f := tributary.EntityFailure(l.p.WebURL+"/-/"+l.kind, l.p.WebURL, err)
	f.MissedStart, f.MissedEnd = l.start, l.end
	return l.Yield(tributary.FailureItem(f))
}

// item maps one item and yields its document, with notes when asked.
func (l *lister) item(it *apiItem) bool {
	d, ok := l.document(l.p, it, l.kind == kindMRs, l.pa)
	if !ok {
		return false
	}
	return d == nil || l.Yield(tributary.DocumentItem(d))
}

// document maps an item to its document with notes, or yields a failure
// for it (returning nil). It reports false when the stream ends.
func (r *run) document(p *apiProject, it *apiItem, mr bool, pa *projectAccess) (*tributary.Document, bool) {
	d, err := toDocument(p, it, mr, pa.forItem(it, mr))
	if err != nil {
		id := itemID(p, it.WebURL, it.IID, mr)
		return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	if r.c.settings.IncludeNotes && !r.slim && (it.UserNotesCount == nil || *it.UserNotesCount > 0) {
		sections, err := r.notes(p, it.IID, mr, d.ID)
		if err != nil {
			if terminal(err) {
				return nil, r.Fail(fmt.Errorf("gitlab: notes of %s: %w", d.ID, err))
			}
			return nil, r.Yield(tributary.FailureItem(tributary.DocumentFailure(d.ID, d.ID, fmt.Errorf("gitlab: notes: %w", err))))
		}
		d.Sections = append(d.Sections, sections...)
	}
	return d, true
}

// notes reads every note of an item oldest first, page by page, leaving
// out system notes.
func (r *run) notes(p *apiProject, iid int64, mr bool, link string) ([]tributary.Section, error) {
	kind := kindIssues
	if mr {
		kind = kindMRs
	}
	first := r.c.client.url(fmt.Sprintf("/projects/%d/%s/%d/notes", p.ID, kind, iid),
		url.Values{"sort": {"asc"}, "order_by": {"created_at"}, "per_page": {"100"}})
	var out []tributary.Section
	for n, err := range each[apiNote](r.ctx, r.c.client, first) {
		if err != nil {
			return nil, err
		}
		if !n.System {
			out = append(out, noteSection(link, n))
		}
	}
	return out, nil
}

// wiki yields the project's wiki pages. GitLab lists them all in one
// answer.
func (r *run) wiki(p *apiProject, pa *projectAccess) bool {
	var pages []json.RawMessage
	err := r.c.client.get(r.ctx, r.c.client.url(fmt.Sprintf("/projects/%d/wikis", p.ID), url.Values{"with_content": {"1"}}), &pages)
	if err != nil {
		return r.listingFailed(p, kindWiki, err)
	}
	for _, raw := range pages {
		var w apiWikiPage
		if err := json.Unmarshal(raw, &w); err != nil || w.Slug == "" {
			if err == nil {
				err = errors.New("page without a slug")
			}
			f := tributary.EntityFailure(p.WebURL+"/-/wikis", p.WebURL, fmt.Errorf("gitlab: malformed wiki page: %w", err))
			if !r.Yield(tributary.FailureItem(f)) {
				return false
			}
			continue
		}
		if !r.Yield(tributary.DocumentItem(wikiDocument(p, &w, pa.forWiki()))) {
			return false
		}
	}
	return true
}
