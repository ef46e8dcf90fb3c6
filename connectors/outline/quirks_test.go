package outline

import (
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// oneCollection is a single open collection of 30 documents.
var oneCollection = outlineemu.GenerateOptions{Collections: 1, Documents: 30, Plain: true, Seed: 5}

// newest returns the ids of the collection's documents, newest update
// first, as documents.list gives them.
func newest(d *outlineemu.Data) []*outlineemu.Document {
	docs := slices.Clone(d.Documents)
	slices.SortStableFunc(docs, func(a, b *outlineemu.Document) int {
		if c := b.UpdatedAt.Compare(a.UpdatedAt); c != 0 {
			return c
		}
		if a.ID < b.ID {
			return -1
		}
		return 1
	})
	return docs
}

// loadChanging loads the collection five at a time and calls change after
// the first page of documents.
func loadChanging(t *testing.T, f *fixture, change func(d *outlineemu.Data)) connectortest.Collected {
	s := f.settings()
	s.PageSize = 5
	c := f.connector(t, s)
	var got connectortest.Collected
	changed := false
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		switch {
		case it.Document != nil:
			got.Documents = append(got.Documents, it.Document)
		case it.Checkpoint != nil && !changed:
			changed = true
			f.emu.Update(change)
		}
	}
	return got
}

// Documents removed before the reader shift the offsets of all that
// follow: each request starts a little before the position and, when even
// that is past, a page earlier, so nothing is skipped.
func TestDocumentsRemovedBeforeTheReaderAreNotSkipping(t *testing.T) {
	f := newFixture(t, oneCollection, outlineemu.Options{})
	order := newest(f.data)
	got := loadChanging(t, f, func(d *outlineemu.Data) {
		for _, doc := range order[:4] { // all read already
			doc.ArchivedAt = doc.UpdatedAt
		}
	})
	assert.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), withoutIDs(ids(got.Documents), order[:4]))
	assert.Len(t, got.Documents, 30, "each document once")
	// Unchanged, the listing takes eight requests (offsets 0, 4, ... 28).
	assert.Greater(t, f.emu.Count("/api/documents.list"), 8, "the shifted listing was read again a page earlier")
}

// A document edited during the run moves to the front of the listing; the
// documents after it shift one place back and are skipped as passed, not
// read twice, and the next window brings the edited one.
func TestDocumentEditedDuringTheRunShiftsNothingPast(t *testing.T) {
	f := newFixture(t, oneCollection, outlineemu.Options{})
	order := newest(f.data)
	edited := order[20]
	got := loadChanging(t, f, func(d *outlineemu.Data) { edited.UpdatedAt = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC) })
	want := withoutIDs(expectedIDs(f.data, time.Time{}, time.Time{}), []*outlineemu.Document{edited})
	assert.Equal(t, want, ids(got.Documents))
	assert.Len(t, got.Documents, 29, "no document twice")
}

// Documents updated in the same millisecond (a bulk import) are told apart
// by their ids: resuming from any checkpoint yields exactly the documents
// after it, however the ties fall across pages.
func TestTiedUpdateTimesResumeExactly(t *testing.T) {
	f := newFixture(t, oneCollection, outlineemu.Options{})
	at := time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
	f.emu.Update(func(d *outlineemu.Data) {
		for i, doc := range d.Documents {
			if i%3 != 0 {
				doc.UpdatedAt = at
			}
		}
	})
	s := f.settings()
	s.PageSize = 4
	c := f.connector(t, s)
	var seen []string
	var resumes []struct {
		cp    tributary.Checkpoint
		after int
	}
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			seen = append(seen, it.Document.ID)
		}
		if it.Checkpoint != nil {
			resumes = append(resumes, struct {
				cp    tributary.Checkpoint
				after int
			}{it.Checkpoint, len(seen)})
		}
	}
	require.Len(t, seen, 30)
	require.NotEmpty(t, resumes)
	for _, r := range resumes {
		got := collect(t.Context(), c, time.Time{}, time.Time{}, r.cp)
		require.NoError(t, got.Err)
		rest := []string{}
		for _, d := range got.Documents {
			rest = append(rest, d.ID)
		}
		assert.Equal(t, seen[r.after:], rest, "resumed after %d documents", r.after)
	}
}

