package tributary_test

import (
	"context"
	"fmt"
	"iter"
	"time"

	"github.com/tributary-dev/tributary"
)

// wiki is a source with one page whose attachment cannot be read until
// someone fixes it; it fetches pages again by id.
type wiki struct{ fixed bool }

func (w *wiki) Source() tributary.DocumentSource { return "wiki" }
func (w *wiki) Validate(context.Context) error   { return nil }

func (w *wiki) page(id string) (tributary.Item, error) {
	if id == "wiki:2" && !w.fixed {
		return tributary.FailureItem(tributary.DocumentFailure(id, "", fmt.Errorf("attachment unreadable"))), nil
	}
	return tributary.DocumentItem(&tributary.Document{ID: id, Title: "Page " + id[5:],
		Sections: []tributary.Section{{Text: "text of " + id}}}), nil
}

func (w *wiki) Load(context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, id := range []string{"wiki:1", "wiki:2"} {
			it, _ := w.page(id)
			if it.Failure != nil {
				if !yield(nil, it.Failure) {
					return
				}
				continue
			}
			if !yield(it.Document, nil) {
				return
			}
		}
	}
}

// Refetch implements tributary.Refetcher: one answer per id.
func (w *wiki) Refetch(_ context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for _, id := range ids {
			if !yield(w.page(id)) {
				return
			}
		}
	}
}

// A document that failed is queued in a RetryStore and fetched again at the
// start of a later run, once its backoff has passed.
func ExampleRefetcher() {
	now := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	w := &wiki{}
	r := &tributary.Runner{
		Store: &tributary.MemoryStore{},
		Sink: tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
			for _, d := range b.Documents {
				fmt.Println("indexed", d.ID)
			}
			return nil
		}),
		Now:   func() time.Time { return now },
		Retry: tributary.RetryPolicy{Backoff: time.Hour},
	}
	res, _ := r.Run(context.Background(), w, tributary.RunOptions{})
	fmt.Println("failures:", res.Failures)

	w.fixed = true
	now = now.Add(2 * time.Hour)
	res, _ = r.Run(context.Background(), w, tributary.RunOptions{})
	fmt.Println("fetched again:", res.Retried)
	// Output:
	// indexed wiki:1
	// failures: 1
	// indexed wiki:2
	// fetched again: 1
}
