package connectortest

import (
	"context"
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// entry is one value of any of a connector's iterators, reduced to what the
// checks that treat every iterator alike need.
type entry struct {
	id  string // the document id, for documents and slim documents
	doc bool   // a document, a slim document or a document item
}

// stream is one of a connector's iterators, opened afresh by open.
type stream struct {
	name string
	// open returns the iterator without ranging over it.
	open func(ctx context.Context) iter.Seq2[entry, error]
	// work reports whether ranging the iterator must do upstream work
	// (false for events that carry their own content).
	work bool
	// full reports an iterator over everything the source has (no window,
	// no event), which checks that repeat a range per position use most.
	full bool
}

// streamsOf lists every iterator c offers directly: Load, Poll over all
// time and over each window, LoadSlim, the checkpoint stream, and
// HandleEvent for each event of the harness.
func streamsOf(c tributary.Connector, h *Harness) []stream {
	var s []stream
	if l, ok := c.(tributary.LoadConnector); ok {
		s = append(s, stream{"Load", func(ctx context.Context) iter.Seq2[entry, error] {
			return erase(l.Load(ctx), docEntry)
		}, true, true})
	}
	if p, ok := c.(tributary.PollConnector); ok {
		for _, w := range allTime(h) {
			s = append(s, stream{"Poll" + w.label, func(ctx context.Context) iter.Seq2[entry, error] {
				return erase(p.Poll(ctx, w.start, w.end), docEntry)
			}, true, w.full})
		}
	}
	if sl, ok := c.(tributary.SlimConnector); ok {
		for _, w := range allTime(h) {
			s = append(s, stream{"LoadSlim" + w.label, func(ctx context.Context) iter.Seq2[entry, error] {
				return erase(sl.LoadSlim(ctx, w.start, w.end), slimEntry)
			}, true, w.full})
		}
	}
	if cp, ok := c.(tributary.CheckpointConnector); ok {
		for _, w := range allTime(h) {
			s = append(s, stream{"LoadFromCheckpoint" + w.label, func(ctx context.Context) iter.Seq2[entry, error] {
				return erase(cp.LoadFromCheckpoint(ctx, w.start, w.end, nil), itemEntry)
			}, true, w.full})
		}
	}
	if e, ok := c.(tributary.EventConnector); ok {
		for _, ev := range h.Events {
			s = append(s, stream{fmt.Sprintf("HandleEvent(%s)", ev.Name), func(ctx context.Context) iter.Seq2[entry, error] {
				return erase(e.HandleEvent(ctx, ev.Event), itemEntry)
			}, false, false})
		}
	}
	return s
}

// window is a window to check, with the label failure messages give it.
type window struct {
	label      string
	start, end time.Time
	want       []string
	full       bool // the all-time window
}

// allTime returns the all-time window (wanting h.WantIDs) followed by the
// harness's windows.
func allTime(h *Harness) []window {
	ws := []window{{label: "(all time)", want: h.WantIDs, full: true}}
	for i, w := range h.Windows {
		ws = append(ws, window{
			label: fmt.Sprintf("(window %d [%s, %s))", i+1, formatTime(w.Start), formatTime(w.End)),
			start: w.Start, end: w.End, want: w.WantIDs,
		})
	}
	return ws
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return "zero"
	}
	return t.UTC().Format(time.RFC3339)
}

func erase[V any](seq iter.Seq2[V, error], f func(V) entry) iter.Seq2[entry, error] {
	if seq == nil {
		return nil
	}
	return func(yield func(entry, error) bool) {
		seq(func(v V, err error) bool { return yield(f(v), err) })
	}
}

func docEntry(d *tributary.Document) entry {
	if d == nil {
		return entry{}
	}
	return entry{id: d.ID, doc: true}
}

func slimEntry(s tributary.SlimDocument) entry {
	return entry{id: s.ID, doc: s.ID != ""}
}

func itemEntry(it tributary.Item) entry {
	if it.Document == nil {
		return entry{}
	}
	return entry{id: it.Document.ID, doc: true}
}

// countDocs ranges over seq to its end and returns how many values and how
// many documents it yielded.
func countDocs(t testing.TB, h *Harness, label string, seq iter.Seq2[entry, error]) (values, docs int) {
	t.Helper()
	values, _ = drive(t, h, label, seq, func(e entry, _ error) bool {
		if e.doc {
			docs++
		}
		return true
	})
	return values, docs
}
