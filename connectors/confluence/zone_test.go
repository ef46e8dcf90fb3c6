package confluence

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/confluenceemu"
	"github.com/tributary-dev/tributary/internal/emulator"
)

// The account's UTC offset is measured from the site with a few searches,
// for every offset in use, the odd quarter hours included.
func TestMeasureOffset(t *testing.T) {
	for _, name := range []string{"UTC", "Asia/Tokyo", "America/Los_Angeles", "Asia/Kathmandu", "Pacific/Kiritimati", "Etc/GMT+12", "Australia/Adelaide"} {
		loc, err := time.LoadLocation(name)
		if err != nil {
			t.Skip("no time zone database:", err)
		}
		f := newFixture(t, confluenceemu.GenerateOptions{Spaces: 1, Pages: 5, Seed: 3}, confluenceemu.Options{UserZone: loc})
		c := f.connector(t, f.settings())
		off, err := c.measureOffset(context.Background())
		require.NoError(t, err, name)
		newest := pageTimes(f.data)[len(f.data.Pages)-1]
		_, want := newest.In(loc).Zone()
		assert.Equal(t, time.Duration(want)*time.Second, off, name)
		assert.LessOrEqual(t, f.emu.Searches(), 10, "a binary search, not a scan")
	}
}

// Without time_zone, the measured offset protects a run from edits made
// during it as a configured zone does.
func TestEditsDuringARunLoseNothingWithAMeasuredZone(t *testing.T) {
	got, want := editDuringRun(t, "", confluenceemu.Cloud)
	assert.Equal(t, want, got)
}

// When the offset cannot be measured, the run still delivers everything,
// paging through links with windows widened by 14 hours.
func TestUnmeasurableZoneFallsBack(t *testing.T) {
	f := newFixture(t, gen3, confluenceemu.Options{})
	f.emu.FailNext(f.emu.Prefix()+"/content/search", 1, emulator.Fault{Status: http.StatusBadRequest})
	s := f.settings()
	s.IncludeComments = false
	got := collect(context.Background(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs(nil, time.Time{}, time.Time{}), got.IDs())
	for _, r := range f.emu.Requests() {
		assert.NotContains(t, r.Query, "id+%3D", "no probe after the first failed")
	}
	researched := slices.Collect(func(yield func(string) bool) {
		for _, r := range f.emu.Requests() {
			if strings.Contains(r.Query, "lastmodified+%3E%3D") && !yield(r.Query) {
				return
			}
		}
	})
	assert.Empty(t, researched, "no new searches from the last time read without a zone")
}

// A measured offset is an hour off for times across a change of daylight
// saving time; a new search whose bound came out late shows it in its
// first result and is widened by an hour, so nothing is lost.
func TestMeasuredZoneAcrossDaylightSavingTime(t *testing.T) {
	la, err := time.LoadLocation("America/Los_Angeles")
	if err != nil {
		t.Skip("no time zone database:", err)
	}
	// Two days of edits around the switch to summer time on 10 March 2024:
	// the offset measured on the newest page is an hour off for the older
	// ones.
	dst := confluenceemu.GenerateOptions{Spaces: 1, Pages: 200, Seed: 9,
		Start: time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC), Span: 48 * time.Hour}
	f := newFixture(t, dst, confluenceemu.Options{UserZone: la})
	s := f.settings()
	s.PageSize, s.IncludeComments = 3, false
	c := f.connector(t, s)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	ids := got.IDs()
	assert.Equal(t, f.expectedIDs(nil, time.Time{}, time.Time{}), slices.Compact(ids))
	assert.Len(t, ids, len(slices.Compact(slices.Clone(ids))), "no repeats")
	searches := 0
	for _, r := range f.emu.Requests() {
		if strings.HasSuffix(r.Path, "/content/search") && strings.Contains(r.Query, "lastmodified") {
			searches++
		}
	}
	require.True(t, c.detected.measured)
	t.Logf("%d searches from a time for %d pages", searches, len(ids))
}
