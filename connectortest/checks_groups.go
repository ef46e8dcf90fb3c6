package connectortest

import (
	"cmp"
	"context"
	"maps"
	"slices"
	"testing"

	"github.com/tributary-dev/tributary"
)

// checkGroups: a GroupSyncer lists every group id that any loaded
// document's access names, each id once and none empty; a listing under a
// cancelled context ends with an error rather than passing for an empty
// set; and, with Harness.GroupsFault, a listing that fails midway ends
// with an error of a tributary kind.
func checkGroups(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	gs, ok := c.(tributary.GroupSyncer)
	if !ok {
		t.Skip("the connector is not a tributary.GroupSyncer")
	}
	ctx := t.Context()
	named := map[string]string{} // group id -> a document naming it
	for d, err := range tributary.Load(ctx, c) {
		if _, isFailure := tributary.AsFailure(err); isFailure {
			continue
		}
		if err != nil {
			t.Fatalf("Load: %v", err)
		}
		if d.ExternalAccess != nil {
			for _, id := range d.ExternalAccess.GroupIDs {
				named[id] = cmp.Or(named[id], d.ID)
			}
		}
	}
	listed := map[string]bool{}
	for g, err := range gs.Groups(ctx) {
		if err != nil {
			t.Fatalf("Groups: %v", err)
		}
		switch {
		case g.ID == "":
			t.Errorf("Groups yielded a group without an id (name %q)", g.Name)
		case listed[g.ID]:
			t.Errorf("Groups yielded group id %q twice", g.ID)
		}
		listed[g.ID] = true
		if !slices.IsSorted(g.MemberEmails) || len(slices.Compact(slices.Clone(g.MemberEmails))) != len(g.MemberEmails) {
			t.Errorf("group %q: member e-mails %v are not sorted without duplicates", g.ID, g.MemberEmails)
		}
	}
	for _, id := range slices.Sorted(maps.Keys(named)) {
		if !listed[id] {
			t.Errorf("document %s names group %q, which Groups does not list", named[id], id)
		}
	}
	checkGroupsEndWithError(t, "Groups with a cancelled context", gs, cancelled(ctx))
	if h.GroupsFault != nil {
		f, ok := h.GroupsFault(t).(tributary.GroupSyncer)
		if !ok {
			t.Errorf("the GroupsFault connector is not a tributary.GroupSyncer")
			return
		}
		err := checkGroupsEndWithError(t, "Groups of a source that fails midway", f, ctx)
		if err != nil && tributary.Kind(err) == nil {
			t.Errorf("Groups of a source that fails midway: the error %v matches no tributary error kind", err)
		}
	}
}

// checkGroupsEndWithError wants the listing to end with an error, which
// it returns, and yield nothing after it.
func checkGroupsEndWithError(t testing.TB, label string, gs tributary.GroupSyncer, ctx context.Context) error {
	t.Helper()
	var failed error
	for g, err := range gs.Groups(ctx) {
		if failed != nil {
			t.Errorf("%s: yielded %q after the error %v", label, g.ID, failed)
			return failed
		}
		failed = err
	}
	if failed == nil {
		t.Errorf("%s: the listing ended without an error, so a partial listing passes for a complete one", label)
	}
	return failed
}

func cancelled(ctx context.Context) context.Context {
	ctx, cancel := context.WithCancel(ctx)
	cancel()
	return ctx
}
