package notion

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
)

// Refetch reads the pages and rows with the ids again, one GET
// /v1/pages/ID each and their blocks: for each id it yields the document
// (after the nodes it names), a deletion when the page is in the trash,
// or a Failure. Notion answers 404 both for a page deleted and for one no
// longer shared with the integration, so that is a Failure matching
// ErrNotFound rather than a deletion. An id that is not a Notion page's
// fails with ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(ctx, yield, time.Time{}, time.Time{}, false)
		for _, id := range ids {
			if !r.refetch(id) {
				return
			}
		}
	}
}

func (r *run) refetch(id string) bool {
	uuid, err := r.c.NormalizeURL(r.ctx, id)
	if err != nil || uuid != id {
		if err == nil {
			err = tributary.NewError("notion: refetch", tributary.ErrForeignURL, fmt.Errorf("%s is not a document id", id))
		}
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	var o apiObject
	if err := r.c.client.get(r.ctx, "/pages/"+key(id[len("https://www.notion.so/"):]), nil, &o); err != nil {
		return r.docFailed(id, "read page", err)
	}
	if pageID(o.ID) != id || o.LastEditedTime.IsZero() {
		return r.docFailed(id, "read page", malformed("read page", "the page answered lacks its id or last_edited_time"))
	}
	if o.deleted() {
		return r.Yield(tributary.DeletionItem(id))
	}
	return r.page(&o)
}
