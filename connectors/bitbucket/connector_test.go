package bitbucket

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/bitbucketemu"
)

func ids(c []*tributary.Document) []string {
	out := make([]string, 0, len(c))
	for _, d := range c {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

// A pull request edited while the listing is read moves to the end of an
// oldest-first listing: every other one shifts back by one place. Read by
// page numbers, the first unread one would slide onto a page already read
// and be lost; the connector asks again from the last update time read
// after each page, so nothing is skipped.
func TestEditDuringRunSkipsNothing(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{PullRequests: 20, Seed: 4}, bitbucketemu.Options{})
	s := f.settings(nil, "acme/repo-000")
	s.PageLen = 4
	c := f.connector(t, s, f.env())
	want := f.expectedIDs(nil, s.Repositories, time.Time{}, time.Time{})
	var got []string
	edited := false
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			got = append(got, it.Document.ID)
		}
		if it.Checkpoint != nil && !edited {
			edited = true
			f.emu.Update(func(d *bitbucketemu.Data) {
				// The oldest pull request, read already, is edited now.
				prs := slices.Clone(d.Repositories[0].PullRequests)
				slices.SortFunc(prs, func(a, b *bitbucketemu.PullRequest) int { return a.UpdatedOn.Compare(b.UpdatedOn) })
				prs[0].UpdatedOn = time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
			})
		}
	}
	slices.Sort(got)
	got = slices.Compact(got)
	assert.Equal(t, want, got)
}

// More pull requests than a page holds share one update time: the
// connector follows the next link through them, and a resume from any
// checkpoint inside the tie yields the rest, none lost.
func TestTieLongerThanAPageFollowsNextLinks(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{PullRequests: 12, Seed: 5}, bitbucketemu.Options{})
	tie := time.Date(2024, 3, 1, 12, 0, 0, 123456000, time.UTC)
	f.emu.Update(func(d *bitbucketemu.Data) {
		for _, p := range d.Repositories[0].PullRequests[2:10] {
			p.UpdatedOn = tie
		}
	})
	s := f.settings(nil, "acme/repo-000")
	s.PageLen = 3
	c := f.connector(t, s, f.env())
	want := f.expectedIDs(nil, s.Repositories, time.Time{}, time.Time{})
	var got []string
	type mark struct {
		cp     tributary.Checkpoint
		before []string
	}
	var marks []mark
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			got = append(got, it.Document.ID)
		}
		if it.Checkpoint != nil {
			marks = append(marks, mark{it.Checkpoint, slices.Clone(got)})
		}
	}
	slices.Sort(got)
	assert.Equal(t, want, got)
	followed := 0
	for _, r := range f.emu.Requests() {
		if r.Pattern == "GET /2.0/repositories/{ws}/{slug}/pullrequests" && pageParam(r.Query) != "" {
			followed++
		}
	}
	assert.Positive(t, followed, "a tie longer than a page is read by its next links")
	for i, m := range marks {
		rest := collect(t.Context(), c, time.Time{}, time.Time{}, m.cp)
		require.NoError(t, rest.Err)
		all := slices.Concat(m.before, ids(rest.Documents))
		slices.Sort(all)
		assert.Equal(t, want, slices.Compact(all), "resumed from checkpoint %d", i)
	}
}

func pageParam(q string) string {
	for p := range strings.SplitSeq(q, "&") {
		if strings.HasPrefix(p, "page=") {
			return p
		}
	}
	return ""
}

// Bitbucket's 429 names no wait and, with an app password, comes with no
// rate-limit headers at all: the connector backs off for longer each time
// until the rolling window lets requests through again, and every pull
// request arrives.
func TestRateLimitWithoutRetryAfterIsWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, bitbucketemu.GenerateOptions{Repositories: 2, PullRequests: 30, Comments: 2, Seed: 6},
			bitbucketemu.Options{RateLimit: 15, Window: time.Minute})
		s := f.settings([]string{"acme"})
		s.PageLen = 10
		c := f.connector(t, s, f.env())
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs([]string{"acme"}, nil, time.Time{}, time.Time{}), ids(got.Documents))
		limited := f.emu.CountStatus(429)
		assert.Positive(t, limited)
		for _, r := range f.emu.Requests() {
			if r.Status == 429 {
				assert.Empty(t, r.Header.Get("Retry-After"))
			}
		}
		t.Logf("%d requests, %d answered 429", len(f.emu.Requests()), limited)
	})
}

