package outline

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the documents with the ids again, one documents.info each
// (besides the lookups of their parents, access and authors): for each id
// it yields the document (after the nodes it names); a deletion when it is
// deleted, archived, unpublished, gone (404) or outside the collections
// read; or a Failure. An id that is not a document id of the workspace
// fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		cols, err := c.listCollections(ctx, func(string, error) error { return nil })
		if err != nil {
			r.Fail(fmt.Errorf("outline: refetch: list collections: %w", err))
			return
		}
		r.cols = map[string]*apiCollection{}
		for _, col := range cols {
			r.cols[col.ID] = col
		}
		for _, id := range ids {
			if !r.refetch(id) {
				return
			}
		}
	}
}

func (r *run) refetch(id string) bool {
	urlID := r.c.urlIDOf(id)
	if urlID == "" {
		err := tributary.NewError("outline: refetch", tributary.ErrForeignURL, fmt.Errorf("%s is not a document id", id))
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	var out struct {
		Data apiDocument `json:"data"`
	}
	err := r.c.client.call(r.ctx, "documents.info", map[string]any{"id": urlID}, &out)
	if errors.Is(err, tributary.ErrNotFound) {
		return r.Yield(tributary.DeletionItem(id))
	}
	if err != nil {
		return r.docFailed(id, "read document", err)
	}
	d := &out.Data
	if d.URLID != urlID || !uuidPattern.MatchString(d.ID) || d.UpdatedAt.IsZero() {
		return r.docFailed(id, "read document", malformed("documents.info", "the document answered lacks its id, urlId or updatedAt"))
	}
	col := r.cols[d.CollectionID]
	if !d.live() || col == nil {
		return r.Yield(tributary.DeletionItem(id))
	}
	r.docs.put(d.ID, infoOf(r.c.settings.web(), d))
	if _, ok := r.collectionNode(col); !ok {
		return false
	}
	return r.document(col, d)
}
