package box

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"net/url"
	"time"

	"github.com/tributary-dev/tributary"
)

// Refetch reads the documents of ids again: a file (or an archive's
// entry, for which the archive is read again) comes back with its
// folders' nodes before it; a file Box no longer has, or has in the
// trash or outside the folders, is a deletion; an id that is not a Box
// file's is a Failure matching ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for _, id := range ids {
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, err)
				return
			}
			if !c.refetchOne(ctx, id, yield) {
				return
			}
		}
	}
}

// refetchOne yields the one answer for id, after the nodes it names, and
// reports whether to go on.
func (c *Connector) refetchOne(ctx context.Context, id string, yield func(tributary.Item, error) bool) bool {
	file := fileOf(id)
	if file == "" {
		return yield(tributary.FailureItem(tributary.DocumentFailure(id, "", tributary.ForeignURL(Source, id, "not a Box file's id"))), nil)
	}
	answered, stopped := false, false
	var last error
	r := c.newRun(tributary.WithValues(ctx, nil), time.Time{}, time.Time{}, false, func(it tributary.Item, err error) bool {
		switch {
		case err != nil:
			last = err
			return false
		case it.Node != nil:
		case it.Document != nil && it.Document.ID == id, it.Failure != nil && it.Failure.DocumentID == id, it.Deletion == id:
			if answered {
				return true
			}
			answered = true
		default:
			return true // another entry of the archive
		}
		stopped = !yield(it, nil)
		return !stopped
	})
	var e item
	err := c.client.get(ctx, "/files/"+file, url.Values{"fields": {itemFields}}, &e)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return yield(tributary.DeletionItem(id), nil)
	case err != nil && terminal(err):
		yield(tributary.Item{}, err)
		return false
	case err != nil:
		return yield(tributary.FailureItem(tributary.DocumentFailure(id, fileID(file), fmt.Errorf("box: read file: %w", err))), nil)
	case e.ItemStatus != "" && e.ItemStatus != "active":
		return yield(tributary.DeletionItem(id), nil)
	}
	in, ok := r.chainNodes(e)
	if ok && in && len(e.PathCollection.Entries) > 0 {
		pc := e.PathCollection.Entries
		r.file(e, pc[len(pc)-1].ID, false)
	}
	switch {
	case stopped:
		return false
	case last != nil && terminal(last):
		yield(tributary.Item{}, last)
		return false
	case last != nil:
		return yield(tributary.FailureItem(tributary.DocumentFailure(id, fileID(file), last)), nil)
	case !answered:
		return yield(tributary.DeletionItem(id), nil) // outside the folders, binary, or an entry no longer there
	}
	return true
}
