package box

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// events reads the changes stream from pos.Stream, a checkpoint after
// every page, until it is caught up. It reports whether the stream goes
// on, and fallBack when Box refused the stored position (too old), so
// that the window is walked instead.
func (r *run) events(pos *position) (ok, fallBack bool) {
	for n := 0; ; n++ {
		if n >= maxEventPages {
			return r.Fail(tributary.NewError("box: events", tributary.ErrMalformedResponse, errors.New("events pages that do not end"))), false
		}
		var pg eventsPage
		q := url.Values{"stream_type": {"changes"}, "stream_position": {pos.Stream}, "limit": {"500"}}
		err := r.c.client.get(r.ctx, "/events", q, &pg)
		if se, isStatus := errors.AsType[*httpx.StatusError](err); isStatus && (se.StatusCode == http.StatusBadRequest || se.StatusCode == http.StatusNotFound) {
			r.c.env.Log().Warn("box: the stored events position was refused; walking the window instead", "error", err)
			return true, true
		}
		if err != nil {
			return r.Fail(fmt.Errorf("box: events: %w", err)), false
		}
		next := string(pg.NextStreamPosition)
		if !numeric(next) || len(pg.Entries) > 0 && next == pos.Stream {
			return r.Fail(tributary.NewError("box: events", tributary.ErrMalformedResponse, fmt.Errorf("next_stream_position %q after %q", next, pos.Stream))), false
		}
		seen := map[string]bool{}
		for _, ev := range pg.Entries {
			if ev.EventID != "" && seen[ev.EventID] {
				continue
			}
			seen[ev.EventID] = true
			if !r.event(ev) {
				return false, false
			}
		}
		pos.Stream = next
		if len(pg.Entries) == 0 {
			return true, false
		}
		if !r.Checkpoint(pos) {
			return false, false
		}
	}
}

// event yields what one change makes: a file uploaded, changed, renamed,
// moved or restored is read again (a deletion when it is gone or now
// outside the roots); a file trashed or deleted is a deletion; a folder
// trashed or moved out of the roots deletes its files, one moved in or
// restored loads them, and one renamed or moved yields its node again.
func (r *run) event(ev boxEvent) bool {
	var src mini
	if len(ev.Source) == 0 || json.Unmarshal(ev.Source, &src) != nil || !numeric(src.ID) {
		return true // not about an item (a user, a collaboration)
	}
	switch ev.EventType {
	case "ITEM_UPLOAD", "ITEM_CREATE", "ITEM_MODIFY", "ITEM_RENAME", "ITEM_MOVE", "ITEM_COPY", "ITEM_UNDELETE_VIA_TRASH":
	case "ITEM_TRASH", "ITEM_DELETE":
		if src.Type == "file" {
			return r.Yield(tributary.DeletionItem(fileID(src.ID)))
		}
		if src.Type == "folder" {
			return r.subtree(src.ID, true)
		}
		return true
	default:
		return true
	}
	switch src.Type {
	case "file":
		return r.refreshFile(src.ID)
	case "folder":
		return r.refreshFolder(src.ID, ev.EventType)
	}
	return true
}

// refreshFile reads a file again and yields it with its folders' nodes,
// or its deletion when it is gone or outside the roots.
func (r *run) refreshFile(id string) bool {
	var e item
	err := r.c.client.get(r.ctx, "/files/"+id, url.Values{"fields": {itemFields}}, &e)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(fileID(id)))
	case err != nil && terminal(err):
		return r.Fail(err)
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(fileID(id), fileID(id), fmt.Errorf("box: read file: %w", err))))
	case e.ItemStatus != "" && e.ItemStatus != "active":
		return r.Yield(tributary.DeletionItem(fileID(id)))
	}
	in, ok := r.chainNodes(e)
	switch {
	case !ok:
		return false
	case !in || len(e.PathCollection.Entries) == 0:
		return r.Yield(tributary.DeletionItem(fileID(id)))
	}
	pc := e.PathCollection.Entries
	return r.file(e, pc[len(pc)-1].ID, false)
}

// refreshFolder reads a folder changed by an event: its node again, and
// for a move or restore its files, loaded when it is under a root and
// deleted when it is not.
func (r *run) refreshFolder(id, typ string) bool {
	var f item
	err := r.c.client.get(r.ctx, "/folders/"+id, url.Values{"fields": {itemFields}}, &f)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.subtree(id, true)
	case err != nil:
		return r.Fail(fmt.Errorf("box: read folder %s: %w", id, err))
	}
	in, ok := r.chainNodes(f)
	if !ok {
		return false
	}
	if !in && !r.roots[id] {
		if typ == "ITEM_MOVE" {
			return r.subtree(id, true)
		}
		return true
	}
	parent := ""
	if pc := f.PathCollection.Entries; len(pc) > 0 {
		parent = pc[len(pc)-1].ID
	}
	delete(r.nodes, folderID(id)) // renamed or moved: yield it anew
	if !r.node(id, f.Name, parent) {
		return false
	}
	if typ == "ITEM_MOVE" || typ == "ITEM_UNDELETE_VIA_TRASH" || typ == "ITEM_COPY" {
		return r.subtree(id, false)
	}
	return true
}

// subtree lists everything under folder id: deleting its files (a folder
// trashed or moved away; a trashed folder still lists what it held) or
// loading them (a folder moved in or restored). It is not checkpointed:
// resuming reads the events page, and it, again. A folder Box no longer
// lists leaves its files to pruning.
func (r *run) subtree(id string, del bool) bool {
	stack := []string{id}
	for len(stack) > 0 {
		folder := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		marker, empty := "", 0
		for {
			pg, err := r.list(folder, marker)
			if err != nil {
				if terminal(err) || !del && !errors.Is(err, tributary.ErrNotFound) {
					return r.Fail(err)
				}
				r.c.env.Log().Warn("box: a folder's files are left to pruning", "folder", folder, "error", err)
				break
			}
			for _, e := range pg.Entries {
				switch {
				case e.Type == "folder":
					if len(stack) >= maxRemembered {
						return r.Fail(tributary.NewError("box: list folder "+folder, tributary.ErrMalformedResponse, errors.New("too many folders")))
					}
					if !del && !r.node(e.ID, e.Name, folder) {
						return false
					}
					stack = append(stack, e.ID)
				case e.Type == "file" && del:
					if !r.Yield(tributary.DeletionItem(fileID(e.ID))) {
						return false
					}
				case e.Type == "file":
					if !r.file(e, folder, false) {
						return false
					}
				}
			}
			if pg.NextMarker == "" {
				break
			}
			if len(pg.Entries) == 0 {
				if empty++; empty > maxEmptyPages {
					return r.Fail(tributary.NewError("box: list folder "+folder, tributary.ErrMalformedResponse, errors.New("empty pages that do not end")))
				}
			}
			marker = pg.NextMarker
		}
	}
	return true
}
