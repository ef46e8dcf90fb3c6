package github

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

var (
	gen3     = githubemu.GenerateOptions{Repos: 3, Items: 130, PullShare: 0.4, Seed: 1}
	twoRepos = []string{"acme/repo-000", "acme/repo-002"}
)

func TestLoadEverything(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	assert.Empty(t, got.failures)
	assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.ids())
	require.Len(t, got.nodes, 2)
	assert.Equal(t, "acme/repo-000", got.nodes[0].Name)
	assert.Equal(t, tributary.NodeRepository, got.nodes[0].Kind)
}

func TestDocumentMapping(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 40, PullShare: 0.5, Seed: 3}, githubemu.Options{})
	c := f.connector(t, f.settings("acme/repo-000"), f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	repo := f.data.Repos[0]
	require.Len(t, got.docs, len(repo.Items))
	byID := map[string]*tributary.Document{}
	for _, d := range got.docs {
		byID[d.ID] = d
	}
	for _, it := range repo.Items {
		seg := "issues"
		if it.PR {
			seg = "pull"
		}
		id := "https://github.com/acme/repo-000/" + seg + "/" + itoa(it.Number)
		d := byID[id]
		require.NotNil(t, d, id)
		assert.Equal(t, tributary.SourceGitHub, d.Source)
		assert.Equal(t, "acme/repo-000#"+itoa(it.Number)+": "+it.Title, d.SemanticID)
		assert.Equal(t, it.Title, d.Title)
		assert.True(t, it.UpdatedAt.Equal(d.UpdatedAt), "updated_at is GitHub's")
		assert.True(t, it.CreatedAt.Equal(d.CreatedAt), "created_at is GitHub's")
		assert.Equal(t, repo.NodeID(), d.ParentID)
		assert.Equal(t, it.User.Login, d.PrimaryOwners[0].DisplayName)
		require.Len(t, d.SecondaryOwners, len(it.Assignees))
		for i, a := range it.Assignees {
			assert.Equal(t, a.Login, d.SecondaryOwners[i].DisplayName)
		}
		assert.Equal(t, id, d.Sections[0].Link)
		assert.Contains(t, d.Sections[0].Text, "Reported in acme/repo-000")
		assert.Equal(t, it.State, d.Metadata.Get(MetaState))
		assert.Equal(t, "acme/repo-000", d.Metadata.Get(MetaRepo))
		if it.PR {
			assert.Equal(t, "pull_request", d.Metadata.Get(MetaKind))
			assert.Equal(t, boolStr(!it.MergedAt.IsZero()), d.Metadata.Get(MetaMerged))
		} else {
			assert.Equal(t, "issue", d.Metadata.Get(MetaKind))
		}
		assert.Len(t, d.Metadata[MetaLabel], len(it.Labels))
		assert.Nil(t, d.ExternalAccess, "permissions were not asked for")
	}
}

func boolStr(b bool) string {
	if b {
		return "true"
	}
	return "false"
}

// A window yields exactly the items updated in [start, end), and stops
// reading a listing once it is past start.
func TestPollWindow(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	all := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.err)
	full := len(f.emu.Requests())

	start, end := windowAround(all.docs, 0.2, 0.4)
	before := len(f.emu.Requests())
	got := collect(context.Background(), c, start, end, nil)
	require.NoError(t, got.err)
	want := f.expectedIDs(twoRepos, start, end, anyItem)
	require.NotEmpty(t, want)
	assert.Equal(t, want, got.ids())
	assert.Less(t, len(f.emu.Requests())-before, full, "a window stops early in sorted listings")
}

// windowAround returns a window between two quantiles of the documents'
// update times (0 = newest).
func windowAround(docs []*tributary.Document, hi, lo float64) (time.Time, time.Time) {
	times := make([]time.Time, 0, len(docs))
	for _, d := range docs {
		times = append(times, d.UpdatedAt)
	}
	sortDesc(times)
	end := times[int(hi*float64(len(times)))]
	start := times[int(lo*float64(len(times)))]
	return start, end
}

