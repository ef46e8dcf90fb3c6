package connectortest

import (
	"errors"
	"testing"

	"github.com/tributary-dev/tributary"
)

// foreignID is a document id no connector's source has.
const foreignID = "foreign.invalid://connectortest/document/1"

// maxRefetched bounds how many loaded documents Refetch is asked for.
const maxRefetched = 20

// checkRefetch: a Refetcher answers each id asked exactly once: a loaded
// document comes back with the content Load gave it (its nodes before it),
// a document that failed in the load comes back or fails again under its
// id, and an id of
// no source is a Failure under that id matching ErrForeignURL or
// ErrNotFound, never a deletion (which would delete a document of another
// source's). It yields no checkpoint.
func checkRefetch(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	rf, ok := c.(tributary.Refetcher)
	if !ok {
		t.Skip("the connector is not a tributary.Refetcher")
	}
	ctx := t.Context()
	loaded := map[string]string{} // id -> content hash
	failed := map[string]bool{}
	var ids []string
	for d, err := range tributary.Load(ctx, c) {
		if f, isFailure := tributary.AsFailure(err); isFailure {
			if f.DocumentID != "" && !failed[f.DocumentID] && len(ids) < maxRefetched {
				failed[f.DocumentID] = true
				ids = append(ids, f.DocumentID)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if _, seen := loaded[d.ID]; !seen && len(ids) < maxRefetched {
			ids = append(ids, d.ID)
		}
		loaded[d.ID] = d.ContentHash()
	}
	if len(loaded) == 0 {
		t.Fatal("Load yielded no document to fetch again")
	}
	ask := append(ids, foreignID)
	answers := map[string]int{}
	nodes := map[string]bool{}
	for it, err := range rf.Refetch(ctx, ask) {
		if f, isFailure := tributary.AsFailure(err); isFailure {
			it, err = tributary.FailureItem(f), nil
		}
		if err != nil {
			t.Fatalf("Refetch: %v", err)
		}
		switch it.Kind() {
		case tributary.ItemCheckpoint:
			t.Errorf("Refetch yielded a checkpoint")
		case tributary.ItemNode:
			nodes[it.Node.ID] = true
		case tributary.ItemDocument:
			d := it.Document
			answers[d.ID]++
			if d.ParentID != "" && !nodes[d.ParentID] {
				t.Errorf("Refetch yielded %s before its parent %s", d.ID, d.ParentID)
			}
			switch want, ok := loaded[d.ID]; {
			case failed[d.ID]:
			case !ok:
				t.Errorf("Refetch yielded %s, which was not asked for", d.ID)
			case d.ContentHash() != want:
				t.Errorf("Refetch yielded %s with other content than Load gave it", d.ID)
			}
		case tributary.ItemDeletion:
			answers[it.Deletion]++
			t.Errorf("Refetch yielded a deletion of %s, which the source has", it.Deletion)
		case tributary.ItemFailure:
			f := it.Failure
			answers[f.DocumentID]++
			switch {
			case f.DocumentID == foreignID:
				if !errors.Is(f, tributary.ErrForeignURL) && !errors.Is(f, tributary.ErrNotFound) {
					t.Errorf("Refetch of a foreign id failed with %v; want an error matching tributary.ErrForeignURL or ErrNotFound", f)
				}
			case !failed[f.DocumentID]:
				t.Errorf("Refetch failed on %s, which Load gave: %v", failureID(f), f)
			}
		}
	}
	for _, id := range ask {
		if n := answers[id]; n != 1 {
			t.Errorf("Refetch answered %s %d times; want exactly once", id, n)
		}
	}
	asked := set(ask)
	for id, n := range answers {
		if !asked[id] {
			t.Errorf("Refetch answered %s %d times, which was not asked for", id, n)
		}
	}
}