// A budget spent for longer than the retry policy waits ends the run with
// ErrRateLimited (not a transient error, not a failure per document); a
// later run resumes from the last checkpoint and loses nothing.
func TestRateLimitPastTheRetryBudgetEndsTheRunAndResumes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, bitbucketemu.GenerateOptions{Repositories: 2, PullRequests: 30, Seed: 7},
			bitbucketemu.Options{RateLimit: 5, Window: 24 * time.Hour})
		s := f.settings([]string{"acme"})
		s.PageLen = 10
		c := f.connector(t, s, f.env())
		var docs []string
		var last tributary.Checkpoint
		var err error
		for it, e := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
			if e != nil {
				_, isFailure := tributary.AsFailure(e)
				require.False(t, isFailure, "a rate limit is not a failure of one document: %v", e)
				err = e
				break
			}
			if it.Document != nil {
				docs = append(docs, it.Document.ID)
			}
			if it.Checkpoint != nil {
				last = it.Checkpoint
			}
		}
		require.ErrorIs(t, err, tributary.ErrRateLimited)
		assert.False(t, errors.Is(err, tributary.ErrTransient))
		require.NotNil(t, last)
		time.Sleep(25 * time.Hour)
		rest := collect(context.Background(), c, time.Time{}, time.Time{}, last)
		require.NoError(t, rest.Err)
		all := slices.Concat(docs, ids(rest.Documents))
		slices.Sort(all)
		assert.Equal(t, f.expectedIDs([]string{"acme"}, nil, time.Time{}, time.Time{}), slices.Compact(all))
	})
}

// A next link that leaves the API root is never followed with the
// credentials: the listing ends as a malformed answer, reported as a
// failure of the repository, and the run goes on.
func TestNextLinkOutsideTheAPIRoot(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{Repositories: 2, PullRequests: 12, Seed: 8},
		bitbucketemu.Options{NextLinkBase: "http://elsewhere.test"})
	s := f.settings(nil, "acme/repo-000", "acme/repo-001")
	s.PageLen = 5
	c := f.connector(t, s, f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 2)
	for _, fl := range got.Failures {
		assert.ErrorIs(t, fl, tributary.ErrMalformedResponse)
	}
	for _, r := range f.emu.Requests() {
		assert.NotContains(t, r.Header.Get("Host"), "elsewhere")
	}
	assert.Empty(t, got.Documents, "a page that contradicts itself is not trusted")
	for _, fl := range got.Failures {
		assert.True(t, fl.MissedStart.IsZero() && fl.MissedEnd.IsZero(), "the failure covers the whole window")
	}
}

// reverseSort is a transport that asks the emulator for the newest pull
// requests first whatever the connector asked: a server ignoring the sort.
type reverseSort struct{ next http.RoundTripper }

func (rt reverseSort) RoundTrip(r *http.Request) (*http.Response, error) {
	if q := r.URL.Query(); q.Get("sort") == "updated_on" {
		q.Set("sort", "-updated_on")
		r = r.Clone(r.Context())
		r.URL.RawQuery = q.Encode()
	}
	return rt.next.RoundTrip(r)
}

// TestUnsortedListingFollowsNextLinks: pull requests come newest first
// where the connector asked for oldest first. The connector notices,
// reads the listing to its end by next links, and misses nothing, also
// when resumed from a checkpoint taken after it noticed.
func TestUnsortedListingFollowsNextLinks(t *testing.T) {
	f := newFixture(t, bitbucketemu.GenerateOptions{PullRequests: 20, Seed: 6}, bitbucketemu.Options{})
	s := f.settings(nil, "acme/repo-000")
	s.PageLen = 4
	env := f.env()
	env.HTTPClient = &http.Client{Transport: reverseSort{f.emu.Transport()}}
	c := f.connector(t, s, env)
	want := f.expectedIDs(nil, s.Repositories, time.Time{}, time.Time{})
	var got []string
	var resume tributary.Checkpoint
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			got = append(got, it.Document.ID)
		}
		if it.Checkpoint != nil && resume == nil && len(got) >= 8 {
			resume = it.Checkpoint
		}
	}
	slices.Sort(got)
	assert.Equal(t, want, slices.Compact(got))
	require.NotNil(t, resume)
	pos, err := c.decodePosition(resume)
	require.NoError(t, err)
	assert.True(t, pos.Unsorted, "the checkpoint remembers the listing is unsorted")
	assert.NotEmpty(t, pos.Next)

	rest := collect(t.Context(), c, time.Time{}, time.Time{}, resume)
	require.NoError(t, rest.Err)
	assert.Len(t, rest.Documents, len(want)-8, "the resumed run reads the pages after the checkpoint")
}
