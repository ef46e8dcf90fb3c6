package jira

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "jira"
	checkpointVersion = 1
)

// position is the checkpoint state: where the stream is, never what it has
// seen. Its size does not depend on the size of the source.
type position struct {
	// Project is the key of the project in progress; Done says it is
	// finished.
	Project string `json:"project,omitempty"`
	Done    bool   `json:"done,omitempty"`
	// From is the lower bound of the search in progress (the window's
	// start, or the update time of an issue already passed); zero means
	// none.
	From time.Time `json:"from,omitzero"`
	// Cursor is the update time of the last issue passed, and Tied the
	// keys of the issues passed that were updated at exactly that time
	// (Key is the first of them, as older checkpoints hold it). A resumed
	// search skips every issue updated before Cursor and the tied ones;
	// it does not rely on the order the server gives ties, which is not
	// always key order. Tied holds at most maxTied keys: a tie longer than
	// that is delivered again on a restart, never lost.
	Cursor time.Time `json:"cursor,omitzero"`
	Key    string    `json:"key,omitempty"`
	Tied   []string  `json:"tied,omitempty"`
	// Token (Cloud) or Offset (Server) is where the next page of the
	// search starts.
	Token  string `json:"token,omitempty"`
	Offset int    `json:"offset,omitempty"`
	// Unsorted says the search was found out of order: it is then read to
	// its end page by page, with no skipping by Cursor.
	Unsorted bool `json:"unsorted,omitempty"`
}

// maxTied bounds position.Tied, and with it the checkpoint.
const maxTied = 20

// passed reports whether the issue (key, updated at t) was passed by the
// cursor.
func (p *position) passed(t time.Time, key string) bool {
	if p.Cursor.IsZero() {
		return false
	}
	if c := t.Compare(p.Cursor); c != 0 {
		return c < 0
	}
	return key == p.Key || slices.Contains(p.Tied, key)
}

// pass moves the cursor past the issue (key, updated at t).
func (p *position) pass(t time.Time, key string) {
	if !t.Equal(p.Cursor) || p.Key == "" {
		p.Cursor, p.Key, p.Tied = t, key, nil
		return
	}
	if len(p.Tied) < maxTied-1 {
		p.Tied = append(p.Tied, key)
	}
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	if !projectKey.MatchString(pos.Project) || pos.Offset < 0 || len(pos.Token) > 4096 {
		return position{}, tributary.NewError("jira: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (project %q, offset %d)", pos.Project, pos.Offset))
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
	// loc is the account's time zone, in which Jira reads JQL dates; nil
	// when unknown.
	loc *time.Location
	// projectAccess is who may browse the project in progress, nil when
	// permissions were not asked for.
	projectAccess *projectAccess
}

// all runs the stream from pos.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	if !r.zone() {
		return
	}
	keys, err := r.c.projectList(r.ctx)
	if err != nil {
		r.Fail(err)
		return
	}
	for _, key := range keys {
		if pos.Project != "" && (key < pos.Project || key == pos.Project && pos.Done) {
			continue
		}
		from := position{Project: key}
		if key == pos.Project {
			from = pos
		}
		if !r.project(key, from) || !r.Checkpoint(position{Project: key, Done: true}) {
			return
		}
	}
}

// zone reads the account's time zone, in which Jira reads the dates of a
// JQL query.
func (r *run) zone() bool {
	var me apiUser
	if err := r.c.client.get(r.ctx, r.c.client.url("/myself", nil), &me); err != nil {
		return r.Fail(fmt.Errorf("jira: read the account's time zone: %w", err))
	}
	if loc, err := time.LoadLocation(me.TimeZone); err == nil && me.TimeZone != "" {
		r.loc = loc
	} else {
		r.c.env.Log().Warn("jira: unknown account time zone; searching a day wider and filtering exactly",
			"time_zone", me.TimeZone)
	}
	return true
}

