package asana

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the tasks with the ids again (GET /tasks/GID), with their
// comments. For each id it yields the document after its workspace and
// project nodes, a deletion when Asana no longer has the task or it is in
// no project read any more, or a Failure. An id that is not an Asana task
// id fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		if err := ctx.Err(); err != nil {
			r.Fail(err)
			return
		}
		wss, err := c.workspaces(ctx)
		if err != nil {
			r.Fail(fmt.Errorf("asana: refetch: %w", err))
			return
		}
		rf := &refetch{run: r, homes: map[string]*project{}, wsOf: map[string]workspace{}, byWS: map[string]map[string]*project{}, sent: map[string]bool{}}
		for _, ws := range wss {
			ps, err := c.projects(ctx, ws.GID)
			if err != nil {
				r.Fail(fmt.Errorf("asana: refetch: projects of workspace %s: %w", ws.GID, err))
				return
			}
			rf.byWS[ws.GID] = map[string]*project{}
			for _, p := range ps {
				rf.homes[p.GID], rf.wsOf[p.GID] = p, ws
				rf.byWS[ws.GID][p.GID] = p
			}
		}
		for _, id := range ids {
			if !rf.one(id) {
				return
			}
		}
	}
}

// refetch is what a Refetch knows of the projects read.
type refetch struct {
	*run
	homes map[string]*project            // projects read, by gid
	wsOf  map[string]workspace           // their workspaces
	byWS  map[string]map[string]*project // the projects read of each workspace
	sent  map[string]bool                // nodes yielded
}

// one answers one id.
func (rf *refetch) one(id string) bool {
	gid, ok := strings.CutPrefix(id, web+"/0/0/")
	if !ok || !gidPattern.MatchString(gid) {
		err := tributary.NewError("asana: refetch", tributary.ErrForeignURL, fmt.Errorf("%s is not an Asana task id", id))
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	t, err := rf.fetch(gid)
	switch {
	case statusOf(err) == 404 || statusOf(err) == 403:
		return rf.Yield(tributary.DeletionItem(id))
	case err != nil && terminal(err):
		return rf.Fail(fmt.Errorf("asana: refetch: %w", err))
	case err != nil:
		return rf.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("asana: refetch: %w", err))))
	}
	home := rf.homeOf(t)
	if home == nil {
		return rf.Yield(tributary.DeletionItem(id))
	}
	ws := rf.wsOf[home.GID]
	rf.ws, rf.projects = ws.GID, rf.byWS[ws.GID]
	if !rf.nodes(ws, home) {
		return false
	}
	return rf.task(home, t)
}

// fetch reads one task.
func (rf *refetch) fetch(gid string) (*task, error) {
	var a struct {
		Data *task `json:"data"`
	}
	if _, err := rf.c.client.get(rf.ctx, "/tasks/"+gid, url.Values{"opt_fields": {taskFields}}, &a); err != nil {
		return nil, err
	}
	if a.Data == nil || a.Data.GID != gid {
		return nil, malformed("task "+gid, "an answer for another task")
	}
	return a.Data, nil
}

// homeOf is the project a task is yielded under, nil when it is in none
// of the projects read. A subtask (with include_subtasks) is under its
// parent's.
func (rf *refetch) homeOf(t *task) *project {
	var home *project
	for _, m := range t.Memberships {
		if m.Project == nil {
			continue
		}
		if p := rf.homes[m.Project.GID]; p != nil && (home == nil || compareGID(p.GID, home.GID) < 0) {
			home = p
		}
	}
	if home == nil && rf.c.settings.IncludeSubtasks && t.Parent != nil && gidPattern.MatchString(t.Parent.GID) {
		if pt, err := rf.fetch(t.Parent.GID); err == nil && pt.Parent == nil {
			return rf.homeOf(pt)
		} else if err != nil && !errors.Is(err, tributary.ErrNotFound) {
			rf.c.env.Log().Warn("asana: refetch: cannot read a subtask's parent", "task", t.GID, "error", err)
		}
	}
	return home
}

// nodes yields the workspace's and the project's nodes once.
func (rf *refetch) nodes(ws workspace, p *project) bool {
	wid, pid := workspaceID(ws.GID), projectID(ws.GID, p.GID)
	if !rf.sent[wid] {
		rf.sent[wid] = true
		if !rf.Yield(tributary.NodeItem(rf.workspaceNode(ws))) {
			return false
		}
	}
	if rf.sent[pid] {
		return true
	}
	rf.sent[pid] = true
	return rf.Yield(tributary.NodeItem(rf.projectNode(p)))
}