// A server (or a proxy) that ignores the offset answers the first page
// again and again: the listing ends with ErrMalformedResponse instead of
// running forever.
func TestIgnoredOffsetIsMalformed(t *testing.T) {
	f := newFixture(t, oneCollection, outlineemu.Options{IgnoreOffset: true})
	s := f.settings()
	s.PageSize = 5
	got := collect(t.Context(), f.connector(t, s), time.Time{}, time.Time{}, nil)
	require.Error(t, got.Err)
	assert.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
	assert.Len(t, got.Documents, 5)
}

// A listed document without its update time cannot be placed in a window:
// it is a Failure under its id, and the others arrive.
func TestDocumentWithoutUpdateTimeIsAFailure(t *testing.T) {
	f := newFixture(t, oneCollection, outlineemu.Options{})
	bad := f.data.Documents[7]
	f.emu.Update(func(*outlineemu.Data) { bad.Malformed = true })
	got := collect(t.Context(), f.connector(t, f.settings()), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, idOf(bad), got.Failures[0].DocumentID)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrMalformedResponse)
	assert.Len(t, got.Documents, 29)
}

// Outline answers past a key's budget with 429 rate_limit_exceeded,
// Retry-After and RateLimit-* headers: the client waits it out (in fake
// time here) and every document arrives.
func TestRateLimitRetryAfter(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, oneCollection, outlineemu.Options{RateLimit: true, ListRequests: 3})
		s := f.settings()
		s.PageSize = 5
		s.RequestsPerSecond = 50
		c, err := New(s, f.credentials(), f.env())
		require.NoError(t, err)
		began := time.Now()
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Len(t, got.Documents, 30)
		assert.Positive(t, f.emu.CountStatus(429))
		assert.GreaterOrEqual(t, time.Since(began), time.Minute, "the budget's minute was waited out")
	})
}

// A wait longer than the retry policy allows ends the run at once with
// ErrRateLimited naming when to come back.
func TestRateLimitBeyondTheWaitEndsTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, oneCollection, outlineemu.Options{RateLimit: true, ListRequests: 1})
		s := f.settings()
		s.PageSize = 5
		c, err := newConnector(s, f.credentials(), f.env(), options{rate: 1e6, retry: httpx.RetryPolicy{MaxWait: 10 * time.Second}})
		require.NoError(t, err)
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.ErrorIs(t, got.Err, tributary.ErrRateLimited)
		var e *tributary.Error
		require.True(t, errors.As(got.Err, &e))
		assert.Greater(t, e.RetryAfter, 10*time.Second)
		assert.Len(t, got.Documents, 5)
	})
}

func withoutIDs(all []string, docs []*outlineemu.Document) []string {
	return slices.DeleteFunc(slices.Clone(all), func(id string) bool {
		return slices.ContainsFunc(docs, func(d *outlineemu.Document) bool { return idOf(d) == id })
	})
}

// Outline sorts a listing by update time alone, so documents tied on it
// may come in another order on every request. Requests start before the
// position by the ties it holds too, so a tie group straddling a page
// boundary is read whole however it is shuffled.
func TestShuffledTiesAcrossAPageBoundary(t *testing.T) {
	f := newFixture(t, oneCollection, outlineemu.Options{ShuffleTies: true})
	order := newest(f.data)
	at := order[9].UpdatedAt
	f.emu.Update(func(*outlineemu.Data) {
		for _, d := range order[5:13] {
			d.UpdatedAt = at
		}
	})
	s := f.settings()
	s.PageSize = 10
	c := f.connector(t, s)
	for range 8 {
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Documents, 30)
		require.Equal(t, expectedIDs(f.data, time.Time{}, time.Time{}), ids(got.Documents))
	}
}
