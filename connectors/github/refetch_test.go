package github

import (
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
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/githubemu"
)

var refetchGen = githubemu.GenerateOptions{Repos: 3, Items: 30, PullShare: 0.4, PrivateEvery: 2, Comments: 3, Seed: 5}

// answers ranges over a Refetch call: each id answered once, each
// document after its repository's node; it returns the answers by id and
// the node ids in order.
func answers(t *testing.T, c *Connector, ids ...string) (map[string]tributary.Item, []string) {
	t.Helper()
	r := connectortest.CollectRefetch(t, t.Context(), c, ids...)
	r.Parented(t)
	got := r.Once(t, ids...)
	require.Len(t, got, len(ids))
	return got, r.Nodes
}

// firstItem returns the first item of the repository that pick accepts.
func firstItem(t *testing.T, r *githubemu.Repo, pick func(*githubemu.Item) bool) *githubemu.Item {
	t.Helper()
	i := slices.IndexFunc(r.Items, pick)
	require.GreaterOrEqual(t, i, 0, "no such item in %s", r.FullName())
	return r.Items[i]
}

func isPR(it *githubemu.Item) bool    { return it.PR }
func isIssue(it *githubemu.Item) bool { return !it.PR }

func TestRefetchBuildsDocumentsAsLoadDoes(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		repos := []string{"acme/repo-000", "acme/repo-001"}
		s := f.settings(repos...)
		s.IncludeComments = true
		env := f.env()
		env.WantPermissions = true
		c := f.connector(t, s, env)
		loaded := map[string]*tributary.Document{}
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			loaded[d.ID] = d
		}

		var ids []string
		for _, r := range f.data.Repos[:2] {
			for _, pick := range []func(*githubemu.Item) bool{isPR, isIssue} {
				ids = append(ids, itemURL(r.FullName(), firstItem(t, r, pick)))
			}
		}
		f.emu.ResetLog()
		ans, nodes := answers(t, c, ids...)
		assert.Equal(t, []string{f.data.Repos[0].NodeID(), f.data.Repos[1].NodeID()}, nodes, "each repository's node once")
		for _, id := range ids {
			d := ans[id].Document
			require.NotNil(t, d, id)
			require.NotNil(t, loaded[id], id)
			assert.Equal(t, loaded[id].ContentHash(), d.ContentHash(), "%s as Load gave it", id)
			assert.Equal(t, loaded[id].Sections, d.Sections, "%s with its comments", id)
			assert.Equal(t, loaded[id].ExternalAccess, d.ExternalAccess, "%s with its access", id)
		}
		assert.Equal(t, 2, f.emu.Count("GET /repos/{owner}/{repo}"), "each repository read once")
		assert.Equal(t, 2, f.emu.Count("GET /repos/{owner}/{repo}/pulls/{num}"))
		assert.Equal(t, 2, f.emu.Count("GET /repos/{owner}/{repo}/issues/{num}"))
		assert.Zero(t, f.emu.Count("GET /repos/{owner}/{repo}/pulls"), "no listing is read")
		assert.Zero(t, f.emu.Count("GET /repos/{owner}/{repo}/issues"), "no listing is read")
	})
}

