package discourse

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strconv"
	"strings"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch fetches the topics named by ids again: one document, deletion
// (a topic the forum no longer has) or Failure (an id of another forum
// or one that cannot be read now) per id, in order.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := &run{c: c, ctx: ctx, Yielder: tributary.NewYielder(ctx, yield, checkpointKind, checkpointVersion)}
		if len(ids) == 0 {
			return
		}
		if !r.categories(true) {
			return
		}
		for _, id := range ids {
			if !r.refetchOne(id) {
				return
			}
		}
	}
}

func (r *run) refetchOne(id string) bool {
	n, ok := r.c.parseTopicID(id)
	if !ok {
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id,
			tributary.NewError("discourse: refetch", tributary.ErrForeignURL, fmt.Errorf("not a topic of %s", r.c.root)))))
	}
	d, cat, err := r.c.fetchTopic(r.ctx, n)
	switch {
	case errors.Is(err, tributary.ErrNotFound):
		return r.Yield(tributary.DeletionItem(id))
	case err != nil && terminal(err):
		return r.Fail(fmt.Errorf("discourse: refetch topic %d: %w", n, err))
	case err != nil:
		return r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, fmt.Errorf("discourse: refetch topic: %w", err))))
	}
	if cat, ok := r.cats[cat]; ok {
		d.ParentID = r.c.categoryID(cat.ID)
		d.ExternalAccess = r.access[cat.ID]
		d.Metadata.Add("category", cat.Name)
	}
	return r.Yield(tributary.DocumentItem(d))
}

// parseTopicID reads BASE/t/{id}.
func (c *Connector) parseTopicID(id string) (int, bool) {
	rest, ok := strings.CutPrefix(id, c.root+"/t/")
	if !ok {
		return 0, false
	}
	n, err := strconv.Atoi(rest)
	return n, err == nil && n > 0 && strconv.Itoa(n) == rest
}
