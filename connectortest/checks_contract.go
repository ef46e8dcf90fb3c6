package connectortest

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// maxBreaks bounds how many break positions EarlyBreak tries per iterator.
const maxBreaks = 8

// checkEarlyBreak: after yield returns false, every iterator returns
// without calling yield again, wherever the loop breaks.
func checkEarlyBreak(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	for _, s := range streamsOf(c, h) {
		n, _ := countDocs(t, h, s.name, s.open(t.Context()))
		most := maxBreaks
		if !s.full {
			most = 3 // windows and events: the first, a middle and the last value
		}
		for _, at := range breakPoints(n, most) {
			label := fmt.Sprintf("%s, break after value %d of %d", s.name, at, n)
			i := 0
			got, _ := drive(t, h, label, s.open(t.Context()), func(entry, error) bool {
				i++
				return i < at
			})
			if got != at {
				t.Errorf("%s: yielded %d values before the break; want %d", label, got, at)
			}
		}
	}
}

// breakPoints returns up to most positions in [1, n], spread evenly,
// always 1 and n.
func breakPoints(n, most int) []int {
	if n <= most {
		out := make([]int, n)
		for i := range out {
			out[i] = i + 1
		}
		return out
	}
	var out []int
	for i := range most {
		at := 1 + i*(n-1)/(most-1)
		if len(out) == 0 || out[len(out)-1] != at {
			out = append(out, at)
		}
	}
	return out
}

// checkCancel: with a cancelled context, or one past its deadline, an
// iterator yields no document and ends with an error matching ctx.Err();
// cancelled mid-stream it ends with such an error too.
func checkCancel(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	for _, s := range streamsOf(c, h) {
		cancelled, cancel := context.WithCancel(t.Context())
		cancel()
		expired, cancelExpired := context.WithDeadline(t.Context(), time.Now().Add(-time.Second))
		for _, ctx := range []context.Context{cancelled, expired} {
			doneBefore(t, h, s, ctx)
		}
		cancelExpired()
		cancelMidStream(t, h, s)
	}
}

// doneBefore ranges over s with a context that is already done.
func doneBefore(t testing.TB, h *Harness, s stream, ctx context.Context) {
	t.Helper()
	label := fmt.Sprintf("%s with a context already done (%v)", s.name, ctx.Err())
	docs := 0
	_, err := drive(t, h, label, s.open(ctx), func(e entry, _ error) bool {
		if e.doc {
			docs++
		}
		return true
	})
	if docs > 0 {
		t.Errorf("%s yielded %d documents; want none", label, docs)
	}
	if !errors.Is(err, ctx.Err()) {
		t.Errorf("%s ended with %v; want an error matching ctx.Err()", label, err)
	}
}

// cancelMidStream cancels the context while the first value is yielded and
// checks that the stream then ends with the context's error.
func cancelMidStream(t testing.TB, h *Harness, s stream) {
	t.Helper()
	n, _ := countDocs(t, h, s.name, s.open(t.Context()))
	if n < 2 {
		return // nothing left to stop after the first value
	}
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	got, err := drive(t, h, s.name+" cancelled mid-stream", s.open(ctx), func(entry, error) bool {
		cancel()
		return true
	})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("%s: after its context was cancelled at value 1 of %d, it yielded %d more values and ended with %v; want an error matching ctx.Err() (context.Canceled)", s.name, n, got-1, err)
	}
}

// checkNoGoroutineLeak: no goroutine started while ranging outlives the
// range loop, whether it runs to the end, breaks early, or is cancelled.
func checkNoGoroutineLeak(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	streams := streamsOf(c, h)
	before := goroutines()
	if err := c.Validate(t.Context()); err != nil {
		t.Errorf("Validate: %v", err)
	}
	for _, s := range streams {
		countDocs(t, h, s.name, s.open(t.Context()))
		drive(t, h, s.name+", break after value 1", s.open(t.Context()), func(entry, error) bool { return false })
		ctx, cancel := context.WithCancel(t.Context())
		drive(t, h, s.name+" cancelled mid-stream", s.open(ctx), func(entry, error) bool {
			cancel()
			return true
		})
		cancel()
	}
	for _, g := range leaked(before, h.IgnoreGoroutines, 2*time.Second) {
		if openBody(g) {
			t.Errorf("an HTTP response body was left open: goroutine %s, the read loop of its connection, still waits for it to be read or closed after the range loops over %s", g.id, streamNames(streams))
			continue
		}
		t.Errorf("goroutine %s (started in %s) outlived Validate and the range loops over %s:\n%s", g.id, g.entry, streamNames(streams), g.stack)
	}
}

func streamNames(streams []stream) string {
	names := make([]string, len(streams))
	for i, s := range streams {
		names[i] = s.name
	}
	return strings.Join(names, ", ")
}