func TestRefetchDeletesWhatIsGoneOrLeftOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		r0, r2 := f.data.Repos[0], f.data.Repos[2]
		used := map[*githubemu.Item]bool{}
		pick := func(ok func(*githubemu.Item) bool) *githubemu.Item {
			it := firstItem(t, r0, func(it *githubemu.Item) bool { return !used[it] && ok(it) })
			used[it] = true
			return it
		}
		deleted := pick(isIssue)
		missingPR := pick(isPR)
		closed := pick(func(it *githubemu.Item) bool { return it.State == "closed" })
		open := pick(func(it *githubemu.Item) bool { return !it.PR && it.State == "open" })
		pr := pick(func(it *githubemu.Item) bool { return it.PR && it.State == "open" })
		f.emu.Update(func(d *githubemu.Data) {
			deleted.Deleted = true
			d.Repos = slices.DeleteFunc(d.Repos, func(r *githubemu.Repo) bool { return r == r2 })
		})
		f.emu.FailNext("/repos/acme/repo-000/pulls/"+itoa(missingPR.Number), 1, githubemu.NotFound)
		s := f.settings("acme/repo-000", "acme/repo-002")
		s.State = "open"
		c := f.connector(t, s, f.env())
		asIssue := "https://github.com/acme/repo-000/issues/" + itoa(pr.Number)
		gone := []string{
			itemURL(r0.FullName(), deleted),   // 410 Gone
			itemURL(r0.FullName(), missingPR), // 404
			itemURL(r0.FullName(), closed),    // not in the configured state
			asIssue,                           // a pull request asked for as an issue
		}
		hidden := []string{ // the repository is gone, or hidden from the token
			itemURL(r2.FullName(), firstItem(t, r2, isPR)),
			itemURL(r2.FullName(), firstItem(t, r2, isIssue)),
		}
		ans, _ := answers(t, c, slices.Concat(gone, hidden, []string{itemURL(r0.FullName(), open)})...)
		for _, id := range gone {
			assert.Equal(t, id, ans[id].Deletion, "%s is a deletion: %+v", id, ans[id])
		}
		for _, id := range hidden {
			if assert.NotNil(t, ans[id].Failure, "%s is a failure, as in Load: %+v", id, ans[id]) {
				assert.ErrorIs(t, ans[id].Failure, tributary.ErrNotFound)
			}
		}
		assert.NotNil(t, ans[itemURL(r0.FullName(), open)].Document)
		assert.Equal(t, 1, f.emu.Count("/repos/acme/repo-002"), "the repository is read once")

		// Issues turned off, and pull requests no longer read.
		f.emu.Update(func(*githubemu.Data) { r0.IssuesDisabled = true })
		s = f.settings("acme/repo-000")
		s.IncludePullRequests = false
		c = f.connector(t, s, f.env())
		f.emu.ResetLog()
		prID, issueID := itemURL(r0.FullName(), pr), itemURL(r0.FullName(), open)
		ans, _ = answers(t, c, prID, issueID)
		assert.Equal(t, prID, ans[prID].Deletion)
		assert.Equal(t, issueID, ans[issueID].Deletion)
		assert.Equal(t, []string{"/repos/acme/repo-000"}, paths(f.emu.Requests()), "only the repository is read")
	})
}

func TestRefetchRefusesIDsOutsideTheScope(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		c := f.connector(t, f.settings("acme/repo-000"), f.env())
		foreign := []string{
			"https://github.com/acme/repo-001/issues/1",      // a repository not configured
			"https://github.com/other/repo-000/issues/1",     // another owner
			"https://gitlab.com/acme/repo-000/issues/1",      // another host
			"https://github.com/acme/repo-000/issues/1/",     // not the form of an id
			"https://github.com/acme/repo-000/pull/2/files",  // a tab of the item
			"https://github.com/acme/repo-000/issues/1#top",  // a fragment
			"https://github.com/acme/repo-000/issues/1?x=1",  // a query
			"https://github.com/acme/repo-000/issues/01",     // not a number GitHub writes
			"https://github.com/acme/repo-000/issues/0",      // no item
			"https://github.com/acme/repo-000/commit/abc123", // not an issue or pull request
			"https://github.com/acme/repo-000",               // the repository
			"github.com/acme/repo-000/issues/1",              // not an address
			"",
		}
		ans, nodes := answers(t, c, foreign...)
		assert.Empty(t, nodes)
		for _, id := range foreign {
			fl := ans[id].Failure
			if assert.NotNil(t, fl, "%q", id) {
				assert.True(t, errors.Is(fl, tributary.ErrForeignURL), "%q: %v", id, fl)
			}
		}
		assert.Zero(t, f.emu.Count("*"), "no request for an id out of scope")

		// The configured owner's repositories are in scope.
		s := f.settings()
		s.Owner = "acme"
		c = f.connector(t, s, f.env())
		r1 := f.data.Repos[1]
		id := itemURL(r1.FullName(), r1.Items[0])
		ans, _ = answers(t, c, id)
		assert.NotNil(t, ans[id].Document)
	})
}

func TestRefetchFailsWhatCannotBeRead(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		r0 := f.data.Repos[0]
		refused := firstItem(t, r0, isIssue)
		failing := firstItem(t, r0, isPR)
		cut := firstItem(t, r0, func(it *githubemu.Item) bool { return !it.PR && it != refused })
		f.emu.FailEvery("/repos/acme/repo-000/issues/"+itoa(refused.Number), 1, emulator.Fault{Status: http.StatusForbidden})
		f.emu.FailEvery("/repos/acme/repo-000/pulls/"+itoa(failing.Number), 1, githubemu.BadGateway)
		f.emu.FailEvery("/repos/acme/repo-000/issues/"+itoa(cut.Number), 1, emulator.TruncatedBody)
		c := f.connector(t, f.settings("acme/repo-000"), f.env())
		ids := []string{itemURL(r0.FullName(), refused), itemURL(r0.FullName(), failing), itemURL(r0.FullName(), cut)}
		ans, _ := answers(t, c, ids...)
		for _, id := range ids {
			assert.NotNil(t, ans[id].Failure, "%s fails again, under its id: %+v", id, ans[id])
		}
		assert.ErrorIs(t, ans[ids[0]].Failure, tributary.ErrInsufficientPermissions)
	})
}

