package asana

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
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "asana"
	checkpointVersion = 1
	// maxRestarts bounds how often one project's listing starts over after
	// its offset expired.
	maxRestarts = 3
	// maxEventPages bounds the pages of events read per project and run.
	maxEventPages = 50
)

// Phases of a project.
const (
	phaseTasks  = ""       // the task listing
	phaseEvents = "events" // the deletions since the last run
	phaseDone   = "done"   // the project is finished
)

// position is the checkpoint: the workspace and project in progress (by
// gid; both are read in gid order) and, in the task listing, the offset
// of the next page. Its size does not depend on the source's.
type position struct {
	Workspace string `json:"w,omitempty"`
	Project   string `json:"p,omitempty"`
	Offset    string `json:"o,omitempty"`
	Phase     string `json:"ph,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.Workspace != "" && !gidPattern.MatchString(pos.Workspace) ||
		pos.Project != "" && (!gidPattern.MatchString(pos.Project) || pos.Workspace == "") ||
		!slices.Contains([]string{phaseTasks, phaseEvents, phaseDone}, pos.Phase) ||
		len(pos.Offset) > maxOffset || pos.Offset != "" && pos.Project == ""
	if bad {
		return position{}, tributary.NewError("asana: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (workspace %q, project %q, phase %q)", truncate(pos.Workspace), truncate(pos.Project), truncate(pos.Phase)))
	}
	return pos, nil
}

// run is one pass of a stream over the window [start, end).
type run struct {
	c          *Connector
	ctx        context.Context
	start, end time.Time
	slim       bool
	values     tributary.Values
	*tributary.Yielder

	ws       string              // the workspace in progress
	projects map[string]*project // the projects of ws read, by gid
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim, values: tributary.ValuesFrom(ctx),
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
}

// all runs the stream from pos: each workspace, each of its projects,
// their tasks.
func (r *run) all(pos position) {
	if err := r.ctx.Err(); err != nil {
		r.Fail(err)
		return
	}
	wss, err := r.c.workspaces(r.ctx)
	if err != nil {
		r.Fail(fmt.Errorf("asana: %w", err))
		return
	}
	for _, ws := range wss {
		if pos.Workspace != "" && compareGID(ws.GID, pos.Workspace) < 0 {
			continue
		}
		from := position{}
		if ws.GID == pos.Workspace {
			from = pos
		}
		if !r.workspace(ws, from) {
			return
		}
	}
}

// workspace yields the workspace's node and reads its projects from pos.
func (r *run) workspace(ws workspace, pos position) bool {
	node := workspaceID(ws.GID)
	if !r.Yield(tributary.NodeItem(r.workspaceNode(ws))) {
		return false
	}
	projects, err := r.c.projects(r.ctx, ws.GID)
	if err != nil {
		return r.listingFailed(node, fmt.Errorf("asana: projects of workspace %s: %w", ws.GID, err))
	}
	r.ws, r.projects = ws.GID, map[string]*project{}
	for _, p := range projects {
		r.projects[p.GID] = p
	}
	for _, p := range projects {
		if pos.Project != "" && compareGID(p.GID, pos.Project) < 0 {
			continue
		}
		from := position{Workspace: ws.GID, Project: p.GID}
		if p.GID == pos.Project {
			from = pos
		}
		if !r.project(p, from) {
			return false
		}
	}
	return true
}

func (r *run) workspaceNode(ws workspace) *tributary.HierarchyNode {
	node := workspaceID(ws.GID)
	return &tributary.HierarchyNode{ID: node, Name: cmp.Or(ws.Name, "Workspace "+ws.GID), Link: node,
		Kind: tributary.NodeSpace, ExternalAccess: &tributary.ExternalAccess{GroupIDs: []string{workspaceGroup(ws.GID)}}}
}

// projectNode is the node of a project of the workspace in progress.
func (r *run) projectNode(p *project) *tributary.HierarchyNode {
	node := projectID(r.ws, p.GID)
	return &tributary.HierarchyNode{ID: node, ParentID: workspaceID(r.ws), Name: cmp.Or(p.Name, "Project "+p.GID),
		Link: cmp.Or(p.PermalinkURL, node), Kind: tributary.NodeProject, ExternalAccess: r.projectAccess(p)}
}

// projects lists the projects of a workspace the settings read, by gid.
func (c *Connector) projects(ctx context.Context, ws string) ([]*project, error) {
	q := url.Values{"workspace": {ws}, "opt_fields": {projectFields}}
	if !c.settings.IncludeArchived {
		q.Set("archived", "false")
	}
	all, err := listOf[*project](ctx, c.client, "/projects", q, c.settings.PageSize)
	if err != nil {
		return nil, err
	}
	out := all[:0]
	for _, p := range all {
		if p == nil || !gidPattern.MatchString(p.GID) {
			return nil, malformed("projects", "a project without a gid")
		}
		if len(c.settings.Projects) == 0 || slices.Contains(c.settings.Projects, p.GID) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b *project) int { return compareGID(a.GID, b.GID) })
	return slices.CompactFunc(out, func(a, b *project) bool { return a.GID == b.GID }), nil
}

// project yields the project's node, its tasks from pos, and with Values
// its deletions.
func (r *run) project(p *project, pos position) bool {
	if pos.Phase == phaseDone {
		return true
	}
	if !r.Yield(tributary.NodeItem(r.projectNode(p))) {
		return false
	}
	if pos.Phase == phaseTasks && !r.tasks(p, pos.Offset) {
		return false
	}
	if !r.slim && r.values != nil {
		if !r.Checkpoint(position{Workspace: r.ws, Project: p.GID, Phase: phaseEvents}) || !r.events(p) {
			return false
		}
	}
	return r.Checkpoint(position{Workspace: r.ws, Project: p.GID, Phase: phaseDone})
}

// tasks reads the project's tasks from offset, a page at a time, with a
// checkpoint after each page. In a poll only the tasks modified since the
// window's start are asked for (modified_since); the window's end is
// applied here. An offset Asana no longer accepts (offsets expire: a 400
// on a request with an offset) starts the project's listing over.
func (r *run) tasks(p *project, offset string) bool {
	fields := taskFields
	if r.slim {
		fields = slimTaskFields
	}
	q := url.Values{"project": {p.GID}, "limit": {strconv.Itoa(r.c.settings.PageSize)}, "opt_fields": {fields}}
	if !r.start.IsZero() && !r.c.settings.IncludeSubtasks {
		q.Set("modified_since", r.start.Format(time.RFC3339Nano))
	}
	restarts := 0
	for {
		q.Del("offset")
		if offset != "" {
			q.Set("offset", offset)
		}
		var pg page
		_, err := r.c.client.get(r.ctx, "/tasks", q, &pg)
		if err != nil && offset != "" && statusOf(err) == http.StatusBadRequest && restarts < maxRestarts {
			restarts++
			r.c.env.Log().Warn("asana: the listing's offset expired; reading the project again from its start",
				"project", p.GID, "restart", restarts)
			offset = ""
			continue
		}
		if err != nil {
			return r.listingFailed(projectID(r.ws, p.GID), fmt.Errorf("asana: tasks of project %s: %w", p.GID, err))
		}
		if !r.page(p, pg.Data) {
			return false
		}
		next := pg.next()
		if next == "" {
			return true
		}
		if next == offset || len(next) > maxOffset || len(pg.Data) == 0 {
			return r.Fail(malformed("tasks of project "+p.GID, "paging that does not move on"))
		}
		offset = next
		if !r.Checkpoint(position{Workspace: r.ws, Project: p.GID, Offset: offset}) {
			return false
		}
	}
}

// listingFailed reports a listing that could not be read. One the token
// may not read or that is gone is a failure of its node, and the stream
// goes on; anything else ends the stream, to resume from the last
// checkpoint.
func (r *run) listingFailed(node string, err error) bool {
	if terminal(err) || !errors.Is(err, tributary.ErrNotFound) && !errors.Is(err, tributary.ErrMalformedResponse) {
		return r.Fail(err)
	}
	f := tributary.EntityFailure(node, node, err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// page yields the documents of a page of tasks. A task in several projects
// read is yielded only under the one with the smallest gid, its home.
func (r *run) page(p *project, raws []json.RawMessage) bool {
	for _, raw := range raws {
		var t task
		if err := json.Unmarshal(raw, &t); err != nil || !gidPattern.MatchString(t.GID) {
			node := projectID(r.ws, p.GID)
			f := tributary.EntityFailure(node, node, malformed("tasks of project "+p.GID, "a task without a gid"))
			if !r.Yield(tributary.FailureItem(f)) {
				return false
			}
			continue
		}
		if r.home(&t, p.GID) != p.GID {
			continue
		}
		if !r.task(p, &t) {
			return false
		}
		if r.c.settings.IncludeSubtasks && t.NumSubtasks > 0 && !r.subtasks(p, &t) {
			return false
		}
	}
	return true
}

// home is the project a task is yielded under: of the projects read that
// it is in, the one with the smallest gid.
func (r *run) home(t *task, current string) string {
	home := ""
	for _, m := range t.Memberships {
		if m.Project == nil || r.projects[m.Project.GID] == nil {
			continue
		}
		if home == "" || compareGID(m.Project.GID, home) < 0 {
			home = m.Project.GID
		}
	}
	return cmp.Or(home, current)
}

// task yields one task in the window, with its comments.
func (r *run) task(p *project, t *task) bool {
	id := TaskID(t.GID)
	at := t.modified()
	if at.IsZero() {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, malformed("task "+t.GID, "no modified_at"))))
	}
	if !r.inWindow(at) {
		return true
	}
	var comments []story
	if !r.slim && r.c.settings.IncludeComments {
		var err error
		if comments, err = r.c.comments(r.ctx, t.GID); err != nil {
			if terminal(err) {
				return r.Fail(err)
			}
			return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, cmp.Or(t.PermalinkURL, id), err)))
		}
	}
	return r.Yield(tributary.DocumentItem(r.document(p, t, comments)))
}

// subtasks yields the subtasks of t modified in the window, under t's
// project.
func (r *run) subtasks(p *project, t *task) bool {
	fields := taskFields
	if r.slim {
		fields = slimTaskFields
	}
	subs, err := listOf[task](r.ctx, r.c.client, "/tasks/"+t.GID+"/subtasks", url.Values{"opt_fields": {fields}}, r.c.settings.PageSize)
	if err != nil {
		if terminal(err) {
			return r.Fail(err)
		}
		id := TaskID(t.GID)
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("asana: subtasks of task %s: %w", t.GID, err))))
	}
	for i := range subs {
		if !gidPattern.MatchString(subs[i].GID) {
			continue
		}
		if !r.task(p, &subs[i]) {
			return false
		}
	}
	return true
}

// maxComments bounds the comments kept per task: the latest.
const maxComments = 200

// comments reads a task's comments, oldest first.
func (c *Connector) comments(ctx context.Context, gid string) ([]story, error) {
	all, err := listOf[story](ctx, c.client, "/tasks/"+gid+"/stories", url.Values{"opt_fields": {storyFields}}, 100)
	if err != nil {
		return nil, fmt.Errorf("asana: stories of task %s: %w", gid, err)
	}
	all = slices.DeleteFunc(all, func(s story) bool { return s.Type != "comment" || strings.TrimSpace(s.Text) == "" })
	if len(all) > maxComments {
		all = all[len(all)-maxComments:]
	}
	return all, nil
}

// inWindow reports whether t lies in [start, end).
func (r *run) inWindow(t time.Time) bool {
	return !t.Before(r.start) && (r.end.IsZero() || t.Before(r.end))
}

// eventsKey is where a project's sync token is kept in Values.
func eventsKey(project string) string { return "asana:events:" + project }

// events yields the project's task deletions since the last run, from
// the events API with the sync token kept in Values. The first call (no
// token yet) and a token more than a day old answer 412 with a fresh
// token: deletions before it are left to pruning. Errors here are logged
// and not fatal, except those that end every request.
func (r *run) events(p *project) bool {
	key := eventsKey(p.GID)
	got, err := r.values.Get(r.ctx, []string{key})
	if err != nil {
		r.c.env.Log().Warn("asana: cannot read the stored sync token", "project", p.GID, "error", err)
		return true
	}
	sync := string(got[key])
	for range maxEventPages {
		q := url.Values{"resource": {p.GID}}
		if sync != "" {
			q.Set("sync", sync)
		}
		var a eventsAnswer
		h, err := r.c.client.get(r.ctx, "/events", q, &a)
		if err != nil {
			if terminal(err) {
				return r.Fail(fmt.Errorf("asana: events of project %s: %w", p.GID, err))
			}
			r.c.env.Log().Warn("asana: cannot read the project's events; deletions wait for pruning", "project", p.GID, "error", err)
			return true
		}
		if a.Sync == "" || len(a.Sync) > maxOffset {
			r.c.env.Log().Warn("asana: an events answer without a usable sync token", "project", p.GID)
			return true
		}
		if h.Get(syncReset) != "" {
			if sync != "" {
				r.c.env.Log().Warn("asana: the events sync token expired; deletions since the last run wait for pruning", "project", p.GID)
			}
			r.values.Put(key, []byte(a.Sync))
			return true
		}
		for _, e := range a.Data {
			if e.Action == "deleted" && e.Resource != nil && e.Resource.ResourceType == "task" && gidPattern.MatchString(e.Resource.GID) {
				if !r.Yield(tributary.DeletionItem(TaskID(e.Resource.GID))) {
					return false
				}
			}
		}
		sync = a.Sync
		r.values.Put(key, []byte(sync))
		if !a.HasMore {
			return true
		}
	}
	return true
}