// projectList returns the configured project keys, or every project the
// account can see, sorted by key.
func (c *Connector) projectList(ctx context.Context) ([]string, error) {
	if len(c.projects) > 0 {
		return c.projects, nil
	}
	var keys []string
	if c.settings.Deployment == Server {
		var ps []*apiProject
		if err := c.client.get(ctx, c.client.url("/project", nil), &ps); err != nil {
			return nil, fmt.Errorf("jira: list projects: %w", err)
		}
		for _, p := range ps {
			keys = append(keys, p.Key)
		}
	} else {
		for start := 0; ; {
			var pg projectPage
			q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"50"}, "orderBy": {"key"}}
			if err := c.client.get(ctx, c.client.url("/project/search", q), &pg); err != nil {
				return nil, fmt.Errorf("jira: list projects: %w", err)
			}
			for _, p := range pg.Values {
				keys = append(keys, p.Key)
			}
			if pg.IsLast == nil || *pg.IsLast || len(pg.Values) == 0 {
				break
			}
			start += len(pg.Values)
		}
	}
	keys = slices.DeleteFunc(keys, func(k string) bool { return !projectKey.MatchString(k) })
	slices.Sort(keys)
	return slices.Compact(keys), nil
}

// projectClause returns the JQL naming one project.
func projectClause(key string) string { return `project = "` + key + `"` }

// project yields the project's node and then its issues from pos.
func (r *run) project(key string, pos position) bool {
	var p apiProject
	err := r.c.client.get(r.ctx, r.c.client.url("/project/"+url.PathEscape(key), nil), &p)
	if err != nil {
		return r.projectFailed(key, err)
	}
	access, ok := r.access(key)
	if !ok {
		return false
	}
	node := &tributary.HierarchyNode{ID: r.c.projectID(key), Name: p.Name, Link: r.c.projectID(key), Kind: tributary.NodeProject}
	if node.Name == "" {
		node.Name = key
	}
	if access != nil {
		node.ExternalAccess = cloneAccess(access.base)
	}
	r.projectAccess = access
	return r.Yield(tributary.NodeItem(node)) && r.issues(key, pos)
}

