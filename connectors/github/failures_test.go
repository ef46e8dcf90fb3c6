// Tests for the failures other implementations are known for: paging that
// stops early, failure ids that differ from document ids, checkpoints that
// grow, invented timestamps, unsorted listings, swallowed errors.

package github

import (
	"context"
	"net/http"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

// Resuming from any checkpoint, after the run stopped there, yields every
// document the run had not yet delivered.
func TestResumeFromEveryCheckpoint(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 3, Items: 60, PullShare: 0.4, Seed: 5}, githubemu.Options{})
	configured := f.settings("acme/repo-000", "acme/repo-001")
	configured.PerPage = 20
	owner := f.settings("acme/repo-001")
	owner.Owner, owner.PerPage = "acme", 20
	for name, s := range map[string]Settings{"configured": configured, "owner": owner} {
		t.Run(name, func(t *testing.T) {
			c := f.connector(t, s, f.env())
			all := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
			require.NoError(t, all.Err)
			want := all.IDs()
			require.NotEmpty(t, want)
			for n := 0; ; n++ {
				seen, cp, more := runUntilCheckpoint(t, c, n)
				if !more {
					break
				}
				rest := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
				require.NoError(t, rest.Err)
				for _, id := range rest.IDs() {
					seen[id] = true
				}
				assert.Equal(t, want, sortedKeys(seen), "resume from checkpoint %d", n)
			}
		})
	}
}

// runUntilCheckpoint ranges until the n-th checkpoint and returns the ids
// yielded before it and the checkpoint, or more=false when there are fewer.
func runUntilCheckpoint(t *testing.T, c *Connector, n int) (map[string]bool, tributary.Checkpoint, bool) {
	seen := map[string]bool{}
	i := 0
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			seen[it.Document.ID] = true
		}
		if it.Checkpoint != nil {
			if i == n {
				return seen, it.Checkpoint, true
			}
			i++
		}
	}
	return nil, nil, false
}

// Items deleted between a checkpoint and the resume move the later ones up
// a page; re-reading the last finished page keeps them from being skipped.
func TestResumeAfterDeletions(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 100, Seed: 9}, githubemu.Options{})
	s := f.settings("acme/repo-000")
	s.PerPage = 10
	s.IncludePullRequests = false
	c := f.connector(t, s, f.env())
	seen, cp, ok := runUntilCheckpoint(t, c, 2) // after the second page
	require.True(t, ok)
	// Delete three items the run already delivered.
	deleted := map[string]bool{}
	f.emu.Update(func(d *githubemu.Data) {
		r := d.Repos[0]
		var keep []*githubemu.Item
		for _, it := range r.Items {
			id := "https://github.com/acme/repo-000/issues/" + itoa(it.Number)
			if seen[id] && len(deleted) < 3 {
				deleted[id] = true
				continue
			}
			keep = append(keep, it)
		}
		r.Items = keep
	})
	rest := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
	require.NoError(t, rest.Err)
	for _, id := range rest.IDs() {
		seen[id] = true
	}
	for _, id := range f.expectedIDs(s.Repositories, time.Time{}, time.Time{}, anyItem) {
		assert.True(t, seen[id], "lost %s", id)
	}
}

// A page may end inside a run of items updated in the same second. The
// checkpoint names the run's items it yielded, so a resume neither yields
// them again nor skips those of the run that deletions moved up onto the
// page re-read.
func TestResumeInsideTiedUpdateTimes(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 30, Seed: 3}, githubemu.Options{})
	base := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC)
	tied := base.Add(20 * time.Hour).Add(30 * time.Minute) // between items 17 and 24
	f.emu.Update(func(d *githubemu.Data) {
		for _, it := range d.Repos[0].Items {
			it.PR = false
			it.CreatedAt, it.UpdatedAt = base, base.Add(time.Duration(it.Number)*time.Hour)
			if it.Number >= 18 && it.Number <= 23 {
				it.UpdatedAt = tied
			}
		}
	})
	s := f.settings("acme/repo-000")
	s.PerPage, s.IncludePullRequests = 10, false
	c := f.connector(t, s, f.env())
	issue := func(n int) string { return "https://github.com/acme/repo-000/issues/" + itoa(n) }

	// Newest first: 30 to 24, then the six tied items; the first page ends
	// three of them in.
	var seen map[string]bool
	var cp tributary.Checkpoint
	for n := 0; ; n++ {
		var more bool
		seen, cp, more = runUntilCheckpoint(t, c, n)
		require.True(t, more, "no checkpoint inside the tied items")
		pos, err := c.decodePosition(cp)
		require.NoError(t, err)
		if len(pos.AtCursor) > 0 {
			require.True(t, pos.Cursor.Equal(tied), "%+v", pos)
			require.Len(t, pos.AtCursor, 3)
			break
		}
	}
	yieldedTied := 0
	for n := 18; n <= 23; n++ {
		if seen[issue(n)] {
			yieldedTied++
		}
	}
	require.Equal(t, 3, yieldedTied)

	// Two delivered items go away: three more tied items now end page one.
	f.emu.Update(func(d *githubemu.Data) {
		r := d.Repos[0]
		r.Items = slices.DeleteFunc(r.Items, func(it *githubemu.Item) bool { return it.Number >= 29 })
	})
	rest := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
	require.NoError(t, rest.Err)
	for _, id := range rest.IDs() {
		assert.False(t, seen[id], "yielded again: %s", id)
		seen[id] = true
	}
	for n := 1; n <= 28; n++ {
		assert.True(t, seen[issue(n)], "lost %s", issue(n))
	}
}

