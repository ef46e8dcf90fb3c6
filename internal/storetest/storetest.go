// Package storetest checks that a tributary.Store behaves as the runner
// relies on. Every Store implementation runs the same suite:
//
//	func TestStore(t *testing.T) {
//		storetest.Run(t, func(t *testing.T) tributary.Store { return open(t) })
//	}
package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// Open returns a fresh, empty Store for one subtest; the function registers
// any cleanup with t.
type Open func(t *testing.T) tributary.Store

// Run runs every check against stores made by open, each subtest on a fresh
// store.
func Run(t *testing.T, open Open) {
	tests := []struct {
		name string
		f    func(*testing.T, tributary.Store)
	}{
		{"Empty", testEmpty},
		{"StateRoundTrip", testStateRoundTrip},
		{"CheckpointIsCopied", testCheckpointIsCopied},
		{"CheckpointCleared", testCheckpointCleared},
		{"Inventory", testInventory},
		{"InventoryChurn", testInventoryChurn},
		{"AccessHash", testAccessHash},
		{"InstancesApart", testInstancesApart},
		{"MarkAndUnmarked", testMarkAndUnmarked},
		{"MarkBeforeUpsert", testMarkBeforeUpsert},
		{"UnmarkedManyInOrder", testUnmarkedManyInOrder},
		{"UnmarkedEarlyBreak", testUnmarkedEarlyBreak},
		{"CommitWhileListing", testCommitWhileListing},
		{"Reset", testReset},
		{"CancelledContext", testCancelledContext},
		{"ConcurrentCommits", testConcurrentCommits},
		{"Values", testValues},
		{"Retries", testRetries},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) { tt.f(t, open(t)) })
	}
}

const inst = "test-instance"

var t0 = time.Date(2024, 3, 1, 12, 30, 15, 123456789, time.UTC)

func entry(id string, updated time.Time, hash string) tributary.InventoryEntry {
	return tributary.InventoryEntry{ID: id, UpdatedAt: updated, Hash: hash}
}

func commit(t *testing.T, s tributary.Store, instance string, c tributary.Commit) {
	t.Helper()
	if err := s.Commit(t.Context(), instance, c); err != nil {
		t.Fatalf("Commit: %v", err)
	}
}

func upsert(t *testing.T, s tributary.Store, instance string, ids ...string) {
	t.Helper()
	var es []tributary.InventoryEntry
	for _, id := range ids {
		es = append(es, entry(id, t0, "h-"+id))
	}
	commit(t, s, instance, tributary.Commit{Upserts: es})
}

func unmarked(t *testing.T, s tributary.Store, instance string, gen int64) []string {
	t.Helper()
	var ids []string
	for e, err := range s.Unmarked(t.Context(), instance, gen) {
		if err != nil {
			t.Fatalf("Unmarked: %v", err)
		}
		ids = append(ids, e.ID)
	}
	return ids
}

func count(t *testing.T, s tributary.Store, instance string) int {
	t.Helper()
	n, err := s.Count(t.Context(), instance)
	if err != nil {
		t.Fatalf("Count: %v", err)
	}
	return n
}

func state(t *testing.T, s tributary.Store, instance string) tributary.State {
	t.Helper()
	st, err := s.State(t.Context(), instance)
	if err != nil {
		t.Fatalf("State: %v", err)
	}
	return st
}

func sameState(a, b tributary.State) bool {
	return a.Window.Start.Equal(b.Window.Start) && a.Window.End.Equal(b.Window.End) &&
		a.Full == b.Full && string(a.Checkpoint) == string(b.Checkpoint) &&
		a.LastGoodEnd.Equal(b.LastGoodEnd)
}

func testEmpty(t *testing.T, s tributary.Store) {
	if st := state(t, s, inst); !sameState(st, tributary.State{}) || st.InProgress() {
		t.Errorf("State of an unknown instance = %+v, want the zero State", st)
	}
	if n := count(t, s, inst); n != 0 {
		t.Errorf("Count = %d, want 0", n)
	}
	got, err := s.Lookup(t.Context(), inst, []string{"a", "b"})
	if err != nil || len(got) != 0 {
		t.Errorf("Lookup = %v, %v; want empty, nil", got, err)
	}
	if ids := unmarked(t, s, inst, 1); len(ids) != 0 {
		t.Errorf("Unmarked = %v, want none", ids)
	}
}

