package connectortest

import (
	"fmt"
	"iter"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// checkConcurrentLoads: two Loads of one connector, first advanced in turn
// and then ranged on two goroutines at once, each yield every document:
// iterators share no cursor, and (under -race) no unguarded state.
func checkConcurrentLoads(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	a, b := interleave(t, h, tributary.Load(t.Context(), c), tributary.Load(t.Context(), c))
	sameIDs(t, "Load A, advanced in turn with Load B", a, h.WantIDs)
	sameIDs(t, "Load B, advanced in turn with Load A", b, h.WantIDs)

	type result struct {
		ids      []string
		failures []string
		err      error
	}
	results := make(chan result, 2)
	for range 2 {
		go func() {
			var r result
			defer func() {
				if p := recover(); p != nil {
					r.err = fmt.Errorf("panic: %v", p)
				}
				results <- r
			}()
			for d, err := range tributary.Load(t.Context(), c) {
				switch {
				case d != nil:
					r.ids = append(r.ids, d.ID)
				case err != nil:
					if _, ok := tributary.AsFailure(err); ok {
						r.failures = append(r.failures, err.Error())
					} else if r.err == nil {
						r.err = err
					}
				}
			}
		}()
	}
	timeout := time.After(h.timeout())
	for i := range 2 {
		select {
		case r := <-results:
			label := fmt.Sprintf("Load %d of 2 running at once", i+1)
			if r.err != nil {
				t.Errorf("%s: %v", label, r.err)
			}
			// Failures are not checked here (the other checks match them
			// to WantFailureIDs); they are logged, so that an id missing
			// here shows whether it came back as a Failure or not at all.
			for _, f := range r.failures {
				t.Logf("%s: failure: %s", label, f)
			}
			sameIDs(t, label, r.ids, h.WantIDs)
		case <-timeout:
			t.Fatalf("two Loads running at once did not end within %v", h.timeout())
		}
	}
}

// interleave pulls one value from a, then one from b, and so on until
// both end, and returns the document ids of each.
func interleave(t testing.TB, h *Harness, a, b iter.Seq2[*tributary.Document, error]) (idsA, idsB []string) {
	t.Helper()
	nextA, stopA := iter.Pull2(a)
	defer stopA()
	nextB, stopB := iter.Pull2(b)
	defer stopB()
	doneA, doneB := false, false
	limit := 4*len(h.WantIDs) + 1000
	for step := 0; !doneA || !doneB; step++ {
		if step > limit {
			t.Fatalf("two Loads advanced in turn yielded more than %d values", limit)
		}
		if !doneA {
			doneA = pull(t, "Load A", nextA, &idsA)
		}
		if !doneB {
			doneB = pull(t, "Load B", nextB, &idsB)
		}
	}
	return idsA, idsB
}

// pull takes one value from next, appending a document's id to ids, and
// reports whether the iterator is done.
func pull(t testing.TB, label string, next func() (*tributary.Document, error, bool), ids *[]string) (done bool) {
	defer func() {
		if p := recover(); p != nil {
			t.Errorf("%s: iterator panicked: %v", label, p)
			done = true
		}
	}()
	d, err, ok := next()
	switch {
	case !ok:
		return true
	case d != nil:
		*ids = append(*ids, d.ID)
	case err != nil:
		if _, isFailure := tributary.AsFailure(err); !isFailure {
			t.Errorf("%s: ended with error: %v", label, err)
			return true
		}
	}
	return false
}
