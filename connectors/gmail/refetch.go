package gmail

import (
	"context"
	"errors"
	"iter"
	"slices"
	"time"

	"github.com/tributary-dev/tributary"
)

var _ tributary.Refetcher = (*Connector)(nil)

// Refetch reads threads again by document id, each after its mailbox's
// node. A thread gone, left with every message in the spam or the trash,
// or of a mailbox that is not read, is a deletion; an id that is not a
// Gmail thread URL, or of a mailbox that cannot be read, is a failure
// under the id.
func (c *Connector) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		r := c.newRun(tributary.WithValues(ctx, nil), time.Time{}, time.Time{}, false, yield)
		if err := ctx.Err(); err != nil {
			r.Fail(err)
			return
		}
		users, err := c.users(ctx)
		if err != nil {
			r.Fail(err)
			return
		}
		open := map[string]*mailbox{}
		broken := map[string]error{}
		for _, id := range ids {
			email, tid, ok := parseThreadID(id)
			if !ok {
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id,
					tributary.NewError("gmail: refetch", tributary.ErrForeignURL, errors.New("not the id of a Gmail thread"))))) {
					return
				}
				continue
			}
			if _, found := slices.BinarySearch(users, email); !found {
				if !r.Yield(tributary.DeletionItem(id)) {
					return
				}
				continue
			}
			mb := open[email]
			if mb == nil && broken[email] == nil {
				mb = c.mailboxOf(email)
				if err := r.prepareMailbox(mb); err != nil {
					if terminal(err) && !r.userRefused(mb, err) {
						r.Fail(err)
						return
					}
					broken[email], mb = err, nil
				} else {
					open[email] = mb
					if !r.node(mb) {
						return
					}
				}
			}
			if err := broken[email]; err != nil {
				if !r.Yield(tributary.FailureItem(tributary.DocumentFailure(id, id, err))) {
					return
				}
				continue
			}
			if !r.emit(r.prepare(ctx, mb, tid, fromRefetch)) {
				return
			}
		}
	}
}