// Known failure: stopping early on a listing that is not sorted by the
// field compared. Here the server ignores sort and answers in creation
// order; the connector notices and reads every page.
func TestNoEarlyStopOnUnsortedListing(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{IgnoreSort: true})
	s := f.settings(twoRepos...)
	s.PerPage = 10
	c := f.connector(t, s, f.env())
	all := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.err)
	start, end := windowAround(all.docs, 0.5, 0.7)
	got := collect(context.Background(), c, start, end, nil)
	require.NoError(t, got.err)
	assert.Equal(t, f.expectedIDs(twoRepos, start, end, anyItem), got.ids())
}

// The pull request listing defaults to ascending order for sort=updated;
// the connector always asks for descending order, or a window's early stop
// would cut it short. (The emulator reproduces the default.)
func TestPullsWindowDoesNotTrustDefaultDirection(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	s := f.settings(twoRepos...)
	s.IncludeIssues = false
	c := f.connector(t, s, f.env())
	all := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.err)
	start, end := windowAround(all.docs, 0.1, 0.9)
	got := collect(context.Background(), c, start, end, nil)
	require.NoError(t, got.err)
	assert.Equal(t, f.expectedIDs(twoRepos, start, end, func(it *githubemu.Item) bool { return it.PR }), got.ids())
}

// The issues listing returns pull requests too: each item is one document.
func TestNoDuplicatesBetweenListings(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	seen := map[string]bool{}
	for _, d := range got.docs {
		assert.False(t, seen[d.ID], "duplicate %s", d.ID)
		seen[d.ID] = true
	}
	s := f.settings(twoRepos...)
	s.IncludePullRequests = false
	only := collect(context.Background(), f.connector(t, s, f.env()), time.Time{}, time.Time{}, nil)
	require.NoError(t, only.err)
	assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, func(it *githubemu.Item) bool { return !it.PR }), only.ids())
}

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
			require.NoError(t, all.err)
			want := all.ids()
			require.NotEmpty(t, want)
			for n := 0; ; n++ {
				seen, cp, more := runUntilCheckpoint(t, c, n)
				if !more {
					break
				}
				rest := collect(context.Background(), c, time.Time{}, time.Time{}, cp)
				require.NoError(t, rest.err)
				for _, id := range rest.ids() {
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
	require.NoError(t, rest.err)
	for _, id := range rest.ids() {
		seen[id] = true
	}
	for _, id := range f.expectedIDs(s.Repositories, time.Time{}, time.Time{}, anyItem) {
		assert.True(t, seen[id], "lost %s", id)
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
		var got collected
		for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
			switch {
			case err != nil:
				got.err = err
			case it.Document != nil:
				if got.docs = append(got.docs, it.Document); len(got.docs) == 40 {
					// The next issues page fails more often than the stack retries.
					f.emu.FailNext("GET /repos/{owner}/{repo}/issues", 5, githubemu.BadGateway)
				}
			case it.Checkpoint != nil:
				got.checkpoints = append(got.checkpoints, it.Checkpoint)
			}
		}
		require.Error(t, got.err)
		assert.ErrorIs(t, got.err, tributary.ErrTransient)
		require.NotEmpty(t, got.checkpoints)
		seen := map[string]bool{}
		for _, id := range got.ids() {
			seen[id] = true
		}
		rest := collect(context.Background(), c, time.Time{}, time.Time{}, got.checkpoints[len(got.checkpoints)-1])
		require.NoError(t, rest.err)
		for _, id := range rest.ids() {
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
		require.NoError(t, got.err)
		require.Len(t, got.failures, 1)
		fl := got.failures[0]
		assert.Regexp(t, `^https://github\.com/acme/repo-000/(issues|pull)/\d+$`, fl.DocumentID)
		all := f.expectedIDs(s.Repositories, time.Time{}, time.Time{}, anyItem)
		assert.Contains(t, all, fl.DocumentID)
		assert.NotContains(t, got.ids(), fl.DocumentID, "a document missing its comments is not delivered as complete")
		assert.Len(t, got.docs, len(all)-1)
	})
}

