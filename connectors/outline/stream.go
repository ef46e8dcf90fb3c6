package outline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

const (
	checkpointKind    = "outline"
	checkpointVersion = 1
	// maxTies bounds the ids a checkpoint holds of documents updated at
	// its time: past it (a bulk import stamping many documents with one
	// millisecond) checkpoints wait until the time moves on.
	maxTies = 64
)

// deletionEvents are the activity events after which a document may have
// left the listing.
var deletionEvents = []string{"documents.delete", "documents.permanent_delete", "documents.archive",
	"documents.unpublish", "documents.move"}

// position is the checkpoint state: where the stream is in the collections
// (read in id order) and in the current collection's listing (newest
// update first), never what it has seen. Its size does not depend on the
// size of the workspace.
type position struct {
	// Collection is the collection in progress; Done says it is finished
	// and Events that its documents are and its deletion events are next.
	Collection string `json:"c,omitempty"`
	Done       bool   `json:"done,omitempty"`
	Events     bool   `json:"ev,omitempty"`
	// Offset is how far into the listing the stream has read; At is the
	// update time of the last document passed and IDs the documents
	// passed that share it, so that a listing shifted by edits and
	// deletions is placed again without skipping or repeating.
	Offset int       `json:"o,omitempty"`
	At     time.Time `json:"at,omitzero"`
	IDs    []string  `json:"ids,omitempty"`
}

func decodePosition(cp tributary.Checkpoint) (position, error) {
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	if err != nil || !ok {
		return position{}, err
	}
	bad := pos.Collection != "" && !uuidPattern.MatchString(pos.Collection) || pos.Offset < 0 || len(pos.IDs) > maxTies || pos.Done && pos.Events
	for _, id := range pos.IDs {
		bad = bad || !uuidPattern.MatchString(id)
	}
	if bad || pos.Collection == "" && (pos.Offset != 0 || len(pos.IDs) > 0 || pos.Done || pos.Events) {
		return position{}, tributary.NewError("outline: decode checkpoint", tributary.ErrInvalidCheckpoint,
			fmt.Errorf("bad position (collection %q, offset %d)", pos.Collection, pos.Offset))
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
	// access says documents carry their access (permissions were asked
	// for).
	access bool
	// cols are the collections read, by id.
	cols map[string]*apiCollection
	// nodes, docs, people and seen are what the run remembers, all
	// bounded: the nodes yielded lately, the documents it read (for the
	// nodes of parents), the people's addresses it looked up, and the
	// documents it reported as failed or looked up for deletion.
	nodes  *cache[struct{}]
	docs   *cache[nodeInfo]
	people *cache[string]
	seen   *cache[struct{}]
}

func (c *Connector) newRun(ctx context.Context, yield func(tributary.Item, error) bool, start, end time.Time, slim bool) *run {
	return &run{c: c, ctx: ctx, start: start.UTC(), end: end.UTC(), slim: slim, access: c.env.WantPermissions,
		Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion),
		nodes:   newCache[struct{}](1024), docs: newCache[nodeInfo](4096), people: newCache[string](1024),
		seen: newCache[struct{}](1024)}
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
	cols, ok := r.collections()
	if !ok {
		return
	}
	for _, col := range cols {
		if pos.Collection != "" && (col.ID < pos.Collection || col.ID == pos.Collection && pos.Done) {
			continue
		}
		p := position{Collection: col.ID}
		if col.ID == pos.Collection {
			p = pos
		}
		if !r.collection(col, p) || !r.Checkpoint(position{Collection: col.ID, Done: true}) {
			return
		}
	}
}

// collections reads the collections to read, in id order, into r.cols.
// A configured collection that no longer exists is a failure of its own.
func (r *run) collections() ([]*apiCollection, bool) {
	cols, err := r.c.listCollections(r.ctx, func(id string, err error) error {
		f := tributary.EntityFailure(collectionNodeID(id), "", fmt.Errorf("outline: collection %s: %w", id, err))
		f.MissedStart, f.MissedEnd = r.start, r.end
		if !r.Yield(tributary.FailureItem(f)) {
			return errStopped
		}
		return nil
	})
	if errors.Is(err, errStopped) {
		return nil, false
	}
	if err != nil {
		return nil, r.Fail(fmt.Errorf("outline: list collections: %w", err))
	}
	r.cols = map[string]*apiCollection{}
	for _, col := range cols {
		r.cols[col.ID] = col
	}
	return cols, true
}

// collection reads one collection from p: its node, its documents, and in
// a window with a start the events of documents that left it.
func (r *run) collection(col *apiCollection, p position) bool {
	if _, ok := r.collectionNode(col); !ok {
		return false
	}
	if !p.Events {
		if !r.documents(col, p) {
			return false
		}
		if r.start.IsZero() || r.slim {
			return true
		}
		if !r.Checkpoint(position{Collection: col.ID, Events: true}) {
			return false
		}
	}
	return r.deletions(col)
}