func testStateRoundTrip(t *testing.T, s tributary.Store) {
	paris := time.FixedZone("CET", 3600)
	want := tributary.State{
		Window:      tributary.Window{Start: t0.In(paris), End: t0.Add(time.Hour)},
		Full:        true,
		Checkpoint:  tributary.Checkpoint(`{"kind":"x","version":1,"state":{"page":3}}`),
		LastGoodEnd: t0.Add(-time.Hour),
	}
	commit(t, s, inst, tributary.Commit{State: want})
	got := state(t, s, inst)
	if !sameState(got, want) || !got.InProgress() {
		t.Errorf("State = %+v, want %+v", got, want)
	}
	done := tributary.State{LastGoodEnd: t0.Add(time.Hour)}
	commit(t, s, inst, tributary.Commit{State: done})
	if got := state(t, s, inst); !sameState(got, done) || got.InProgress() {
		t.Errorf("State after a completed window = %+v, want %+v", got, done)
	}
}

func testCheckpointIsCopied(t *testing.T, s tributary.Store) {
	cp := tributary.Checkpoint(`{"a":1}`)
	commit(t, s, inst, tributary.Commit{State: tributary.State{Window: tributary.Window{End: t0}, Checkpoint: cp}})
	cp[2] = 'X'
	got := state(t, s, inst)
	if string(got.Checkpoint) != `{"a":1}` {
		t.Fatalf("stored checkpoint changed with the caller's slice: %s", got.Checkpoint)
	}
	got.Checkpoint[2] = 'Y'
	if again := state(t, s, inst); string(again.Checkpoint) != `{"a":1}` {
		t.Errorf("stored checkpoint changed with a returned slice: %s", again.Checkpoint)
	}
}

func testCheckpointCleared(t *testing.T, s tributary.Store) {
	commit(t, s, inst, tributary.Commit{State: tributary.State{Window: tributary.Window{End: t0}, Checkpoint: tributary.Checkpoint(`{}`)}})
	commit(t, s, inst, tributary.Commit{State: tributary.State{LastGoodEnd: t0}})
	if got := state(t, s, inst); !got.Checkpoint.IsZero() {
		t.Errorf("checkpoint = %s after a commit without one, want empty", got.Checkpoint)
	}
}