func TestMalformedItemIsAFailureUnderItsDocumentID(t *testing.T) {
	repo := &apiRepo{FullName: "acme/x", HTMLURL: "https://github.com/acme/x", NodeID: "R_1"}
	var items []tributary.Item
	r := &run{ctx: context.Background(), c: &Connector{}, yield: func(it tributary.Item, err error) bool {
		require.NoError(t, err)
		items = append(items, it)
		return true
	}}
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

func TestValidateClassifiesErrors(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	f.emu.AddToken("no-issues", githubemu.Token{User: f.data.Users[1], Permissions: githubemu.Permissions{PullRequests: true, Private: true}})
	ctx := context.Background()
	ok := f.connector(t, f.settings(twoRepos...), f.env())
	require.NoError(t, ok.Validate(ctx))

	bad, err := New(f.settings(twoRepos...), Credentials{Token: "wrong"}, f.env())
	require.NoError(t, err)
	assert.ErrorIs(t, bad.Validate(ctx), tributary.ErrCredentialExpired)

	missing := f.connector(t, f.settings("acme/nope"), f.env())
	assert.ErrorIs(t, missing.Validate(ctx), tributary.ErrNotFound)

	noIssues, err := New(f.settings(twoRepos...), Credentials{Token: "no-issues"}, f.env())
	require.NoError(t, err)
	err = noIssues.Validate(ctx)
	assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.False(t, errors.Is(err, tributary.ErrRateLimited))

	s := f.settings()
	s.Owner = "nobody-here"
	assert.ErrorIs(t, f.connector(t, s, f.env()).Validate(ctx), tributary.ErrNotFound)
}

func TestNewRejectsBadConfiguration(t *testing.T) {
	_, err := New(Settings{BaseURL: "ftp://x", Repositories: []string{"bad name"}, PerPage: 500, State: "weird"},
		Credentials{}, tributary.Env{})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	var fields []string
	for _, p := range tributary.ConfigProblems(err) {
		fields = append(fields, p.Field)
	}
	assert.Subset(t, fields, []string{"settings.base_url", "settings.repositories", "settings.per_page", "settings.state", "credentials.token"})
}

func TestCheckpointFromElsewhereIsRefused(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	evil, err := tributary.EncodeCheckpoint(checkpointKind, checkpointVersion,
		position{Repo: "acme/repo-000", Kind: kindIssues, Page: "http://169.254.169.254/latest/meta-data?page=2"})
	require.NoError(t, err)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, evil)
	assert.ErrorIs(t, got.err, tributary.ErrInvalidCheckpoint)
	got = collect(context.Background(), c, time.Time{}, time.Time{}, tributary.Checkpoint(`{"kind":"slack","version":1,"state":{}}`))
	assert.ErrorIs(t, got.err, tributary.ErrInvalidCheckpoint)
}

func TestOwnerEnumeration(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 4, Items: 15, PullShare: 0.3, PrivateEvery: 2, Seed: 2}, githubemu.Options{})
	s := f.settings("acme/repo-002")
	s.Owner = "acme"
	c := f.connector(t, s, f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	all := []string{"acme/repo-000", "acme/repo-001", "acme/repo-002", "acme/repo-003"}
	assert.Equal(t, f.expectedIDs(all, time.Time{}, time.Time{}, anyItem), got.ids())
	var names []string
	for _, n := range got.nodes {
		names = append(names, n.Name)
	}
	assert.Equal(t, []string{"acme/repo-002", "acme/repo-000", "acme/repo-001", "acme/repo-003"}, names,
		"configured repositories first, then the owner's in name order, each once")
}

