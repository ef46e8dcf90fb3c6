package connectortest

import (
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/tributary-dev/tributary"
)

// checkConcurrentLoads: two Loads of one connector, first advanced in turn
// and then ranged on two goroutines at once, each yield every document:
// iterators share no cursor, and (under -race) no unguarded state. Two
// Loads at once share the emulator's fault schedule, so one request can
// meet more faults in a row than its retries allow: in that phase a
// document may instead come back as a transient Failure (ErrTransient or
// ErrRateLimited) under its own id, under the id of what contains it (an
// archive), or under an entity whose listing failed. It is reported, not
// lost, and is logged; a document missing without such a Failure fails
// the check.
func checkConcurrentLoads(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	a, b := interleave(t, h, tributary.Load(t.Context(), c), tributary.Load(t.Context(), c))
	sameIDs(t, "Load A, advanced in turn with Load B", a, h.WantIDs)
	sameIDs(t, "Load B, advanced in turn with Load A", b, h.WantIDs)

	type result struct {
		ids      []string
		failures []*tributary.Failure
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
					if f, ok := tributary.AsFailure(err); ok {
						r.failures = append(r.failures, f)
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
			// Failures are not matched to WantFailureIDs here (the other
			// checks do that); they are logged.
			for _, f := range r.failures {
				t.Logf("%s: failure: %s", label, f)
			}
			missing, _ := diff(r.ids, h.WantIDs)
			excused := slices.DeleteFunc(missing, func(id string) bool { return !reportedTransient(id, r.failures) })
			if len(excused) > 0 {
				t.Logf("%s: %d documents came back as transient Failures instead: %s", label, len(excused), list(excused))
			}
			sameIDs(t, label, append(r.ids, excused...), h.WantIDs)
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

// reportedTransient reports whether one of failures is transient and
// stands for document id: a Failure of the document itself, of a document
// that contains it (an id the document's id extends after a separator,
// as an archive's members extend the archive's), or of an entity, with no
// document id, whose listing could not finish.
func reportedTransient(id string, failures []*tributary.Failure) bool {
	for _, f := range failures {
		if !errors.Is(f, tributary.ErrTransient) && !errors.Is(f, tributary.ErrRateLimited) {
			continue
		}
		switch d := f.DocumentID; {
		case d == "", d == id:
			return true
		case strings.HasPrefix(id, d):
			if r, _ := utf8.DecodeRuneInString(id[len(d):]); !unicode.IsLetter(r) && !unicode.IsDigit(r) {
				return true
			}
		}
	}
	return false
}