func testInventory(t *testing.T, s tributary.Store) {
	commit(t, s, inst, tributary.Commit{Upserts: []tributary.InventoryEntry{
		entry("a", t0, "ha"), entry("b", time.Time{}, "hb"), entry("c", t0.Add(time.Second), "hc"),
	}})
	if n := count(t, s, inst); n != 3 {
		t.Fatalf("Count = %d, want 3", n)
	}
	commit(t, s, inst, tributary.Commit{
		Upserts:  []tributary.InventoryEntry{entry("a", t0.Add(time.Minute), "ha2")},
		Removals: []string{"c", "never-there"},
	})
	got, err := s.Lookup(t.Context(), inst, []string{"a", "b", "c", "d"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(got) != 2 {
		t.Fatalf("Lookup = %v, want entries for a and b only", got)
	}
	if a := got["a"]; a.ID != "a" || a.Hash != "ha2" || !a.UpdatedAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("entry a = %+v, want the updated one", a)
	}
	if b := got["b"]; b.ID != "b" || b.Hash != "hb" || !b.UpdatedAt.IsZero() {
		t.Errorf("entry b = %+v, want a zero update time kept zero", b)
	}
	if n := count(t, s, inst); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
}

// testAccessHash: an entry's access hash round-trips through Commit,
// Lookup and Unmarked; an entry stored without one (as before stores kept
// it) reads as empty; an upsert replaces it, with the content hash and
// update time kept as given.
func testAccessHash(t *testing.T, s tributary.Store) {
	a := entry("a", t0, "ha")
	a.AccessHash = "access-a"
	commit(t, s, inst, tributary.Commit{Upserts: []tributary.InventoryEntry{a, entry("b", t0, "hb")}})
	got, err := s.Lookup(t.Context(), inst, []string{"a", "b"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if got["a"].AccessHash != "access-a" || got["a"].Hash != "ha" {
		t.Errorf("entry a = %+v, want its access hash kept", got["a"])
	}
	if got["b"].AccessHash != "" {
		t.Errorf("entry b = %+v, want no access hash", got["b"])
	}
	for e, err := range s.Unmarked(t.Context(), inst, 1) {
		if err != nil {
			t.Fatalf("Unmarked: %v", err)
		}
		if want := got[e.ID].AccessHash; e.AccessHash != want {
			t.Errorf("Unmarked entry %s has access hash %q, want %q", e.ID, e.AccessHash, want)
		}
	}
	b := got["b"]
	b.AccessHash = "access-b"
	a.AccessHash = "" // access no longer determined
	commit(t, s, inst, tributary.Commit{Upserts: []tributary.InventoryEntry{b, a}})
	got, err = s.Lookup(t.Context(), inst, []string{"a", "b"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if e := got["b"]; e.AccessHash != "access-b" || e.Hash != "hb" || !e.UpdatedAt.Equal(t0) {
		t.Errorf("entry b = %+v, want the new access hash with its hash and time kept", e)
	}
	if e := got["a"]; e.AccessHash != "" || e.Hash != "ha" {
		t.Errorf("entry a = %+v, want its access hash cleared", e)
	}

	// A permission sync's Commit.Access sets the access hash alone, of
	// entries the inventory holds, and leaves a queued retry queued.
	commit(t, s, inst, tributary.Commit{Failures: []*tributary.Failure{{DocumentID: "b", Message: "unreadable"}}})
	commit(t, s, inst, tributary.Commit{Access: []tributary.AccessEntry{{ID: "b", AccessHash: "access-b2"}, {ID: "never-delivered", AccessHash: "x"}}})
	got, err = s.Lookup(t.Context(), inst, []string{"a", "b", "never-delivered"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if e := got["b"]; e.AccessHash != "access-b2" || e.Hash != "hb" || !e.UpdatedAt.Equal(t0) {
		t.Errorf("entry b after Commit.Access = %+v, want the new access hash with its hash and time kept", e)
	}
	if _, ok := got["never-delivered"]; ok {
		t.Errorf("Commit.Access made an entry for an id the inventory did not hold")
	}
	if n := count(t, s, inst); n != 2 {
		t.Errorf("Count = %d, want 2", n)
	}
	commit(t, s, inst, tributary.Commit{Access: []tributary.AccessEntry{{ID: "a", AccessHash: "first"}, {ID: "a", AccessHash: "last"}}})
	got, err = s.Lookup(t.Context(), inst, []string{"a"})
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if e := got["a"]; e.AccessHash != "last" {
		t.Errorf("entry a after two hashes in one Commit.Access = %+v, want the last one", e)
	}
	if rs, ok := s.(tributary.RetryStore); ok {
		queued, err := rs.Retries(t.Context(), inst, 10, 10)
		if err != nil {
			t.Fatalf("Retries: %v", err)
		}
		if len(queued) != 1 || queued[0].DocumentID != "b" {
			t.Errorf("Retries after Commit.Access = %+v, want b still queued", queued)
		}
	}
}

// testInventoryChurn: thousands of upserts, removals and re-additions in
// several commits leave exactly the entries last written.
func testInventoryChurn(t *testing.T, s tributary.Store) {
	want := map[string]tributary.InventoryEntry{}
	var ids []string
	step := func(c tributary.Commit) {
		t.Helper()
		commit(t, s, inst, c)
		for _, e := range c.Upserts {
			want[e.ID] = e
		}
		for _, id := range c.Removals {
			delete(want, id)
		}
	}
	for round := range 3 {
		var c tributary.Commit
		for i := range 1500 {
			id := fmt.Sprintf("doc-%05d", round*1000+i) // overlaps the previous round
			ids = append(ids, id)
			c.Upserts = append(c.Upserts, entry(id, t0.Add(time.Duration(round)*time.Minute), fmt.Sprintf("h%d", round)))
			if i%3 == 0 && round > 0 && i+1 < 1000 { // an id of the previous round only
				c.Removals = append(c.Removals, fmt.Sprintf("doc-%05d", (round-1)*1000+i+1))
			}
		}
		step(c)
	}
	got, err := s.Lookup(t.Context(), inst, ids)
	if err != nil {
		t.Fatalf("Lookup: %v", err)
	}
	if len(got) != len(want) {
		t.Fatalf("Lookup found %d entries, want %d", len(got), len(want))
	}
	for id, w := range want {
		if g := got[id]; g.ID != id || g.Hash != w.Hash || !g.UpdatedAt.Equal(w.UpdatedAt) {
			t.Fatalf("entry %s = %+v, want %+v", id, g, w)
		}
	}
	if n := count(t, s, inst); n != len(want) {
		t.Errorf("Count = %d, want %d", n, len(want))
	}
}

func testInstancesApart(t *testing.T, s tributary.Store) {
	upsert(t, s, "one", "a", "b")
	upsert(t, s, "two", "c")
	commit(t, s, "two", tributary.Commit{State: tributary.State{LastGoodEnd: t0}})
	if n := count(t, s, "one"); n != 2 {
		t.Errorf("Count(one) = %d, want 2", n)
	}
	if got, _ := s.Lookup(t.Context(), "one", []string{"c"}); len(got) != 0 {
		t.Errorf("instance one sees two's document: %v", got)
	}
	if st := state(t, s, "one"); !st.LastGoodEnd.IsZero() {
		t.Errorf("instance one sees two's state: %+v", st)
	}
}

func testMarkAndUnmarked(t *testing.T, s tributary.Store) {
	upsert(t, s, inst, "d", "b", "a", "c", "e")
	ctx := t.Context()
	if err := s.Mark(ctx, inst, 1, []string{"a", "c"}); err != nil {
		t.Fatalf("Mark: %v", err)
	}
	if err := s.Mark(ctx, inst, 1, []string{"e", "zz-not-held"}); err != nil {
		t.Fatalf("Mark: %v", err)
	}
	if got, want := unmarked(t, s, inst, 1), []string{"b", "d"}; !slices.Equal(got, want) {
		t.Errorf("Unmarked(1) = %v, want %v", got, want)
	}
	// A later listing starts from nothing marked.
	if err := s.Mark(ctx, inst, 2, []string{"b"}); err != nil {
		t.Fatalf("Mark: %v", err)
	}
	if got, want := unmarked(t, s, inst, 2), []string{"a", "c", "d", "e"}; !slices.Equal(got, want) {
		t.Errorf("Unmarked(2) = %v, want %v", got, want)
	}
	commit(t, s, inst, tributary.Commit{Removals: []string{"a", "c", "d", "e"}})
	if got := unmarked(t, s, inst, 2); len(got) != 0 {
		t.Errorf("Unmarked(2) after removing them = %v, want none", got)
	}
	for e, err := range s.Unmarked(ctx, inst, 3) {
		if err != nil || e.ID != "b" || e.Hash != "h-b" || !e.UpdatedAt.Equal(t0) {
			t.Errorf("Unmarked(3) yielded %+v, %v; want entry b", e, err)
		}
	}
}

// testMarkBeforeUpsert: a document delivered while a prune listing runs,
// after the listing saw it, is not reported as lost.
func testMarkBeforeUpsert(t *testing.T, s tributary.Store) {
	upsert(t, s, inst, "old")
	if err := s.Mark(t.Context(), inst, 7, []string{"new"}); err != nil {
		t.Fatalf("Mark: %v", err)
	}
	upsert(t, s, inst, "new")
	if got, want := unmarked(t, s, inst, 7), []string{"old"}; !slices.Equal(got, want) {
		t.Errorf("Unmarked = %v, want %v", got, want)
	}
}

func testUnmarkedManyInOrder(t *testing.T, s tributary.Store) {
	var ids []string
	for i := range 1500 {
		ids = append(ids, fmt.Sprintf("doc/%d", i))
	}
	ids = append(ids, "Z", "a", "é", "éa", "\u00e9\u0301", "日本", "a b", "a\tb", "")
	ids = slices.DeleteFunc(ids, func(id string) bool { return id == "" })
	upsert(t, s, inst, ids...)
	var marked []string
	for i, id := range ids {
		if i%3 == 0 {
			marked = append(marked, id)
		}
	}
	if err := s.Mark(t.Context(), inst, 1, marked); err != nil {
		t.Fatalf("Mark: %v", err)
	}
	var want []string
	for _, id := range ids {
		if !slices.Contains(marked, id) {
			want = append(want, id)
		}
	}
	slices.Sort(want)
	if got := unmarked(t, s, inst, 1); !slices.Equal(got, want) {
		t.Errorf("Unmarked yielded %d ids, want %d in Go string order", len(got), len(want))
	}
}

func testUnmarkedEarlyBreak(t *testing.T, s tributary.Store) {
	var ids []string
	for i := range 1100 {
		ids = append(ids, fmt.Sprintf("%05d", i))
	}
	upsert(t, s, inst, ids...)
	n := 0
	for _, err := range s.Unmarked(t.Context(), inst, 1) {
		if err != nil {
			t.Fatal(err)
		}
		n++
		if n == 600 {
			break
		}
	}
	if n != 600 {
		t.Errorf("ranged %d entries, want 600", n)
	}
	// The store is still usable after the break.
	upsert(t, s, inst, "after")
	if c := count(t, s, inst); c != 1101 {
		t.Errorf("Count = %d, want 1101", c)
	}
}

// testCommitWhileListing: the runner may remove ids while it ranges over
// Unmarked.
func testCommitWhileListing(t *testing.T, s tributary.Store) {
	var ids []string
	for i := range 1200 {
		ids = append(ids, fmt.Sprintf("%05d", i))
	}
	upsert(t, s, inst, ids...)
	var seen []string
	for e, err := range s.Unmarked(t.Context(), inst, 1) {
		if err != nil {
			t.Fatal(err)
		}
		seen = append(seen, e.ID)
		commit(t, s, inst, tributary.Commit{Removals: []string{e.ID}})
	}
	if !slices.Equal(seen, ids) {
		t.Errorf("listing while removing saw %d ids, want %d", len(seen), len(ids))
	}
	if c := count(t, s, inst); c != 0 {
		t.Errorf("Count = %d, want 0", c)
	}
}

func testReset(t *testing.T, s tributary.Store) {
	upsert(t, s, inst, "a", "b")
	upsert(t, s, "other", "x")
	commit(t, s, inst, tributary.Commit{
		State:    tributary.State{Window: tributary.Window{End: t0}, Checkpoint: tributary.Checkpoint(`{}`)},
		Failures: []*tributary.Failure{{DocumentID: "a", Message: "bad"}},
	})
	if err := s.Mark(t.Context(), inst, 1, []string{"a"}); err != nil {
		t.Fatal(err)
	}
	if err := s.Reset(t.Context(), inst); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if st := state(t, s, inst); !sameState(st, tributary.State{}) {
		t.Errorf("State after Reset = %+v, want zero", st)
	}
	if c := count(t, s, inst); c != 0 {
		t.Errorf("Count after Reset = %d, want 0", c)
	}
	if c := count(t, s, "other"); c != 1 {
		t.Errorf("Reset touched another instance: Count(other) = %d", c)
	}
	upsert(t, s, inst, "a")
	if got, want := unmarked(t, s, inst, 1), []string{"a"}; !slices.Equal(got, want) {
		t.Errorf("a mark survived Reset: Unmarked = %v, want %v", got, want)
	}
}

func testCancelledContext(t *testing.T, s tributary.Store) {
	upsert(t, s, inst, "a")
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	check := func(op string, err error) {
		if !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context = %v, want context.Canceled", op, err)
		}
	}
	_, err := s.State(ctx, inst)
	check("State", err)
	check("Commit", s.Commit(ctx, inst, tributary.Commit{Upserts: []tributary.InventoryEntry{entry("b", t0, "h")}}))
	_, err = s.Lookup(ctx, inst, []string{"a"})
	check("Lookup", err)
	check("Mark", s.Mark(ctx, inst, 1, []string{"a"}))
	_, err = s.Count(ctx, inst)
	check("Count", err)
	check("Reset", s.Reset(ctx, inst))
	n := 0
	for _, err := range s.Unmarked(ctx, inst, 1) {
		n++
		check("Unmarked", err)
	}
	if n != 1 {
		t.Errorf("Unmarked with a cancelled context yielded %d values, want one error", n)
	}
	if c := count(t, s, inst); c != 1 {
		t.Errorf("a cancelled Commit or Reset changed the store: Count = %d, want 1", c)
	}
}

func testConcurrentCommits(t *testing.T, s tributary.Store) {
	const workers, perWorker = 4, 25
	var wg sync.WaitGroup
	errs := make(chan error, workers*perWorker)
	for w := range workers {
		wg.Go(func() {
			for i := range perWorker {
				id := fmt.Sprintf("w%d-%d", w, i)
				err := s.Commit(t.Context(), inst, tributary.Commit{
					State:   tributary.State{LastGoodEnd: t0.Add(time.Duration(i) * time.Second)},
					Upserts: []tributary.InventoryEntry{entry(id, t0, "h")},
				})
				if err != nil {
					errs <- err
				}
				if _, err := s.Lookup(t.Context(), inst, []string{id}); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("concurrent use: %v", err)
	}
	if c := count(t, s, inst); c != workers*perWorker {
		t.Errorf("Count = %d, want %d", c, workers*perWorker)
	}
}

// testValues checks a ValueStore's connector values: written by Commit,
// overwritten and deleted, copied, kept apart per instance and forgotten
// by Reset. A Store that keeps none is not checked.
func testValues(t *testing.T, s tributary.Store) {
	vs, ok := s.(tributary.ValueStore)
	if !ok {
		t.Skip("not a ValueStore")
	}
	put := []byte("etag-1")
	commit(t, s, inst, tributary.Commit{Values: map[string][]byte{"a": put, "b": []byte("x"), "gone": nil}})
	put[0] = 'E'
	commit(t, s, "other", tributary.Commit{Values: map[string][]byte{"a": []byte("other")}})
	values := func(instance string, keys ...string) map[string][]byte {
		t.Helper()
		got, err := vs.Values(t.Context(), instance, keys)
		if err != nil {
			t.Fatalf("Values: %v", err)
		}
		return got
	}
	if got := values(inst, "a", "b", "c"); len(got) != 2 || string(got["a"]) != "etag-1" || string(got["b"]) != "x" {
		t.Errorf("Values = %q, want a=etag-1 b=x", got)
	}
	got := values(inst, "a")
	got["a"][0] = 'X'
	if got := values(inst, "a"); string(got["a"]) != "etag-1" {
		t.Errorf("Values returned the stored bytes: a=%q after a change to a copy", got["a"])
	}
	commit(t, s, inst, tributary.Commit{Values: map[string][]byte{"a": []byte("etag-2"), "b": nil}})
	if got := values(inst, "a", "b"); len(got) != 1 || string(got["a"]) != "etag-2" {
		t.Errorf("Values after an overwrite and a deletion = %q, want a=etag-2", got)
	}
	commit(t, s, inst, tributary.Commit{State: tributary.State{LastGoodEnd: t0}})
	if got := values(inst, "a"); string(got["a"]) != "etag-2" {
		t.Errorf("a commit without values changed them: %q", got)
	}
	if err := s.Reset(t.Context(), inst); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if got := values(inst, "a"); len(got) != 0 {
		t.Errorf("Values after Reset = %q, want none", got)
	}
	if got := values("other", "a"); string(got["a"]) != "other" {
		t.Errorf("Reset touched another instance's values: %q", got)
	}
}

// testRetries checks a RetryStore's queue of documents to fetch again:
// failures under document ids queue them and count attempts at the
// commit's time, upserts, removals and resolved ids take them off before a
// commit's failures count, attempts and limit bound the answer, instances
// are apart and Reset forgets the queue. A Store that keeps none is not
// checked.
func testRetries(t *testing.T, s tributary.Store) {
	rs, ok := s.(tributary.RetryStore)
	if !ok {
		t.Skip("not a RetryStore")
	}
	queued := func(instance string, maxAttempts, limit int) []tributary.Retry {
		t.Helper()
		got, err := rs.Retries(t.Context(), instance, maxAttempts, limit)
		if err != nil {
			t.Fatalf("Retries: %v", err)
		}
		return got
	}
	at := func(i int) time.Time { return t0.Add(time.Duration(i) * time.Minute) }
	fail := func(ids ...string) []*tributary.Failure {
		var out []*tributary.Failure
		for _, id := range ids {
			out = append(out, &tributary.Failure{DocumentID: id, Message: "unreadable " + id})
		}
		return out
	}
	commit(t, s, inst, tributary.Commit{Time: at(0), Failures: append(fail("b", "a"),
		&tributary.Failure{EntityID: "space X", Message: "not a document"})})
	commit(t, s, inst, tributary.Commit{Time: at(1), Failures: fail("c", "a")})
	commit(t, s, "other", tributary.Commit{Time: at(0), Failures: fail("a")})

	got := queued(inst, 10, 10)
	if len(got) != 3 {
		t.Fatalf("Retries = %+v, want a, b, c (a failure with no document id is not queued)", got)
	}
	want := []struct {
		id       string
		attempts int
		last     time.Time
	}{{"b", 1, at(0)}, {"a", 2, at(1)}, {"c", 1, at(1)}}
	for i, w := range want {
		if g := got[i]; g.DocumentID != w.id || g.Attempts != w.attempts || !g.LastFailed.Equal(w.last) {
			t.Errorf("Retries[%d] = %s %d attempts at %v, want %s %d at %v (longest failed first, then by id)",
				i, g.DocumentID, g.Attempts, g.LastFailed, w.id, w.attempts, w.last)
		}
	}
	if !strings.Contains(got[1].Message, "unreadable a") {
		t.Errorf("Retries message = %q, want the last failure's", got[1].Message)
	}
	if got := queued(inst, 2, 10); len(got) != 2 || got[0].DocumentID != "b" || got[1].DocumentID != "c" {
		t.Errorf("Retries with 2 attempts at most = %+v, want b, c", got)
	}
	if got := queued(inst, 10, 1); len(got) != 1 || got[0].DocumentID != "b" {
		t.Errorf("Retries limited to 1 = %+v, want b", got)
	}

	// Delivered, deleted and resolved documents leave the queue; one both
	// delivered and failed in one commit is queued anew, with one attempt.
	commit(t, s, inst, tributary.Commit{Time: at(2),
		Upserts: []tributary.InventoryEntry{{ID: "a", Hash: "h"}, {ID: "b", Hash: "h"}}, Failures: fail("b")})
	commit(t, s, inst, tributary.Commit{Time: at(3), Resolved: []string{"c", "never-failed"}})
	if got := queued(inst, 10, 10); len(got) != 1 || got[0].DocumentID != "b" || got[0].Attempts != 1 || !got[0].LastFailed.Equal(at(2)) {
		t.Errorf("Retries after deliveries = %+v, want b with 1 attempt at %v", got, at(2))
	}
	commit(t, s, inst, tributary.Commit{Time: at(4), Removals: []string{"b"}})
	if got := queued(inst, 10, 10); len(got) != 0 {
		t.Errorf("Retries after a removal = %+v, want none", got)
	}
	if got := queued("other", 10, 10); len(got) != 1 || got[0].DocumentID != "a" {
		t.Errorf("another instance's retries = %+v, want a", got)
	}
	// An upstream's error text may hold NUL bytes and broken UTF-8.
	commit(t, s, inst, tributary.Commit{Time: at(5), Failures: append(fail("d"),
		&tributary.Failure{DocumentID: "e", Message: "bad\x00body \xff", Err: errors.New("\x00")})})
	if got := queued(inst, 10, 10); len(got) != 2 {
		t.Errorf("Retries = %+v, want d and e", got)
	}
	if err := s.Reset(t.Context(), inst); err != nil {
		t.Fatalf("Reset: %v", err)
	}
	if got := queued(inst, 10, 10); len(got) != 0 {
		t.Errorf("Retries after Reset = %+v, want none", got)
	}
}