// Known failure: errors swallowed and partial content reported complete.
// A listing that keeps failing ends the stream with a classified error
// after the last good checkpoint; resuming from it completes the load.
func TestListingErrorsEndTheStream(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, gen3, githubemu.Options{})
		s := f.settings(twoRepos...)
		s.PerPage = 30
		c := f.connector(t, s, f.env())
		var got connectortest.Collected
		for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
			switch {
			case err != nil:
				got.Err = err
			case it.Document != nil:
				if got.Documents = append(got.Documents, it.Document); len(got.Documents) == 40 {
					// The next issues page fails more often than the stack retries.
					f.emu.FailNext("GET /repos/{owner}/{repo}/issues", 5, githubemu.BadGateway)
				}
			case it.Checkpoint != nil:
				got.Checkpoints = append(got.Checkpoints, it.Checkpoint)
			}
		}
		require.Error(t, got.Err)
		assert.ErrorIs(t, got.Err, tributary.ErrTransient)
		require.NotEmpty(t, got.Checkpoints)
		seen := map[string]bool{}
		for _, id := range got.IDs() {
			seen[id] = true
		}
		rest := collect(context.Background(), c, time.Time{}, time.Time{}, got.Checkpoints[len(got.Checkpoints)-1])
		require.NoError(t, rest.Err)
		for _, id := range rest.IDs() {
			seen[id] = true
		}
		assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), sortedKeys(seen))
	})
}

// A token revoked halfway fails the run with ErrCredentialExpired rather
// than a failure per document.
func TestRevokedTokenEndsTheStream(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	n := 0
	var err error
	for it, e := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		if e != nil {
			err = e
			break
		}
		if it.Document != nil {
			if n++; n == 50 {
				f.emu.RevokeToken(testToken)
			}
		}
	}
	assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), testToken)
}

// Known failure: failure ids that differ from document ids. A document
// whose comments cannot be read is reported under its own id (html_url).
func TestFailureIDsAreDocumentIDs(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 20, PullShare: 0.5, Comments: 2, Seed: 4}, githubemu.Options{})
		s := f.settings("acme/repo-000")
		s.IncludeComments = true
		c := f.connector(t, s, f.env())
		f.emu.FailNext("GET /repos/{owner}/{repo}/issues/{num}/comments", 1, githubemu.NotFound)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		require.Len(t, got.Failures, 1)
		fl := got.Failures[0]
		assert.Regexp(t, `^https://github\.com/acme/repo-000/(issues|pull)/\d+$`, fl.DocumentID)
		all := f.expectedIDs(s.Repositories, time.Time{}, time.Time{}, anyItem)
		assert.Contains(t, all, fl.DocumentID)
		assert.NotContains(t, got.IDs(), fl.DocumentID, "a document missing its comments is not delivered as complete")
		assert.Len(t, got.Documents, len(all)-1)
	})
}

