package mock

import (
	"context"
	"fmt"
	"iter"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches documents again by id, one request each: a document the
// source has comes after its folders (parents first), or as its failure
// for a FailIDs document; an id of this source that no document has any
// longer is a deletion; an id of another source is a Failure matching
// tributary.ErrForeignURL.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		const op = "mock: refetch"
		for _, id := range ids {
			if !strings.HasPrefix(id, "mock://") {
				f := tributary.DocumentFailure(id, "", tributary.NewError(op, tributary.ErrForeignURL,
					fmt.Errorf("%q is not a mock document id", id)))
				if !yield(tributary.FailureItem(f), nil) {
					return
				}
				continue
			}
			if err := c.request(ctx, op); err != nil {
				yield(tributary.Item{}, err)
				return
			}
			d, ancestors := c.lookup(id)
			if d == nil {
				if !yield(tributary.DeletionItem(id), nil) {
					return
				}
				continue
			}
			for _, n := range ancestors {
				if !yield(tributary.NodeItem(n), nil) {
					return
				}
			}
			if err := ctx.Err(); err != nil {
				yield(tributary.Item{}, fmt.Errorf("%s: %w", op, err))
				return
			}
			it, err := c.item(ctx, d)
			if !yield(it, err) || err != nil {
				return
			}
		}
	}
}
