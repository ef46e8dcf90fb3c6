package confluence

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// editDuringRun loads space S000 and, after the tenth document, edits three
// pages it has already yielded, which moves them to the end of the listing.
// It returns the ids yielded and the ids the space had before the edits.
func editDuringRun(t *testing.T, zone string, flavor confluenceemu.Flavor) (got, want []string) {
	f := newFixture(t, gen3, confluenceemu.Options{Flavor: flavor})
	s := f.settings("S000")
	s.PageSize, s.TimeZone, s.IncludeComments = 5, zone, false
	c := f.connector(t, s)
	want = f.expectedIDs([]string{"S000"}, time.Time{}, time.Time{})
	last := pageTimes(f.data)[len(f.data.Pages)-1]
	var yielded []string
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document == nil {
			continue
		}
		yielded = append(yielded, it.Document.ID)
		if len(yielded) != 10 {
			continue
		}
		f.emu.Update(func(d *confluenceemu.Data) {
			for i, p := range d.Pages {
				if p.Space.Key == "S000" && slices.Contains(yielded[:6], f.site()+confluenceemu.PageWebUI(flavor, p)) {
					d.Pages[i].When = last.Add(time.Duration(i+1) * time.Minute)
				}
			}
		})
	}
	slices.Sort(yielded)
	return slices.Compact(yielded), want
}

// A page edited during a run moves to the end of a listing sorted by
// update time, shifting the pages after it back by one. Paging by offset,
// one of those would pass the reader; searching again from the last update
// time read, none does.
func TestEditsDuringARunLoseNothing(t *testing.T) {
	for _, flavor := range []confluenceemu.Flavor{confluenceemu.Cloud, confluenceemu.DataCenter} {
		got, want := editDuringRun(t, "UTC", flavor)
		assert.Equal(t, want, got)
	}
}

// Resumed from a checkpoint taken after a new search (which skips what was
// read), a listing found out of order is read again from the space's
// start: repeats, but nothing lost.
func TestUnsortedAfterResumeReadsTheSpaceAgain(t *testing.T) {
	sorted := newFixture(t, gen3, confluenceemu.Options{})
	s := sorted.settings("S000")
	s.PageSize, s.TimeZone, s.IncludeComments = 5, "UTC", false
	var cp tributary.Checkpoint
	var before []string
	for it, err := range sorted.connector(t, s).LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			before = append(before, it.Document.ID)
		}
		if it.Checkpoint != nil && len(before) >= 20 {
			cp = it.Checkpoint
			break
		}
	}
	pos, ok, err := tributary.DecodeCheckpoint[position](cp, checkpointKind, checkpointVersion)
	require.NoError(t, err)
	require.True(t, ok)
	require.False(t, pos.After.IsZero(), "the checkpoint holds the last update time read")

	unsorted := newFixture(t, gen3, confluenceemu.Options{IgnoreOrder: true})
	rest := collect(context.Background(), unsorted.connector(t, s), time.Time{}, time.Time{}, cp)
	require.NoError(t, rest.Err)
	all := slices.Concat(before, rest.IDs())
	slices.Sort(all)
	assert.Equal(t, sorted.expectedIDs([]string{"S000"}, time.Time{}, time.Time{}), slices.Compact(all))
	assert.GreaterOrEqual(t, len(rest.Documents), len(sorted.expectedIDs([]string{"S000"}, time.Time{}, time.Time{})), "the space is read again whole")
}

// A stored search link the server refuses on resume (an expired cursor
// answers 400) does not fail every later run: the space is searched again
// from the checkpoint's time, and nothing is lost.
func TestExpiredCursorOnResume(t *testing.T) {
	f := newFixture(t, gen3, confluenceemu.Options{})
	s := f.settings("S000")
	s.PageSize, s.IncludeComments = 5, false
	c := f.connector(t, s)
	var cp tributary.Checkpoint
	var before []string
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			before = append(before, it.Document.ID)
		}
		if it.Checkpoint != nil && len(before) >= 20 {
			cp = it.Checkpoint
			break
		}
	}
	f.emu.FailNext(f.emu.Prefix()+"/content/search", 1, emulator.Fault{Status: http.StatusBadRequest})
	rest := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
	require.NoError(t, rest.Err)
	all := slices.Concat(before, rest.IDs())
	slices.Sort(all)
	assert.Equal(t, f.expectedIDs([]string{"S000"}, time.Time{}, time.Time{}), slices.Compact(all))
	assert.LessOrEqual(t, len(all)-len(slices.Compact(all)), 1, "the new search starts where the checkpoint was")
}