func TestMalformedItemIsAFailureUnderItsDocumentID(t *testing.T) {
	repo := &apiRepo{FullName: "acme/x", HTMLURL: "https://github.com/acme/x", NodeID: "R_1"}
	var items []tributary.Item
	r := &run{ctx: context.Background(), c: &Connector{}, Yielder: tributary.NewYielder(context.Background(), func(it tributary.Item, err error) bool {
		require.NoError(t, err)
		items = append(items, it)
		return true
	}, checkpointKind, checkpointVersion)}
	l := &lister{run: r, repo: repo, kind: kindPulls}
	page := []byte(`[{"html_url":"https://github.com/acme/x/pull/7","number":7,"title":"ok","updated_at":"2024-05-01T10:00:00Z","created_at":"2024-04-01T10:00:00Z"},
		{"number":6,"title":["not a string"],"updated_at":"2024-04-30T10:00:00Z"},
		{"html_url":"https://github.com/acme/x/pull/5","number":5,"title":"no time"},
		42]`)
	raw := decodeRaw(t, page)
	_, ok := l.page(raw, testBase+"/repos/acme/x/pulls")
	require.True(t, ok)
	require.Len(t, items, 4)
	assert.Equal(t, "https://github.com/acme/x/pull/7", items[0].Document.ID)
	assert.Equal(t, "https://github.com/acme/x/pull/6", items[1].Failure.DocumentID)
	assert.Equal(t, "https://github.com/acme/x/pull/5", items[2].Failure.DocumentID)
	assert.Empty(t, items[3].Failure.DocumentID)
	assert.NotEmpty(t, items[3].Failure.EntityID)
}

// Known failure: invented timestamps. A time GitHub leaves out stays zero.
func TestTimestampsAreNeverInvented(t *testing.T) {
	repo := &apiRepo{FullName: "acme/x", HTMLURL: "https://github.com/acme/x", NodeID: "R_1"}
	it := &apiItem{HTMLURL: "https://github.com/acme/x/issues/1", Number: 1, Title: "t",
		UpdatedAt: time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)}
	d, err := toDocument(repo, it, false, nil)
	require.NoError(t, err)
	assert.True(t, d.CreatedAt.IsZero())
	assert.Equal(t, it.UpdatedAt, d.UpdatedAt)

	_, err = toDocument(repo, &apiItem{HTMLURL: it.HTMLURL, Number: 1}, false, nil)
	assert.Error(t, err, "an item without updated_at is a failure, not a document stamped now")
}

func TestCheckpointFromElsewhereIsRefused(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	evil, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion,
		position{Repo: "acme/repo-000", Kind: kindIssues, Page: "http://169.254.169.254/latest/meta-data?page=2"})
	require.NoError(t, err)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, evil)
	assert.ErrorIs(t, got.Err, tributary.ErrInvalidCheckpoint)
	got = collect(context.Background(), c, time.Time{}, time.Time{}, tributary.Checkpoint(`{"kind":"slack","version":1,"state":{}}`))
	assert.ErrorIs(t, got.Err, tributary.ErrInvalidCheckpoint)
	long, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion,
		position{Repo: "acme/repo-000", Kind: kindIssues, Cursor: time.Now(), AtCursor: make([]int, maxPerPage+1)})
	require.NoError(t, err)
	got = collect(context.Background(), c, time.Time{}, time.Time{}, long)
	assert.ErrorIs(t, got.Err, tributary.ErrInvalidCheckpoint)
}

// Every fault GitHub may answer with (rate limits with Retry-After, 5xx,
// resets, bodies cut short or garbled) is retried: the load still delivers
// every document, with no failure.
func TestFaultsStillDeliverEverything(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, gen3, githubemu.Options{})
		s := f.settings(twoRepos...)
		s.PerPage = 25
		s.IncludeComments = true
		c := f.connector(t, s, f.env())
		for k, fault := range map[int]emulator.Fault{4: emulator.TooManyRequests, 7: emulator.ConnectionReset,
			9: emulator.TruncatedBody, 11: githubemu.SecondaryLimit, 13: emulator.InternalError, 17: githubemu.BadGateway} {
			f.emu.FailEvery("*", k, fault)
		}
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Empty(t, got.Failures)
		assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.IDs())
		assert.Greater(t, f.emu.Faults(), 20)
	})
}

// GitHub's primary limit is respected, not run into: with a budget of ten
// requests an hour, a load that needs twenty-two paces itself across the
// resets the X-RateLimit-* headers announce, and GitHub never has to refuse
// a request. Fake time makes the two hours pass at once.
func TestPrimaryRateLimitIsPacedNotHit(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, gen3, githubemu.Options{RateLimit: 10})
		s := f.settings(twoRepos...)
		s.PerPage = 20
		c := f.connector(t, s, f.env())
		start := time.Now()
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.IDs())
		assert.Greater(t, len(f.emu.Requests()), 20)
		assert.Zero(t, f.emu.CountStatus(http.StatusForbidden), "no request was refused")
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Hour)
	})
}