func TestRefetchUnderFaultsAnswersEveryID(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		for k, fault := range map[int]emulator.Fault{2: emulator.TruncatedBody, 3: emulator.ConnectionReset, 5: githubemu.SecondaryLimit} {
			f.emu.FailEvery("*", k, fault)
		}
		s := f.settings("acme/repo-000")
		s.IncludeComments = true
		c := f.connector(t, s, f.env())
		var ids []string
		for _, it := range f.data.Repos[0].Items[:10] {
			ids = append(ids, itemURL("acme/repo-000", it))
		}
		ans, _ := answers(t, c, ids...)
		for _, id := range ids {
			assert.NotNil(t, ans[id].Document, "%s read whole through faults", id)
		}
		assert.NotZero(t, f.emu.Faults())
	})
}

func TestRefetchEndsOnRejectedCredentials(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		f.emu.RevokeToken(testToken)
		c := f.connector(t, f.settings("acme/repo-000"), f.env())
		var errs, items int
		for it, err := range c.Refetch(t.Context(), []string{itemURL("acme/repo-000", f.data.Repos[0].Items[0]), itemURL("acme/repo-000", f.data.Repos[0].Items[1])}) {
			if err != nil {
				errs++
				assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
				assert.NotContains(t, err.Error(), testToken)
				continue
			}
			items++
			t.Errorf("unexpected item %+v", it)
		}
		assert.Equal(t, 1, errs, "the stream ends at the first rejected request")
		assert.Equal(t, 1, f.emu.Count("*"))
	})
}

func paths(reqs []emulator.Request) []string {
	var out []string
	for _, r := range reqs {
		out = append(out, r.Path)
	}
	return out
}

// The runner fetches an item that failed in one run again at the start of
// a later one, through Refetch, although the poll's window does not hold
// it.
func TestRunnerFetchesFailedItemsAgain(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, refetchGen, githubemu.Options{})
		r0 := f.data.Repos[0]
		it := firstItem(t, r0, func(it *githubemu.Item) bool { return !it.PR && len(it.Comments) > 0 })
		comments := "/repos/acme/repo-000/issues/" + itoa(it.Number) + "/comments"
		f.emu.FailEvery(comments, 1, githubemu.NotFound)
		s := f.settings("acme/repo-000")
		s.IncludeComments = true
		c := f.connector(t, s, f.env())
		now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
		sink := &connectortest.Sink{}
		run := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now },
			Retry: tributary.RetryPolicy{Backoff: time.Hour}}
		res, err := run.Run(t.Context(), c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Failures)
		assert.NotContains(t, sink.IDs(), itemURL("acme/repo-000", it))

		f.emu.ClearFaults()
		sink.Reset()
		now = now.Add(2 * time.Hour)
		res, err = run.Run(t.Context(), c, tributary.RunOptions{})
		require.NoError(t, err)
		assert.Equal(t, 1, res.Retried)
		assert.Equal(t, []string{itemURL("acme/repo-000", it)}, sink.IDs(), "fetched again, with its comments")
	})
}

// FuzzRefetchTarget: no id makes refetchTarget panic, and an id it
// accepts names an item number of a configured repository.
func FuzzRefetchTarget(f *testing.F) {
	for _, s := range []string{"https://github.com/acme/repo-000/issues/1", "https://github.com/acme/repo-000/pull/2/files",
		"https://github.com/acme/repo-000/issues/01", "https://github.com/acme//issues/1", "http://github.com/acme/repo-000/pull/9", "x"} {
		f.Add(s)
	}
	c, err := New(Settings{BaseURL: testBase, Repositories: []string{"acme/repo-000"}, IncludeIssues: true, IncludePullRequests: true},
		Credentials{Token: tributary.NewSecret(testToken)}, tributary.Env{})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, id string) {
		tg, err := c.refetchTarget(t.Context(), id)
		if err != nil {
			assert.ErrorIs(t, err, tributary.ErrForeignURL)
			return
		}
		assert.Positive(t, tg.number)
		assert.True(t, strings.EqualFold(tg.repo, "acme/repo-000"), "%q", tg.repo)
	})
}
