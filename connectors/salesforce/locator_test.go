package salesforce

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary/internal/salesforceemu"
)

// A record whose SystemModstamp cannot be read does not move the
// position, so the query asked again after an expired locator meets it
// again: it is still answered once, in slim listings and in loads.
func TestUnstampedRecordOnceAcrossExpiredLocator(t *testing.T) {
	f := newFixture(t, salesforceemu.GenerateOptions{Opportunities: 8, Seed: 4}, salesforceemu.Options{BatchSize: 3})
	broken := f.data.Objects[salesforceemu.Opportunity].Records[2]
	broken.Broken = true
	s := f.settings()
	s.Objects, s.Knowledge = []string{ObjectOpportunity}, false
	c, err := New(s, creds(0), f.env())
	require.NoError(t, err)
	brokenID := docID(salesforceemu.Opportunity, broken)

	seen := map[string]int{}
	for d, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		if seen[d.ID]++; d.ID == brokenID {
			f.emu.ExpireLocators()
		}
	}
	require.Len(t, seen, 8)
	for id, n := range seen {
		require.Equal(t, 1, n, "slim id %s", id)
	}

	seen = map[string]int{}
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		switch {
		case it.Document != nil:
			seen[it.Document.ID]++
		case it.Failure != nil:
			seen[it.Failure.DocumentID]++
			require.Equal(t, brokenID, it.Failure.DocumentID)
			f.emu.ExpireLocators()
		}
	}
	require.Len(t, seen, 8)
	for id, n := range seen {
		require.Equal(t, 1, n, "id %s", id)
	}
}