func TestPermissions(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 2, Items: 10, PrivateEvery: 2, Seed: 2}, githubemu.Options{})
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, f.settings("acme/repo-000", "acme/repo-001"), env)
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	for _, d := range got.docs {
		require.NotNil(t, d.ExternalAccess)
		if strings.Contains(d.ID, "repo-000") {
			assert.True(t, d.ExternalAccess.Public)
			continue
		}
		assert.False(t, d.ExternalAccess.Public)
		assert.Equal(t, []string{"ana@acme.example", "chen@acme.example"}, d.ExternalAccess.UserEmails)
		assert.Equal(t, []string{"team:acme/engineering"}, d.ExternalAccess.GroupIDs)
	}

	// A token that may not list collaborators: a failure, and documents
	// that admit nobody rather than everybody.
	f.emu.AddToken("reader", githubemu.Token{User: f.data.Users[1], Permissions: githubemu.Permissions{Issues: true, PullRequests: true, Private: true}})
	r, err := New(f.settings("acme/repo-001"), Credentials{Token: "reader"}, env)
	require.NoError(t, err)
	got = collect(context.Background(), r, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	require.Len(t, got.failures, 1)
	assert.ErrorIs(t, got.failures[0], tributary.ErrInsufficientPermissions)
	for _, d := range got.docs {
		require.NotNil(t, d.ExternalAccess)
		assert.False(t, d.ExternalAccess.Public)
		assert.Empty(t, d.ExternalAccess.UserEmails)
	}
}

func TestSlimAdmitsWhatLoadAdmits(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	all := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.err)
	start, end := windowAround(all.docs, 0.3, 0.6)
	for _, w := range [][2]time.Time{{}, {start, end}} {
		load := collect(context.Background(), c, w[0], w[1], nil)
		require.NoError(t, load.err)
		var slim []string
		for sd, err := range c.LoadSlim(context.Background(), w[0], w[1]) {
			require.NoError(t, err)
			slim = append(slim, sd.ID)
		}
		assert.ElementsMatch(t, load.ids(), slim)
	}
}

func TestSlimEndsOnAFailure(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings("acme/repo-000", "acme/gone"), f.env())
	var err error
	for _, e := range c.LoadSlim(context.Background(), time.Time{}, time.Time{}) {
		if e != nil {
			err = e
		}
	}
	require.Error(t, err)
	_, isFailure := tributary.AsFailure(err)
	assert.False(t, isFailure, "a slim listing with a hole ends: pruning must not act on it")
	assert.ErrorIs(t, err, tributary.ErrNotFound)
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
		require.NoError(t, got.err)
		assert.Empty(t, got.failures)
		assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.ids())
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
		require.NoError(t, got.err)
		assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.ids())
		assert.Greater(t, len(f.emu.Requests()), 20)
		assert.Zero(t, f.emu.CountStatus(http.StatusForbidden), "no request was refused")
		assert.GreaterOrEqual(t, time.Since(start), 2*time.Hour)
	})
}

// Without explicit permission, a base URL on a private or loopback address
// is refused before any request leaves.
func TestPrivateAddressesNeedPermission(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	s := f.settings(twoRepos...)
	s.BaseURL = f.emu.Start()
	c, err := New(s, Credentials{Token: testToken}, tributary.Env{})
	require.NoError(t, err)
	err = c.Validate(context.Background())
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Empty(t, f.emu.Requests())
}

// GitHub Enterprise Server serves the API under /api/v3; Link headers keep
// the prefix and the connector follows them.
func TestEnterpriseServerBaseURL(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	srv := httptest.NewServer(http.StripPrefix("/api/v3", f.emu))
	defer srv.Close()
	s := f.settings(twoRepos...)
	s.BaseURL = srv.URL + "/api/v3/"
	s.PerPage = 30
	c, err := New(s, Credentials{Token: testToken}, tributary.Env{AllowPrivateNetwork: true})
	require.NoError(t, err)
	require.NoError(t, c.Validate(context.Background()))
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.ids())
}

func TestCommentsAreSectionsWithTheirOwnLinks(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 20, PullShare: 0.5, Comments: 3, Seed: 6}, githubemu.Options{})
	s := f.settings("acme/repo-000")
	s.IncludeComments = true
	c := f.connector(t, s, f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	want := 0
	for _, it := range f.data.Repos[0].Items {
		want += len(it.Comments)
	}
	require.NotZero(t, want)
	n := 0
	for _, d := range got.docs {
		for _, sec := range d.Sections[1:] {
			n++
			assert.Regexp(t, `^`+regexp.QuoteMeta(d.ID)+`#issuecomment-\d+$`, sec.Link)
			assert.Contains(t, sec.Heading, "Comment by ")
			assert.NotEmpty(t, sec.Text)
		}
	}
	assert.Equal(t, want, n)
}

