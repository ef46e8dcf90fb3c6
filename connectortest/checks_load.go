package connectortest

import (
	"errors"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// checkValidate: Validate accepts the harness's good configuration, and is
// a probe rather than a listing: it does less work than a full load.
func checkValidate(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	if c.Source() == "" {
		t.Errorf("Source() is empty")
	}
	before := requests(h, c)
	if err := c.Validate(t.Context()); err != nil {
		t.Errorf("Validate with good credentials: %v", err)
	}
	if h.Requests == nil {
		return
	}
	probe := requests(h, c) - before
	before = requests(h, c)
	rangeIDs(t, h, "Load", erase(tributary.Load(t.Context(), c), docEntry))
	if load := requests(h, c) - before; load > 4 && probe >= load {
		t.Errorf("Validate did %d units of work, as much as a full load (%d): it lists instead of probing", probe, load)
	}
}

// checkBadCredentials: rejected credentials are classified as
// ErrCredentialExpired by Validate and end a load with that error, never
// with an empty success.
func checkBadCredentials(t testing.TB, h *Harness) {
	if h.BadCredentials == nil {
		t.Skip("Harness.BadCredentials is not set: nothing checks how rejected credentials are classified")
	}
	c := h.BadCredentials(t)
	if c == nil {
		t.Fatal("Harness.BadCredentials returned a nil connector")
	}
	switch err := c.Validate(t.Context()); {
	case err == nil:
		t.Errorf("Validate with bad credentials returned nil; want an error matching tributary.ErrCredentialExpired")
	case !errors.Is(err, tributary.ErrCredentialExpired):
		t.Errorf("Validate with bad credentials returned %q (kind %v); want an error matching tributary.ErrCredentialExpired", err, tributary.Kind(err))
	}
	r := collectDocs(t, h, "Load with bad credentials", tributary.Load(t.Context(), c))
	if len(r.docs) > 0 {
		t.Errorf("Load with bad credentials yielded %d documents", len(r.docs))
	}
	if !errors.Is(r.err, tributary.ErrCredentialExpired) {
		t.Errorf("Load with bad credentials ended with %v; want an error matching tributary.ErrCredentialExpired (a load that ends cleanly with nothing would make pruning delete every document)", r.err)
	}
}

// checkLoad: a full load yields exactly WantIDs, each a well-formed
// document, and ends without error.
func checkLoad(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	r := collectDocs(t, h, "Load", tributary.Load(t.Context(), c))
	if r.err != nil {
		t.Fatalf("Load ended with error: %v", r.err)
	}
	sameIDs(t, "Load", r.ids(), h.WantIDs)
	checkDocuments(t, "Load", c.Source(), r.docs)
}

// checkLoadTwice: a second Load on the same connector yields the same ids
// with the same content, so an unchanged source re-indexes nothing.
func checkLoadTwice(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	first := collectDocs(t, h, "first Load", tributary.Load(t.Context(), c))
	second := collectDocs(t, h, "second Load", tributary.Load(t.Context(), c))
	if first.err != nil || second.err != nil {
		t.Fatalf("Load ended with error: first %v, second %v", first.err, second.err)
	}
	sameIDs(t, "second Load against the first", second.ids(), first.ids())
	hashes := map[string]string{}
	for i, id := range first.ids() {
		hashes[id] = first.hashes[i]
	}
	for i, id := range second.ids() {
		if h, ok := hashes[id]; ok && h != second.hashes[i] {
			t.Errorf("second Load: document %q has other content than in the first Load of the same source: something volatile (a fetch time, a map's order) enters it, so every run would re-index it", id)
		}
	}
}

// checkRangeTwice: ranging over the same iterator twice yields the same ids
// both times and, when the harness counts work, fetches twice.
func checkRangeTwice(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	for _, s := range streamsOf(c, h) {
		seq := s.open(t.Context())
		first := rangeIDs(t, h, s.name+", first range", seq)
		before := requests(h, c)
		second := rangeIDs(t, h, s.name+", second range of the same iterator", seq)
		sameIDs(t, s.name+", second range of the same iterator against the first", second, first)
		if h.Requests != nil && s.work && requests(h, c) == before {
			t.Errorf("%s: the second range of the same iterator did no work (Harness.Requests stayed at %d): an iterator fetches anew each time it is ranged", s.name, before)
		}
	}
}

// checkNoWorkBeforeIteration: creating an iterator does no work; ranging
// over it does.
func checkNoWorkBeforeIteration(t testing.TB, h *Harness) {
	if h.Requests == nil {
		t.Skip("Harness.Requests is not set: the kit cannot see when work happens")
	}
	c := newConnector(t, h)
	for _, s := range streamsOf(c, h) {
		before := requests(h, c)
		seq := s.open(t.Context())
		if after := requests(h, c); after != before {
			t.Errorf("%s: creating the iterator did %d units of work before iteration started; do nothing until it is ranged", s.name, after-before)
		}
		rangeIDs(t, h, s.name, seq)
		if s.work && requests(h, c) == before {
			t.Errorf("%s: ranging the iterator did no work by Harness.Requests, so this check cannot see the connector's work; count it", s.name)
		}
	}
}

func requests(h *Harness, c tributary.Connector) int {
	if h.Requests == nil {
		return 0
	}
	return h.Requests(c)
}

// rangeIDs ranges over seq to its end and returns the document ids.
func rangeIDs(t testing.TB, h *Harness, label string, seq iter.Seq2[entry, error]) []string {
	t.Helper()
	var ids []string
	_, err := drive(t, h, label, seq, func(e entry, _ error) bool {
		if e.doc {
			ids = append(ids, e.id)
		}
		return true
	})
	if err != nil {
		t.Errorf("%s: ended with error: %v", label, err)
	}
	return ids
}

// checkPollAllTime: Poll over two zero times yields what Load yields.
func checkPollAllTime(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	p, ok := c.(tributary.PollConnector)
	if !ok {
		t.Skip("not a tributary.PollConnector")
	}
	r := collectDocs(t, h, "Poll(all time)", p.Poll(t.Context(), time.Time{}, time.Time{}))
	if r.err != nil {
		t.Fatalf("Poll(all time) ended with error: %v", r.err)
	}
	sameIDs(t, "Poll(all time)", r.ids(), h.WantIDs)
	checkDocuments(t, "Poll(all time)", c.Source(), r.docs)
}

// checkPollWindows: Poll over each window yields exactly the documents that
// changed in it, each with an update time inside it when it has one.
func checkPollWindows(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	p, ok := c.(tributary.PollConnector)
	if !ok {
		t.Skip("not a tributary.PollConnector")
	}
	if len(h.Windows) == 0 {
		t.Skip("Harness.Windows is empty: nothing checks that Poll keeps to its window")
	}
	for _, w := range allTime(h)[1:] {
		label := "Poll" + w.label
		r := collectDocs(t, h, label, p.Poll(t.Context(), w.start, w.end))
		if r.err != nil {
			t.Errorf("%s: ended with error: %v", label, r.err)
			continue
		}
		sameIDs(t, label, r.ids(), w.want)
		checkDocuments(t, label, c.Source(), r.docs)
		for _, d := range r.docs {
			if u := d.UpdatedAt; !u.IsZero() && (u.Before(w.start) || !w.end.IsZero() && !u.Before(w.end)) {
				t.Errorf("%s: document %q has UpdatedAt %s, outside the window", label, d.ID, formatTime(u))
			}
		}
	}
}

// checkSlim: LoadSlim admits exactly the documents Load admits: every
// document Load yields, and nothing else but documents Load reported as
// failures. Over each window it yields the window's documents. Each slim
// document carries the access Load gives the document, none where Load
// gives none, since a permission sync delivers the slim one.
func checkSlim(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	sl, ok := c.(tributary.SlimConnector)
	if !ok {
		t.Skip("not a tributary.SlimConnector")
	}
	load := collectDocs(t, h, "Load", tributary.Load(t.Context(), c))
	if load.err != nil {
		t.Fatalf("Load ended with error: %v", load.err)
	}
	parents := map[string]string{}
	access := map[string]*tributary.ExternalAccess{}
	for _, d := range load.docs {
		parents[d.ID] = d.ParentID
		access[d.ID] = d.ExternalAccess
	}
	for i, w := range allTime(h) {
		label := "LoadSlim" + w.label
		r := collectSlim(t, h, label, sl.LoadSlim(t.Context(), w.start, w.end))
		if r.err != nil {
			t.Errorf("%s: ended with error: %v", label, r.err)
			continue
		}
		want := w.want
		if i == 0 {
			want = load.ids()
		}
		checkSlimIDs(t, label, r.ids(), want, failureIDs(load.failures))
		for _, s := range r.slims {
			if p, ok := parents[s.ID]; ok && s.ParentID != "" && s.ParentID != p {
				t.Errorf("%s: slim document %q has ParentID %q, but Load gives it %q", label, s.ID, s.ParentID, p)
			}
			if a, ok := access[s.ID]; ok && s.ExternalAccess.Hash() != a.Hash() {
				t.Errorf("%s: slim document %q has access %s, but Load gives it %s: a permission sync would deliver the wrong one",
					label, s.ID, describeAccess(s.ExternalAccess), describeAccess(a))
			}
		}
	}
}

// checkSlimIDs compares slim ids with the ids Load yields, allowing ids Load
// reported as failures (the document exists; its content failed).
func checkSlimIDs(t testing.TB, label string, got, want, failed []string) {
	t.Helper()
	if dups := duplicates(got); len(dups) > 0 {
		t.Errorf("%s: yielded duplicate ids %s", label, list(dups))
	}
	missing, extra := diff(got, want)
	if len(missing) > 0 {
		t.Errorf("%s: misses %d ids that Load yields: %s (pruning would delete them)", label, len(missing), list(missing))
	}
	allowed := set(failed)
	var unexpected []string
	for _, id := range extra {
		if !allowed[id] {
			unexpected = append(unexpected, id)
		}
	}
	if len(unexpected) > 0 {
		t.Errorf("%s: yielded %d ids that Load does not yield: %s", label, len(unexpected), list(unexpected))
	}
}

func describeAccess(a *tributary.ExternalAccess) string {
	if a == nil {
		return "none (not determined)"
	}
	return fmt.Sprintf("%+v", *a)
}
