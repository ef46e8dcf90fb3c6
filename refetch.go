package tributary

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"time"
)

// Refetcher is a connector that can fetch single documents again by id
// (Onyx's Resolver). The Runner uses it to retry the documents whose fetch
// failed in earlier runs, before each run's window.
//
// For each id asked, Refetch yields exactly one answer: the Document (after
// any hierarchy nodes it names), a deletion when the source no longer has
// it, or a Failure under the id when it fails again. It never yields a
// checkpoint. An id it does not recognise as one of its own is a Failure.
// A terminal error (expired credentials, a cancelled context) ends the
// stream, as it does a window.
type Refetcher interface {
	Connector
	Refetch(ctx context.Context, ids []string) iter.Seq2[Item, error]
}

// Retry is a document whose fetch failed and that no later commit
// delivered, deleted or fetched again successfully.
type Retry struct {
	DocumentID string
	// Attempts counts the failures recorded for the document since it was
	// last delivered: 1 after the first.
	Attempts int
	// LastFailed is the time of the commit that recorded the last failure.
	LastFailed time.Time
	// Message is the last failure's description.
	Message string
}

// RetryStore is a Store that keeps a queue of documents to fetch again.
// Each Commit updates it: a failure under a document id (Failure.DocumentID)
// adds the document or counts one more attempt, at Commit.Time; an upsert,
// a removal or an id in Commit.Resolved takes the document off, before the
// commit's failures are counted, so that a document delivered and failed in
// one commit stays queued. Reset forgets the queue with the rest.
type RetryStore interface {
	Store
	// Retries returns at most limit of the queued documents with fewer
	// than maxAttempts attempts, the longest failed first.
	Retries(ctx context.Context, instance string, maxAttempts, limit int) ([]Retry, error)
}

// RetryPolicy bounds how the Runner fetches failed documents again.
type RetryPolicy struct {
	// Max is how many failed documents one run fetches again at most. Zero
	// means DefaultRetryMax; a negative value turns re-fetching off.
	Max int
	// Attempts is how many failed attempts a document is given: once it
	// has failed that many times it is no longer fetched again, until a
	// window delivers it. Zero means DefaultRetryAttempts.
	Attempts int
	// Backoff is how long after its first failure a document is fetched
	// again; each further failure doubles the wait, up to MaxRetryBackoff.
	// Zero means DefaultRetryBackoff; a negative value means no wait.
	Backoff time.Duration
}

// Defaults of RetryPolicy.
const (
	DefaultRetryMax      = 100
	DefaultRetryAttempts = 8
	DefaultRetryBackoff  = 10 * time.Minute
	// MaxRetryBackoff bounds the wait between two attempts at a document.
	MaxRetryBackoff = 24 * time.Hour
)

// refetchChunk is how many ids one Refetch call is given.
const refetchChunk = 50

func (p RetryPolicy) max() int      { return positiveOr(p.Max, DefaultRetryMax) }
func (p RetryPolicy) attempts() int { return positiveOr(p.Attempts, DefaultRetryAttempts) }

// due reports whether a document that failed attempts times, last at
// last, is to be fetched again at now.
func (p RetryPolicy) due(r Retry, now time.Time) bool {
	wait := p.Backoff
	switch {
	case wait == 0:
		wait = DefaultRetryBackoff
	case wait < 0:
		return true
	}
	for i := 1; i < r.Attempts && wait < MaxRetryBackoff; i++ {
		wait *= 2
	}
	return !now.Before(r.LastFailed.Add(min(wait, MaxRetryBackoff)))
}

// refetch fetches the instance's due failed documents again, through a
// Batcher of its own: it commits the stored state unchanged, its failures
// do not count against the run's budget (they are failures already known),
// and what it delivers or finds gone leaves the retry queue.
func (ru *run) refetch(st State) error {
	rf, ok := ru.c.(Refetcher)
	rs, ok2 := ru.r.Store.(RetryStore)
	pol := ru.r.Retry
	if !ok || !ok2 || pol.Max < 0 {
		return nil
	}
	// Read past the documents not yet due, a few times the run's share.
	queued, err := rs.Retries(ru.ctx, ru.instance, pol.attempts(), 4*pol.max())
	if err != nil {
		return fmt.Errorf("read retries: %w", err)
	}
	now := ru.r.now()
	var ids []string
	for _, q := range queued {
		if len(ids) < pol.max() && pol.due(q, now) {
			ids = append(ids, q.DocumentID)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	ru.log.Info("fetching failed documents again", "instance", ru.instance, "documents", len(ids))
	b := ru.b.clone()
	b.State, b.FailureBudget, b.Resolve = st, -1, true
	ru.rb = b
	ctx := ru.ctx
	if v := b.Values(); v != nil {
		ctx = WithValues(ctx, v)
	}
	for chunk := range slices.Chunk(ids, refetchChunk) {
		if err := ru.refetchChunk(ctx, rf, b, chunk); err != nil {
			return fmt.Errorf("fetch failed documents again: %w", err)
		}
	}
	if err := b.Flush(ctx); err != nil {
		return fmt.Errorf("fetch failed documents again: %w", err)
	}
	ru.retried += len(ids)
	ru.b.State = b.State
	return nil
}

var errRefetchCheckpoint = errors.New("refetch yielded a checkpoint, which it must not")

func (ru *run) refetchChunk(ctx context.Context, rf Refetcher, b *Batcher, ids []string) error {
	open := make(map[string]bool, len(ids))
	for _, id := range ids {
		open[id] = true
	}
	for it, err := range rf.Refetch(ctx, slices.Clone(ids)) {
		if err == nil {
			switch it.Kind() {
			case ItemCheckpoint:
				return errRefetchCheckpoint
			case ItemDocument:
				delete(open, it.Document.ID)
			case ItemDeletion:
				delete(open, it.Deletion)
			case ItemFailure:
				delete(open, it.Failure.DocumentID)
			}
		} else if f, ok := AsFailure(err); ok && f != nil {
			delete(open, f.DocumentID)
		}
		if err := b.Add(ctx, it, err); err != nil {
			return err
		}
	}
	// An id left unanswered fails once more, so that its attempts still
	// run out.
	for _, id := range ids {
		if open[id] {
			f := &Failure{DocumentID: id, Message: "Refetch gave no answer for the document"}
			if err := b.Add(ctx, FailureItem(f), nil); err != nil {
				return err
			}
		}
	}
	return nil
}