// A repository with issues turned off still yields its pull requests, and
// a listing the token may not read is one failure, not the end of the run.
func TestIssuesDisabledAndUnreadableListings(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	f.emu.Update(func(d *githubemu.Data) { d.Repo("acme/repo-000").IssuesDisabled = true })
	c := f.connector(t, f.settings(twoRepos...), f.env())
	require.NoError(t, c.Validate(context.Background()))
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	assert.Empty(t, got.failures)
	want := f.expectedIDs(twoRepos, time.Time{}, time.Time{}, func(it *githubemu.Item) bool { return it.PR })
	want = append(want, f.expectedIDs([]string{"acme/repo-002"}, time.Time{}, time.Time{}, func(it *githubemu.Item) bool { return !it.PR })...)
	assert.ElementsMatch(t, want, got.ids())

	f.emu.FailNext("/repos/acme/repo-000/pulls", 1, emulator.Fault{Status: http.StatusForbidden})
	got = collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.err)
	require.Len(t, got.failures, 1)
	assert.Equal(t, "acme/repo-000/pulls", got.failures[0].EntityID)
	assert.ErrorIs(t, got.failures[0], tributary.ErrInsufficientPermissions)
	assert.ElementsMatch(t, f.expectedIDs([]string{"acme/repo-002"}, time.Time{}, time.Time{}, anyItem), got.ids())
}

// The token never reaches a log line, an error or a failure, even when
// requests fail and are retried.
func TestTokenNeverLeaks(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, gen3, githubemu.Options{})
		var logs strings.Builder
		env := f.env()
		env.Logger = slog.New(slog.NewTextHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
		s := f.settings(append(twoRepos, "acme/missing")...)
		s.IncludeComments = true
		c, err := New(s, Credentials{Token: testToken}, env)
		require.NoError(t, err)
		f.emu.FailEvery("*", 3, emulator.InternalError)
		f.emu.FailEvery("*", 5, emulator.TooManyRequests)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		f.emu.RevokeToken(testToken)
		validate := c.Validate(context.Background())
		require.Error(t, validate)
		texts := []string{logs.String(), validate.Error(), fmt.Sprint(c), fmt.Sprintf("%#v", s)}
		if got.err != nil {
			texts = append(texts, got.err.Error())
		}
		for _, fl := range got.failures {
			texts = append(texts, fl.Error())
		}
		for _, text := range texts {
			assert.NotContains(t, text, testToken)
		}
	})
}

// A user as owner: the token's own user lists its private repositories
// too, another user only its public ones, as GitHub's listings do.
func TestUserOwner(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 4, Seed: 2}, githubemu.Options{})
	me, other := f.data.Users[1], f.data.Users[2]
	f.emu.Update(func(d *githubemu.Data) {
		base := d.Repos[0]
		for i, r := range []struct {
			owner   *githubemu.User
			private bool
		}{{me, true}, {me, false}, {other, true}, {other, false}} {
			d.Repos = append(d.Repos, &githubemu.Repo{ID: int64(9000 + i), Owner: r.owner, Name: "own-" + itoa(i),
				Private: r.private, DefaultBranch: "main", CreatedAt: base.CreatedAt, UpdatedAt: base.UpdatedAt,
				Items: base.Items})
		}
	})
	for _, c := range []struct {
		owner string
		want  []string
	}{
		{me.Login, []string{me.Login + "/own-0", me.Login + "/own-1"}},
		{other.Login, []string{other.Login + "/own-3"}},
	} {
		s := f.settings()
		s.Owner = c.owner
		got := collect(context.Background(), f.connector(t, s, f.env()), time.Time{}, time.Time{}, nil)
		require.NoError(t, got.err)
		var names []string
		for _, n := range got.nodes {
			names = append(names, n.Name)
		}
		assert.Equal(t, c.want, names, c.owner)
	}
}