// overlapOf is how many documents each request reads again before the
// position: a listing that lost up to that many documents before the
// reader (deleted, archived or moved away) still places the position
// without a further request.
func overlapOf(limit int) int { return min(max(limit/4, 1), 8, limit-1) }

// documents reads a collection's listing, newest update first, from p.
// Each request starts a little before the position and skips what was
// passed: a document with a later update time (passed, or edited after
// the run began and so left to the next window) or with the position's
// time and one of its ids. When even the first document of an answer was
// not passed, the listing lost more documents before the reader than the
// overlap covers, and the request is made again a page earlier. A poll
// stops at the first page that reaches before the window.
func (r *run) documents(col *apiCollection, p position) bool {
	limit := r.c.settings.PageSize
	overlap := overlapOf(limit)
	offset, at := p.Offset, p.At
	ties := map[string]bool{}
	for _, id := range p.IDs {
		ties[id] = true
	}
	passed := func(d *apiDocument) bool {
		return !at.IsZero() && (d.UpdatedAt.After(at) || d.UpdatedAt.Equal(at) && ties[d.ID])
	}
	// back is how far before the offset a request starts: the overlap,
	// and the documents passed that share the position's time, which
	// Outline orders among themselves anew on every request (up to half a
	// page of them, so that every request moves on).
	back := func() int { return max(min(overlap+min(len(ties)-1, limit/2), limit-1), 0) }
	req := max(offset-back(), 0)
	body := map[string]any{"collectionId": col.ID, "sort": "updatedAt", "direction": "DESC"}
	var last []string // the ids of the previous answer
	lastReq := -1
	for {
		raws, err := r.c.client.list(r.ctx, "documents.list", body, "", req, limit)
		if err != nil {
			return r.listFailed(col, err)
		}
		docs := r.decode(raws)
		if docs == nil && r.Stopped() {
			return false
		}
		now := make([]string, len(docs))
		for i, d := range docs {
			now[i] = d.ID
		}
		if req != lastReq && len(docs) == limit && slices.Equal(now, last) {
			return r.Fail(malformed("documents.list", "offset %d answered the page of offset %d again", req, lastReq))
		}
		last, lastReq = now, req
		if req > 0 && len(docs) > 0 && !passed(docs[0]) {
			r.c.env.Log().Debug("outline: listing shifted past the overlap; reading a page earlier", "collection", col.ID, "offset", req)
			req = max(req-limit, 0)
			continue
		}
		var prev time.Time
		for _, d := range docs {
			if !prev.IsZero() && d.UpdatedAt.After(prev) {
				return r.Fail(malformed("documents.list", "listing of collection %s is not sorted by update, newest first", col.ID))
			}
			prev = d.UpdatedAt
			r.docs.put(d.ID, infoOf(r.c.settings.web(), d))
			if passed(d) {
				continue
			}
			if at.IsZero() || d.UpdatedAt.Before(at) {
				at = d.UpdatedAt
				clear(ties)
			}
			ties[d.ID] = true
			if r.inWindow(d.UpdatedAt) && !r.document(col, d) {
				return false
			}
		}
		offset = req + len(raws)
		if len(raws) < limit || !r.start.IsZero() && !prev.IsZero() && prev.Before(r.start) {
			return true
		}
		if len(ties) <= maxTies {
			st := position{Collection: col.ID, Offset: offset, At: at, IDs: slices.Sorted(maps.Keys(ties))}
			if !r.Checkpoint(st) {
				return false
			}
		}
		req = offset - back()
	}
}

// listFailed reports a listing that failed: a collection deleted or
// hidden meanwhile is a failure of its own, anything else ends the run.
func (r *run) listFailed(col *apiCollection, err error) bool {
	if errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions) {
		f := tributary.EntityFailure(collectionNodeID(col.ID), r.c.settings.web()+col.URL, fmt.Errorf("outline: list documents: %w", err))
		f.MissedStart, f.MissedEnd = r.start, r.end
		return r.Yield(tributary.FailureItem(f))
	}
	return r.Fail(fmt.Errorf("outline: list documents of collection %s: %w", col.ID, err))
}

// decode reads a page of documents, reporting those that lack what the
// connector needs as failures under their ids. It returns nil when the
// stream stopped.
func (r *run) decode(raws []json.RawMessage) []*apiDocument {
	out := []*apiDocument{}
	for _, raw := range raws {
		var d apiDocument
		err := json.Unmarshal(raw, &d)
		if err == nil && (!uuidPattern.MatchString(d.ID) || !urlIDPattern.MatchString(d.URLID) || d.UpdatedAt.IsZero()) {
			err = errors.New("document lacks its id, urlId or updatedAt")
		}
		if err != nil {
			if !r.badDocument(raw, err) {
				return nil
			}
			continue
		}
		out = append(out, &d)
	}
	return out
}

