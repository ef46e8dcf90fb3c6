package connectortest

import (
	"context"
	"fmt"
	"iter"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
)

// lister opens one of a connector's windowed iterators.
type lister struct {
	name string
	open func(ctx context.Context, start, end time.Time) iter.Seq2[entry, error]
}

// listersOf returns the windowed iterators c offers: Poll, LoadSlim and
// the checkpoint stream.
func listersOf(c tributary.Connector) []lister {
	var ls []lister
	if p, ok := c.(tributary.PollConnector); ok {
		ls = append(ls, lister{"Poll", func(ctx context.Context, start, end time.Time) iter.Seq2[entry, error] {
			return erase(p.Poll(ctx, start, end), docEntry)
		}})
	}
	if s, ok := c.(tributary.SlimConnector); ok {
		ls = append(ls, lister{"LoadSlim", func(ctx context.Context, start, end time.Time) iter.Seq2[entry, error] {
			return erase(s.LoadSlim(ctx, start, end), slimEntry)
		}})
	}
	if cc, ok := c.(tributary.CheckpointConnector); ok {
		ls = append(ls, lister{"LoadFromCheckpoint", func(ctx context.Context, start, end time.Time) iter.Seq2[entry, error] {
			return erase(cc.LoadFromCheckpoint(ctx, start, end, nil), itemEntry)
		}})
	}
	return ls
}

// checkWindowBoundaries: windows are half-open. Split at the update time t
// of some of Load's documents, [zero, t) holds exactly the documents
// updated before t and [t, zero) exactly those updated at or after it, for
// Poll, LoadSlim and the checkpoint stream alike. Documents without an
// update time are not judged.
func checkWindowBoundaries(t testing.TB, h *Harness) {
	c := newConnector(t, h)
	ls := listersOf(c)
	if len(ls) == 0 {
		t.Skip("no Poll, LoadSlim or checkpoint stream: nothing takes a window")
	}
	load := collectDocs(t, h, "Load", tributary.Load(t.Context(), c))
	if load.err != nil {
		t.Fatalf("Load ended with error: %v", load.err)
	}
	updated := map[string]time.Time{}
	for _, d := range load.docs {
		if !d.UpdatedAt.IsZero() {
			updated[d.ID] = d.UpdatedAt
		}
	}
	splits := splitTimes(updated)
	if len(splits) == 0 {
		t.Skip("Load's documents carry fewer than two distinct update times: no window can split them")
	}
	for _, at := range splits {
		for _, l := range ls {
			var zero time.Time
			before := fmt.Sprintf("%s[zero, %s)", l.name, formatTime(at))
			after := fmt.Sprintf("%s[%s, zero)", l.name, formatTime(at))
			inBefore := set(rangeIDs(t, h, before, l.open(t.Context(), zero, at)))
			inAfter := set(rangeIDs(t, h, after, l.open(t.Context(), at, zero)))
			for _, id := range sortedKeys(updated) {
				judgeSplit(t, id, updated[id], at, before, inBefore[id], after, inAfter[id])
			}
		}
	}
}

func judgeSplit(t testing.TB, id string, u, at time.Time, before string, inBefore bool, after string, inAfter bool) {
	t.Helper()
	switch {
	case u.Before(at) && !inBefore:
		t.Errorf("%s misses %q, updated at %s, inside the window", before, id, formatTime(u))
	case u.Before(at) && inAfter:
		t.Errorf("%s yields %q, updated at %s, before the window starts", after, id, formatTime(u))
	case !u.Before(at) && inBefore:
		t.Errorf("%s yields %q, updated at %s, not before the window's end: windows are half-open", before, id, formatTime(u))
	case !u.Before(at) && !inAfter:
		t.Errorf("%s misses %q, updated at %s, inside the window (its start is included)", after, id, formatTime(u))
	}
}

// splitTimes returns up to three distinct update times to split at: the
// second earliest, the median and the latest.
func splitTimes(updated map[string]time.Time) []time.Time {
	var ts []time.Time
	for _, u := range updated {
		ts = append(ts, u)
	}
	slices.SortFunc(ts, func(a, b time.Time) int { return a.Compare(b) })
	ts = slices.CompactFunc(ts, func(a, b time.Time) bool { return a.Equal(b) })
	if len(ts) < 2 {
		return nil
	}
	picks := []time.Time{ts[1], ts[len(ts)/2], ts[len(ts)-1]}
	return slices.CompactFunc(picks, func(a, b time.Time) bool { return a.Equal(b) })
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
