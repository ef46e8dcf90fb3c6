package connectortest

import (
	"fmt"
	"iter"
	"runtime/debug"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// drive ranges over seq the way a for-range loop does, but with a guarded
// yield, so that it can report what a range loop would turn into a panic or
// a hang: a yield after false, a value after the terminal error, a panic, an
// iterator that never returns. visit sees every value in order; returning
// false from it stops the range. drive returns the number of values and the
// terminal error: the last error when it is not a *tributary.Failure.
//
// The iterator runs on a goroutine of its own so that a hang is reported
// after h.Timeout instead of stalling the test binary. visit must only use
// t's goroutine-safe methods (Errorf, Logf).
func drive[V any](t testing.TB, h *Harness, label string, seq iter.Seq2[V, error], visit func(v V, err error) bool) (int, error) {
	t.Helper()
	if seq == nil {
		t.Errorf("%s: returned a nil iterator", label)
		return 0, nil
	}
	var (
		mu        sync.Mutex
		n         int
		stoppedAt int // the value at which yield returned false, or 0
		terminal  error
		extra     int         // calls after a false or after the terminal error
		late      atomic.Bool // the check gave up waiting; report nothing more
	)
	yield := func(v V, err error) bool {
		mu.Lock()
		defer mu.Unlock()
		if late.Load() {
			return false
		}
		if stoppedAt > 0 || terminal != nil {
			extra++
			return false
		}
		n++
		if _, isFailure := tributary.AsFailure(err); err != nil && !isFailure {
			terminal = err
		}
		if !visit(v, err) {
			stoppedAt = n
			return false
		}
		return true
	}
	done := make(chan any, 1)
	go func() {
		defer func() {
			if p := recover(); p != nil {
				done <- fmt.Sprintf("%v\n%s", p, debug.Stack())
				return
			}
			done <- nil
		}()
		seq(yield)
	}()
	timer := time.NewTimer(h.timeout())
	defer timer.Stop()
	select {
	case p := <-done:
		if p != nil {
			t.Errorf("%s: iterator panicked: %v", label, p)
		}
	case <-timer.C:
		late.Store(true)
		t.Fatalf("%s: the range loop did not end within %v: the iterator hangs or ignores its context", label, h.timeout())
	}
	mu.Lock()
	defer mu.Unlock()
	switch {
	case extra > 0 && stoppedAt > 0:
		t.Errorf("%s: yield called again after it returned false at value %d (%d more calls); the iterator must return at once", label, stoppedAt, extra)
	case extra > 0:
		t.Errorf("%s: yielded %d more values after the terminal error %q; only a *tributary.Failure may be followed by more values", label, extra, terminal)
	}
	return n, terminal
}

// docRun is what one range over a document iterator yielded.
type docRun struct {
	docs     []*tributary.Document
	docIDs   []string // docs[i].ID when it was yielded
	hashes   []string // ContentHash of docs[i] when it was yielded
	failures []*tributary.Failure
	err      error // terminal error, nil when the stream ended cleanly
}

// collectDocs ranges over seq, recording documents, failures and protocol
// violations: (nil, nil), a value together with an error.
func collectDocs(t testing.TB, h *Harness, label string, seq iter.Seq2[*tributary.Document, error]) docRun {
	t.Helper()
	var r docRun
	_, r.err = drive(t, h, label, seq, func(d *tributary.Document, err error) bool {
		r.visit(t, label, d, err)
		return true
	})
	return r
}

func (r *docRun) visit(t testing.TB, label string, d *tributary.Document, err error) {
	i := len(r.docs) + len(r.failures) + 1
	switch {
	case d == nil && err == nil:
		t.Errorf("%s: value %d is (nil, nil); each step must yield a document or an error", label, i)
	case d != nil && err != nil:
		t.Errorf("%s: value %d is both document %q and error %q; yield one or the other", label, i, d.ID, err)
	}
	if f, ok := tributary.AsFailure(err); ok {
		r.failures = append(r.failures, f)
	}
	if d != nil {
		r.docs = append(r.docs, d)
		r.docIDs = append(r.docIDs, d.ID)
		r.hashes = append(r.hashes, d.ContentHash())
	}
}

func (r docRun) ids() []string { return r.docIDs }

// slimRun is what one range over a slim iterator yielded.
type slimRun struct {
	slims    []tributary.SlimDocument
	failures []*tributary.Failure
	err      error
}

func collectSlim(t testing.TB, h *Harness, label string, seq iter.Seq2[tributary.SlimDocument, error]) slimRun {
	t.Helper()
	var r slimRun
	_, r.err = drive(t, h, label, seq, func(s tributary.SlimDocument, err error) bool {
		i := len(r.slims) + len(r.failures) + 1
		switch {
		case s.ID == "" && err == nil:
			t.Errorf("%s: value %d is a slim document with no id and no error", label, i)
		case s.ID != "" && err != nil:
			t.Errorf("%s: value %d is both slim document %q and error %q; yield one or the other", label, i, s.ID, err)
		}
		if f, ok := tributary.AsFailure(err); ok {
			r.failures = append(r.failures, f)
		}
		if s.ID != "" {
			r.slims = append(r.slims, s)
		}
		return true
	})
	return r
}

func (r slimRun) ids() []string {
	ids := make([]string, len(r.slims))
	for i, s := range r.slims {
		ids[i] = s.ID
	}
	return ids
}

// itemRun is what one range over an item stream yielded.
type itemRun struct {
	items  []tributary.Item
	ids    map[int]string // items[i].Document.ID when it was yielded
	hashes map[int]string // ContentHash of items[i].Document when yielded
	err    error
}

func collectItems(t testing.TB, h *Harness, label string, seq iter.Seq2[tributary.Item, error]) itemRun {
	t.Helper()
	r := itemRun{ids: map[int]string{}, hashes: map[int]string{}}
	_, r.err = drive(t, h, label, seq, func(it tributary.Item, err error) bool {
		kind := it.Kind()
		if err != nil {
			if f, ok := tributary.AsFailure(err); ok && it.Kind() == tributary.ItemInvalid {
				it = tributary.FailureItem(f) // a failure yielded as an error
				kind = tributary.ItemFailure
			}
		}
		switch {
		case kind == tributary.ItemInvalid && err == nil:
			t.Errorf("%s: value %d is an item with none or several fields set and no error", label, len(r.items)+1)
			return true
		case kind != tributary.ItemInvalid && err != nil && kind != tributary.ItemFailure:
			t.Errorf("%s: value %d is both a %s item and error %q; yield one or the other", label, len(r.items)+1, kind, err)
		}
		if kind == tributary.ItemInvalid {
			return true
		}
		if it.Document != nil {
			r.ids[len(r.items)] = it.Document.ID
			r.hashes[len(r.items)] = it.Document.ContentHash()
		}
		r.items = append(r.items, it)
		return true
	})
	return r
}

// docIDs returns the ids, as yielded, of the documents among the items
// from index from to index end (to the last item when end < 0).
func (r itemRun) docIDs(from, end int) []string {
	if end < 0 || end > len(r.items) {
		end = len(r.items)
	}
	var ids []string
	for i := from; i < end; i++ {
		if id, ok := r.ids[i]; ok {
			ids = append(ids, id)
		}
	}
	return ids
}

func (r itemRun) docs() []*tributary.Document {
	var docs []*tributary.Document
	for _, it := range r.items {
		if it.Document != nil {
			docs = append(docs, it.Document)
		}
	}
	return docs
}

func (r itemRun) failures(from, end int) []*tributary.Failure {
	if end < 0 || end > len(r.items) {
		end = len(r.items)
	}
	var fs []*tributary.Failure
	for _, it := range r.items[from:end] {
		if it.Failure != nil {
			fs = append(fs, it.Failure)
		}
	}
	return fs
}

// checkpoints returns the indexes of the checkpoint items.
func (r itemRun) checkpoints() []int {
	var at []int
	for i, it := range r.items {
		if it.Kind() == tributary.ItemCheckpoint {
			at = append(at, i)
		}
	}
	return at
}
