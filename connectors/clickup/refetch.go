package clickup

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"strings"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the tasks with the ids again (GET /task/{id}), with
// their comments, after the nodes of their lists. For each id it yields
// the document, a deletion when ClickUp no longer has the task or the
// settings no longer admit it (archived, closed or a subtask when those
// are left out, or in a list the settings do not read), or a Failure. An
// id that is not a task address fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		if err := ctx.Err(); err != nil {
			r.Fail(err)
			return
		}
		places, err := c.walk(ctx)
		if err != nil {
			r.Fail(fmt.Errorf("clickup: refetch: %w", err))
			return
		}
		byList := map[string]*place{}
		for _, p := range places {
			byList[p.list.ID] = p
		}
		access := map[string]*tributary.ExternalAccess{}
		done := map[string]bool{}
		for _, id := range ids {
			if done[id] {
				continue
			}
			done[id] = true
			if !r.refetch(id, byList, access) {
				return
			}
		}
	}
}

// parseTaskID reads the task id out of a document id.
func parseTaskID(id string) (string, bool) {
	tid, ok := strings.CutPrefix(id, app+"/t/")
	return tid, ok && validTaskID(tid)
}

func (r *run) refetch(id string, byList map[string]*place, access map[string]*tributary.ExternalAccess) bool {
	fail := func(err error) bool {
		if terminal(err) {
			return r.Fail(fmt.Errorf("clickup: refetch: %w", err))
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	tid, ok := parseTaskID(id)
	if !ok {
		return fail(tributary.NewError("clickup: refetch", tributary.ErrForeignURL, fmt.Errorf("%s is not a ClickUp task address", id)))
	}
	var raw json.RawMessage
	err := r.c.client.get(r.ctx, "/task/"+url.PathEscape(tid), url.Values{"include_markdown_description": {"true"}}, &raw)
	if errors.Is(err, tributary.ErrNotFound) {
		return r.Yield(tributary.DeletionItem(id))
	}
	if err != nil {
		return fail(err)
	}
	var k apiTask
	if err := json.Unmarshal(raw, &k); err != nil || k.ID != tid || !k.Updated.ok {
		return fail(malformed("refetch", "the answer for task %s is not that task", tid))
	}
	s := r.c.settings
	p := byList[k.List.ID]
	if p == nil || k.Archived || (!s.IncludeClosed && k.Status.Type == "closed") || (!s.IncludeSubtasks && str(k.Parent) != "") {
		return r.Yield(tributary.DeletionItem(id))
	}
	a, ok := access[p.list.ID]
	if !ok {
		if a, err = r.c.listAccess(r.ctx, p); err != nil {
			return fail(err)
		}
		access[p.list.ID] = a
	}
	for _, n := range p.nodes(a) {
		if !r.sent[n.ID] {
			r.sent[n.ID] = true
			if !r.Yield(tributary.NodeItem(n)) {
				return false
			}
		}
	}
	it, err := r.item(p, a, &k)
	if err != nil {
		return r.Fail(fmt.Errorf("clickup: refetch: %w", err))
	}
	return r.Yield(it)
}