// projectFailed reports a project that could not be read. A project
// deleted or hidden meanwhile is a failure of that project, and the stream
// goes on; anything else ends the stream, to resume from the last
// checkpoint.
func (r *run) projectFailed(key string, err error) bool {
	err = fmt.Errorf("jira: read project %s: %w", key, err)
	if !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrInsufficientPermissions) && !badRequest(err) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(r.c.projectID(key), r.c.projectID(key), err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// projectID is the id (and link) of a project's node.
func (c *Connector) projectID(key string) string { return c.client.site + "/browse/" + key }

// issueID is the id of an issue's document: its browse URL.
func (c *Connector) issueID(key string) string { return c.client.site + "/browse/" + key }

// jqlDate is the layout of JQL dates; Jira reads them in the account's
// time zone, to the minute.
const jqlDate = "2006/01/02 15:04"

// jql returns the search for the project's issues updated from from (zero:
// no lower bound) to the window's end, oldest first. Dates have minute
// precision, so the bounds are rounded outwards and the issues filtered
// exactly by their update times; with the time zone unknown they are
// widened by 14 hours, the largest offset from UTC.
func (r *run) jql(key string, from time.Time) string {
	var b strings.Builder
	b.WriteString(projectClause(key))
	if r.c.settings.JQL != "" {
		b.WriteString(" AND (" + r.c.settings.JQL + ")")
	}
	if !from.IsZero() {
		b.WriteString(` AND updated >= "` + r.jqlTime(from, false) + `"`)
	}
	if !r.end.IsZero() {
		b.WriteString(` AND updated < "` + r.jqlTime(r.end, true) + `"`)
	}
	b.WriteString(" ORDER BY updated ASC, key ASC")
	return b.String()
}

// jqlTime writes t as a JQL date in the account's zone, rounded down to
// the minute, or up when up is set. A local time that names two instants
// (the hour repeated when daylight saving time ends) or none is moved an
// hour outwards, since Jira may read it as either.
func (r *run) jqlTime(t time.Time, up bool) string {
	loc, slack := r.loc, time.Duration(0)
	if loc == nil {
		loc, slack = time.UTC, 14*time.Hour
	}
	dir := time.Duration(-1)
	if up {
		dir = 1
	}
	t = t.Add(dir * slack)
	m := t.Truncate(time.Minute)
	if up && m.Before(t) {
		m = m.Add(time.Minute)
	}
	s := m.In(loc).Format(jqlDate)
	if back, err := time.ParseInLocation(jqlDate, s, loc); err != nil || !back.Equal(m) ||
		m.Add(-time.Hour).In(loc).Format(jqlDate) == s || m.Add(time.Hour).In(loc).Format(jqlDate) == s {
		s = m.Add(dir * time.Hour).In(loc).Format(jqlDate)
	}
	return s
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return (r.start.IsZero() || !t.Before(r.start)) && (r.end.IsZero() || t.Before(r.end))
}

// fields lists the issue fields to ask for.
func (r *run) fields() []string {
	var f []string
	switch {
	case r.slim:
		f = []string{"updated"}
		if r.projectAccess != nil {
			f = append(f, "reporter", "assignee")
		}
	default:
		f = []string{"summary", "description", "created", "updated", "reporter", "creator", "assignee",
			"labels", "status", "priority", "issuetype", "resolution", "project"}
		if r.c.settings.IncludeComments {
			f = append(f, "comment")
		}
	}
	if r.projectAccess != nil {
		f = append(f, "security")
	}
	return f
}

// issues reads the project's issues page by page from pos. After each page
// whose last issue lies in a later minute than the search's lower bound,
// the search starts again from that issue's update time, skipping what was
// passed: a page token or offset is then never older than one page, and an
// issue edited during the run (which moves to the end of the order) cannot
// shift an unread one past the reader.
func (r *run) issues(key string, pos position) bool {
	st := pos
	st.Project, st.Done = key, false
	if st.From.IsZero() && st.Cursor.IsZero() {
		st.From = r.start
	}
	expired, prev := false, mark{}
	// relied says the search has skipped something on the strength of its
	// order: by the cursor of a checkpoint or of a restart.
	relied := !st.Cursor.IsZero() && !st.Unsorted
	for {
		pg, err := r.c.searchPage(r.ctx, r.jql(key, st.From), st.Token, st.Offset, r.c.settings.PageSize, r.fields())
		if err != nil && badRequest(err) && st.Token != "" && !expired {
			// The page token expired: search again from the cursor.
			expired, st.Token, st.Offset, prev = true, "", 0, mark{}
			if !st.Cursor.IsZero() && !st.Unsorted {
				st.From = st.Cursor
			}
			continue
		}
		if err != nil {
			return r.projectFailed(key, fmt.Errorf("search: %w", err))
		}
		expired = false
		ok, reread := r.page(key, pg.issues, &st, &prev, &relied)
		if !ok {
			return false
		}
		if reread {
			// Out of order: the cursor and restarts trusted an order the
			// search does not keep, so read it all again, unsorted.
			st, prev, relied = position{Project: key, From: r.start, Unsorted: true}, mark{}, false
			continue
		}
		if pg.last {
			return true
		}
		if !st.Unsorted && r.loc != nil && st.Cursor.Truncate(time.Minute).After(st.From.Truncate(time.Minute)) {
			st.From, st.Token, st.Offset, prev, relied = st.Cursor, "", 0, mark{}, true
		} else {
			st.Token, st.Offset = pg.token, pg.offset
		}
		if !r.Checkpoint(st) {
			return false
		}
	}
}

// mark is an issue's place in the order updated ASC, key ASC.
type mark struct {
	t   time.Time
	key string
}

// page yields the documents of one page and moves the cursor past it.
// prev is the last issue of the search so far, for the order check. A
// search found out of order is read on unsorted, with no more skipping;
// but when it has already relied on its order (relied), what it skipped
// may never have been read, and page reports reread: the search must be
// read again from the window's start.
func (r *run) page(key string, raws []json.RawMessage, st *position, prev *mark, relied *bool) (ok, reread bool) {
	for _, raw := range raws {
		var is apiIssue
		if err := json.Unmarshal(raw, &is); err != nil || is.Key == "" || is.Fields.Updated.IsZero() {
			if !r.badIssue(key, raw, err) {
				return false, false
			}
			continue
		}
		upd := is.Fields.Updated.Time
		// Only the update time's order is relied on: ties come in the
		// server's order, which need not be key order.
		if !st.Unsorted && upd.Before(prev.t) {
			r.c.env.Log().Warn("jira: search not sorted by update time; reading it to the end", "project", key, "again", *relied)
			if *relied {
				return true, true
			}
			st.Unsorted = true
		}
		*prev = mark{upd, is.Key}
		if !st.Unsorted {
			if st.passed(upd, is.Key) {
				*relied = true
				continue // passed already: a restarted search re-reads its first minute
			}
			st.pass(upd, is.Key)
		}
		if !r.inWindow(upd) {
			continue
		}
		if !r.issue(key, &is) {
			return false, false
		}
	}
	return true, false
}

// splitKey parts an issue key into its project key and number.
func splitKey(k string) (string, int) {
	i := strings.LastIndexByte(k, '-')
	if i < 0 {
		return k, 0
	}
	n, err := strconv.Atoi(k[i+1:])
	if err != nil {
		return k, 0
	}
	return k[:i], n
}

// badIssue reports an issue that does not decode, named by the id its
// document would have had.
func (r *run) badIssue(key string, raw json.RawMessage, err error) bool {
	if err == nil {
		err = errors.New("issue lacks key or updated")
	}
	err = fmt.Errorf("jira: malformed issue: %w", err)
	var ref issueRef
	if json.Unmarshal(raw, &ref) == nil && ref.Key != "" {
		id := r.c.issueID(ref.Key)
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	f := tributary.EntityFailure(r.c.projectID(key), r.c.projectID(key), err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// issue maps one issue and yields its document, with every comment when
// asked. An issue whose comments cannot all be read is a failure, never a
// document that looks complete.
func (r *run) issue(key string, is *apiIssue) bool {
	d, err := r.c.toDocument(key, is)
	if err != nil {
		id := r.c.issueID(is.Key)
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	d.ExternalAccess = r.projectAccess.issueAccess(&is.Fields)
	if r.c.settings.IncludeComments && !r.slim {
		sections, err := r.comments(is)
		if err != nil {
			if terminal(err) {
				return r.Fail(fmt.Errorf("jira: comments of %s: %w", d.ID, err))
			}
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(d.ID, d.ID, fmt.Errorf("jira: comments: %w", err))))
		}
		d.Sections = append(d.Sections, sections...)
	}
	return r.Yield(tributary.DocumentItem(d))
}

// comments returns the issue's comments as sections: those the search
// carried when they are all there, else every page of /issue/KEY/comment.
func (r *run) comments(is *apiIssue) ([]tributary.Section, error) {
	cp := is.Fields.Comment
	if cp != nil && cp.StartAt == 0 && len(cp.Comments) >= cp.Total {
		return r.c.commentSections(is.Key, cp.Comments)
	}
	var all []*apiComment
	for start := 0; ; {
		var pg apiCommentPage
		q := url.Values{"startAt": {strconv.Itoa(start)}, "maxResults": {"100"}, "orderBy": {"created"}}
		if err := r.c.client.get(r.ctx, r.c.client.url("/issue/"+url.PathEscape(is.Key)+"/comment", q), &pg); err != nil {
			return nil, err
		}
		all = append(all, pg.Comments...)
		start += len(pg.Comments)
		if start >= pg.Total {
			return r.c.commentSections(is.Key, all)
		}
		if len(pg.Comments) == 0 {
			return nil, tributary.NewError("jira: comments", tributary.ErrMalformedResponse,
				fmt.Errorf("empty page at %d of %d comments", start, pg.Total))
		}
	}
}
