package bookstack

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads the pages with the ids again, one GET /api/pages/{id} each
// (besides the lookups of their books, chapters and access): for each id
// it yields the page (after the nodes it names); a deletion when it is
// gone (404: deleted, or no longer visible to the token) or a draft; or a
// Failure. An id that is not a page id of the instance fails with
// ErrForeignURL.
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
	n := r.c.pageNumber(id)
	if n == 0 {
		err := tributary.NewError("bookstack: refetch", tributary.ErrForeignURL, fmt.Errorf("%s is not a page id", id))
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err)))
	}
	var p apiPage
	err := r.c.client.get(r.ctx, "pages/"+strconv.Itoa(n), nil, &p)
	if errors.Is(err, tributary.ErrNotFound) {
		return r.Yield(tributary.DeletionItem(id))
	}
	if err == nil {
		err = checkPage(&p, n)
	}
	if err != nil {
		return r.docFailed(id, "read page", err)
	}
	p.UpdatedAt = p.UpdatedAt.UTC()
	if p.Draft {
		return r.Yield(tributary.DeletionItem(id))
	}
	item := &apiPageItem{ID: p.ID, BookID: p.BookID, ChapterID: p.ChapterID, Name: p.Name, Slug: p.Slug,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt}
	parent, ok := r.tree.parentOf(r, item)
	if !ok {
		return false
	}
	var access *tributary.ExternalAccess
	if r.access {
		a, err := r.perms.pageAccess(r, item)
		switch {
		case errors.Is(err, errNoPermissions):
			r.access = false
		case err != nil:
			return r.docFailed(id, "read access", err)
		default:
			access = a
		}
	}
	doc, err := r.toDocument(&p, parent, access)
	if err != nil {
		return r.docFailed(id, "read page", err)
	}
	return r.Yield(tributary.DocumentItem(doc))
}