// checkFailureIDs: every failure names a document or entity; a failure's
// document id follows the scheme of document ids; a full load reports
// exactly WantFailureIDs when the harness gives them.
func checkFailureIDs(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	type failures struct {
		label string
		list  []*tributary.Failure
	}
	load := collectDocs(t, h, "Load", tributary.Load(t.Context(), c))
	runs := []failures{{"Load", load.failures}}
	if cc, ok := c.(tributary.CheckpointConnector); ok {
		const label = "LoadFromCheckpoint(all time)"
		r := collectItems(t, h, label, cc.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		runs = append(runs, failures{label, r.failures(0, -1)})
	}
	total := 0
	for _, r := range runs {
		total += len(r.list)
	}
	if total == 0 && len(h.WantFailureIDs) == 0 {
		t.Skip("the fixture makes no document fail: set Harness.WantFailureIDs with a fixture that does")
	}
	matches, rule := idRule(h)
	if matches == nil {
		t.Log(rule)
	}
	for _, r := range runs {
		for _, f := range r.list {
			if failureID(f) == "" {
				t.Errorf("%s: failure %q names neither a document nor an entity", r.label, f)
			}
			if f.DocumentID != "" && matches != nil && !matches(f.DocumentID) {
				t.Errorf("%s: failure names document %q, which does not follow the document id scheme (%s); a failure uses the id the document itself would have", r.label, f.DocumentID, rule)
			}
		}
		if len(h.WantFailureIDs) > 0 {
			sameIDs(t, r.label+" failures", failureIDs(r.list), h.WantFailureIDs)
		}
	}
}

// idRule returns the test for document ids and a description of it, or nil
// and the reason there is none.
func idRule(h *Harness) (func(string) bool, string) {
	if h.IDMatches != nil {
		return h.IDMatches, "Harness.IDMatches"
	}
	p := idPrefix(h.WantIDs)
	if p == "" {
		return nil, "document ids share no prefix, so failure ids are not checked against their scheme; set Harness.IDMatches"
	}
	return func(id string) bool { return strings.HasPrefix(id, p) && len(id) > len(p) },
		fmt.Sprintf("document ids start with %q", p)
}

// checkNoMutationAfterYield: a yielded document is never changed by the
// connector afterwards, and a caller changing it changes nothing the
// connector yields later.
func checkNoMutationAfterYield(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	first := collectDocs(t, h, "Load", tributary.Load(t.Context(), c))
	unchanged(t, "Load", first)
	if cc, ok := c.(tributary.CheckpointConnector); ok {
		r := collectItems(t, h, "LoadFromCheckpoint(all time)", cc.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		unchangedItems(t, "LoadFromCheckpoint(all time)", r)
	}
	for _, d := range first.docs {
		d.Title += " (changed by the caller)"
		d.Sections = append(d.Sections, tributary.TextSection("", "added by the caller"))
		if d.Metadata != nil {
			d.Metadata["connectortest"] = []string{"changed"}
		}
	}
	want := map[string]string{}
	for i, d := range first.docs {
		want[d.ID] = first.hashes[i]
	}
	second := collectDocs(t, h, "second Load", tributary.Load(t.Context(), c))
	for _, d := range second.docs {
		if hash, ok := want[d.ID]; ok && d.ContentHash() != hash {
			t.Errorf("second Load: document %q differs from the first Load's after the caller changed that one: the connector shares memory with documents it yielded", d.ID)
		}
	}
}

func unchanged(t testing.TB, label string, r docRun) {
	t.Helper()
	for i, d := range r.docs {
		if d.ContentHash() != r.hashes[i] {
			t.Errorf("%s: document %q (value %d) changed after it was yielded; a yielded document belongs to the caller", label, r.docIDs[i], i+1)
		}
	}
}

func unchangedItems(t testing.TB, label string, r itemRun) {
	t.Helper()
	for i, it := range r.items {
		if it.Document != nil && it.Document.ContentHash() != r.hashes[i] {
			t.Errorf("%s: document %q (item %d) changed after it was yielded; a yielded document belongs to the caller", label, r.ids[i], i+1)
		}
	}
}

// checkEvents: each event of the harness yields exactly its documents and
// deletions, well formed, parents first, and unchanged after the range.
func checkEvents(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	ec, ok := c.(tributary.EventConnector)
	if !ok {
		t.Skip("not a tributary.EventConnector")
	}
	if len(h.Events) == 0 {
		t.Skip("Harness.Events is empty: nothing checks what HandleEvent yields")
	}
	for _, ev := range h.Events {
		label := fmt.Sprintf("HandleEvent(%s)", ev.Name)
		r := collectItems(t, h, label, ec.HandleEvent(t.Context(), ev.Event))
		if r.err != nil {
			t.Errorf("%s: ended with error: %v", label, r.err)
			continue
		}
		var deleted []string
		for _, it := range r.items {
			if it.Deletion != "" {
				deleted = append(deleted, it.Deletion)
			}
		}
		sameIDs(t, label+" documents", r.docIDs(0, -1), ev.WantIDs)
		sameIDs(t, label+" deletions", deleted, ev.WantDeletions)
		checkDocuments(t, label, c.Source(), r.docs())
		hierarchyOrder(t, label, r.items, false)
		unchangedItems(t, label, r)
	}
}
