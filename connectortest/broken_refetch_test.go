package connectortest

import (
	"context"
	"iter"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

func (b *broken) Refetch(ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	if b.refetch != nil {
		return b.refetch(b.Connector, ctx, ids)
	}
	return b.Connector.Refetch(ctx, ids)
}

// The broken refetchers, and the check that catches each.
var (
	refetchDeletesForeign = brokenCase{name: "refetch deletes an id it does not know", check: "Refetch",
		b: broken{refetch: deleteUnknown}, want: "Refetch yielded a deletion of foreign.invalid"}
	refetchSkipsIDs = brokenCase{name: "refetch leaves ids unanswered", check: "Refetch",
		b: broken{refetch: firstOnly}, want: "times; want exactly once"}
	refetchStale = brokenCase{name: "refetch gives other content", check: "Refetch",
		b: broken{refetch: retitled}, want: "with other content than Load gave it"}
	refetchCheckpoints = brokenCase{name: "refetch yields a checkpoint", check: "Refetch",
		b: broken{refetch: withCheckpoint}, want: "Refetch yielded a checkpoint"}
)

// deleteUnknown answers an id of another source with a deletion.
func deleteUnknown(m *mock.Connector, ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for it, err := range m.Refetch(ctx, ids) {
			if it.Failure != nil && it.Failure.DocumentID == foreignID {
				it = tributary.DeletionItem(foreignID)
			}
			if !yield(it, err) {
				return
			}
		}
	}
}

// firstOnly fetches the first id and forgets the others.
func firstOnly(m *mock.Connector, ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return m.Refetch(ctx, ids[:1])
}

// retitled gives each document a title Load did not.
func retitled(m *mock.Connector, ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for it, err := range m.Refetch(ctx, ids) {
			if it.Document != nil {
				d := *it.Document
				d.Title += " (cached)"
				it.Document = &d
			}
			if !yield(it, err) {
				return
			}
		}
	}
}

// withCheckpoint ends with a checkpoint, as a stream would.
func withCheckpoint(m *mock.Connector, ctx context.Context, ids []string) iter.Seq2[tributary.Item, error] {
	return func(yield func(tributary.Item, error) bool) {
		for it, err := range m.Refetch(ctx, ids) {
			if !yield(it, err) {
				return
			}
		}
		yield(tributary.CheckpointItem(tributary.Checkpoint(`{"done":true}`)), nil)
	}
}