// badDocument reports a listed document that does not decode, under the
// id it would have had when its urlId can be read, once a run.
func (r *run) badDocument(raw json.RawMessage, err error) bool {
	err = malformed("documents.list", "%v", err)
	var ref struct {
		URLID string `json:"urlId"`
	}
	if json.Unmarshal(raw, &ref) == nil && urlIDPattern.MatchString(ref.URLID) {
		id := docID(r.c.settings.web(), ref.URLID)
		if r.seen.has(id) {
			return true
		}
		r.seen.add(id)
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	f := tributary.EntityFailure("outline:documents.list", "", err)
	f.MissedStart, f.MissedEnd = r.start, r.end
	return r.Yield(tributary.FailureItem(f))
}

// document yields a document after the nodes it names.
func (r *run) document(col *apiCollection, d *apiDocument) bool {
	parent, ok := r.parentNode(col, d.ParentDocumentID, 0)
	if !ok {
		return false
	}
	if !r.slim && d.Text == nil {
		return r.docFailed(docID(r.c.settings.web(), d.URLID), "read text",
			malformed("documents.list", "document %s answered without its markdown text", d.ID))
	}
	var access *tributary.ExternalAccess
	if r.access {
		var err error
		if access, err = r.accessOf(col, d); err != nil {
			return r.docFailed(docID(r.c.settings.web(), d.URLID), "read access", err)
		}
	}
	return r.Yield(tributary.DocumentItem(r.toDocument(col, d, parent, access)))
}

// docFailed reports a document that could not be read: terminal errors
// end the run, others fail the one document.
func (r *run) docFailed(id, what string, err error) bool {
	if terminal(err) {
		return r.Fail(fmt.Errorf("outline: %s of %s: %w", what, id, err))
	}
	return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("outline: %s: %w", what, err))))
}

// deletions reads the collection's events of documents deleted, archived,
// unpublished or moved in the window, newest first, and yields a deletion
// for each such document that is no longer listed where the connector
// reads. Events name documents by their UUID, so each is looked up
// (documents.info shows deleted documents to their creators and to
// admins); one the key can no longer read is left to the next prune.
func (r *run) deletions(col *apiCollection) bool {
	limit := r.c.settings.PageSize
	body := map[string]any{"collectionId": col.ID, "events": deletionEvents, "sort": "createdAt", "direction": "DESC"}
	for offset := 0; ; offset += limit {
		raws, err := r.c.client.list(r.ctx, "events.list", body, "", offset, limit)
		if errors.Is(err, tributary.ErrInsufficientPermissions) {
			r.c.env.Log().Warn("outline: the key may not read events; deletions are found by prunes only", "collection", col.ID)
			return true
		}
		if err != nil {
			return r.listFailed(col, err)
		}
		for _, raw := range raws {
			var ev apiEvent
			if json.Unmarshal(raw, &ev) != nil || ev.CreatedAt.IsZero() {
				return r.Fail(malformed("events.list", "event without its time"))
			}
			if ev.CreatedAt.Before(r.start) {
				return true
			}
			if !r.inWindow(ev.CreatedAt) || !uuidPattern.MatchString(ev.DocumentID) || r.seen.has(ev.DocumentID) {
				continue
			}
			r.seen.add(ev.DocumentID)
			if !r.deletion(ev.DocumentID) {
				return false
			}
		}
		if len(raws) < limit {
			return true
		}
	}
}

// deletion yields a deletion for the document when it left the listing.
func (r *run) deletion(uuid string) bool {
	var out struct {
		Data apiDocument `json:"data"`
	}
	err := r.c.client.call(r.ctx, "documents.info", map[string]any{"id": uuid}, &out)
	switch {
	case errors.Is(err, tributary.ErrNotFound) || errors.Is(err, tributary.ErrInsufficientPermissions):
		r.c.env.Log().Debug("outline: a document gone from the listing cannot be read; the next prune removes it", "document", uuid)
		return true
	case err != nil && terminal(err):
		return r.Fail(fmt.Errorf("outline: read document %s: %w", uuid, err))
	case err != nil:
		r.c.env.Log().Warn("outline: a document gone from the listing could not be read", "document", uuid, "error", err)
		return true
	}
	d := &out.Data
	if d.ID != uuid || !urlIDPattern.MatchString(d.URLID) {
		return r.Fail(malformed("documents.info", "answer for %s lacks its id or urlId", uuid))
	}
	if d.live() && r.cols[d.CollectionID] != nil {
		return true
	}
	return r.Yield(tributary.DeletionItem(docID(r.c.settings.web(), d.URLID)))
}
