package connectortest

import (
	"context"
	"slices"
	"testing"

	"github.com/tributary-dev/tributary"
)

// Refetched is what one Refetch call yielded, for a connector's own tests.
type Refetched struct {
	// ByID holds the answers under the id each names, in order: a
	// document under its own id (a moved one under its new id), a deletion
	// under the id deleted, a failure under its DocumentID.
	ByID map[string][]tributary.Item
	// Nodes are the ids of the hierarchy nodes, in the order they came.
	Nodes []string
}

// CollectRefetch ranges over rf.Refetch(ctx, ids). It stops the test at an
// error (a Refetch answers failures as Failure items) and reports a
// checkpoint, and a document or node that names a parent no node of the
// call came before.
func CollectRefetch(t testing.TB, ctx context.Context, rf tributary.Refetcher, ids ...string) Refetched {
	t.Helper()
	r := Refetched{ByID: map[string][]tributary.Item{}}
	for it, err := range rf.Refetch(ctx, ids) {
		if err != nil {
			t.Fatalf("Refetch: %v", err)
		}
		var id string
		switch it.Kind() {
		case tributary.ItemNode:
			if p := it.Node.ParentID; p != "" && !slices.Contains(r.Nodes, p) {
				t.Errorf("Refetch yielded node %s before its parent %s", it.Node.ID, p)
			}
			r.Nodes = append(r.Nodes, it.Node.ID)
			continue
		case tributary.ItemDocument:
			id = it.Document.ID
			if p := it.Document.ParentID; p != "" && !slices.Contains(r.Nodes, p) {
				t.Errorf("Refetch yielded %s before its parent %s", id, p)
			}
		case tributary.ItemDeletion:
			id = it.Deletion
		case tributary.ItemFailure:
			id = it.Failure.DocumentID
		case tributary.ItemCheckpoint:
			t.Errorf("Refetch yielded a checkpoint")
			continue
		default:
			t.Errorf("Refetch yielded %v, which is no answer", it.Kind())
			continue
		}
		r.ByID[id] = append(r.ByID[id], it)
	}
	return r
}

// Once returns the answer under each id, and reports an id answered more
// than once and an asked id with no answer. An answer under an id not
// asked (a moved document under its new id) is returned with the rest.
func (r Refetched) Once(t testing.TB, ids ...string) map[string]tributary.Item {
	t.Helper()
	out := make(map[string]tributary.Item, len(r.ByID))
	for id, its := range r.ByID {
		if len(its) > 1 {
			t.Errorf("Refetch answered %s %d times", id, len(its))
		}
		out[id] = its[0]
	}
	for _, id := range ids {
		if _, ok := out[id]; !ok {
			t.Errorf("Refetch did not answer %s", id)
		}
	}
	return out
}

// Parented reports a document that names no parent: for connectors whose
// every document lies under a hierarchy node.
func (r Refetched) Parented(t testing.TB) {
	t.Helper()
	for id, its := range r.ByID {
		for _, it := range its {
			if it.Document != nil && it.Document.ParentID == "" {
				t.Errorf("Refetch yielded %s without a parent", id)
			}
		}
	}
}
