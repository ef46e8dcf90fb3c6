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
	require.NoError(t, got.Err)
	assert.Empty(t, got.Failures)
	assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.IDs())
	require.Len(t, got.Nodes, 2)
	assert.Equal(t, "acme/repo-000", got.Nodes[0].Name)
	assert.Equal(t, tributary.NodeRepository, got.Nodes[0].Kind)
}

func TestDocumentMapping(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 40, PullShare: 0.5, Seed: 3}, githubemu.Options{})
	c := f.connector(t, f.settings("acme/repo-000"), f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	repo := f.data.Repos[0]
	require.Len(t, got.Documents, len(repo.Items))
	byID := map[string]*tributary.Document{}
	for _, d := range got.Documents {
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

func TestValidateClassifiesErrors(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	f.emu.AddToken("no-issues", githubemu.Token{User: f.data.Users[1], Permissions: githubemu.Permissions{PullRequests: true, Private: true}})
	ctx := context.Background()
	ok := f.connector(t, f.settings(twoRepos...), f.env())
	require.NoError(t, ok.Validate(ctx))

	bad, err := New(f.settings(twoRepos...), Credentials{Token: tributary.NewSecret("wrong")}, f.env())
	require.NoError(t, err)
	assert.ErrorIs(t, bad.Validate(ctx), tributary.ErrCredentialExpired)

	missing := f.connector(t, f.settings("acme/nope"), f.env())
	assert.ErrorIs(t, missing.Validate(ctx), tributary.ErrNotFound)

	noIssues, err := New(f.settings(twoRepos...), Credentials{Token: tributary.NewSecret("no-issues")}, f.env())
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

func TestOwnerEnumeration(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 4, Items: 15, PullShare: 0.3, PrivateEvery: 2, Seed: 2}, githubemu.Options{})
	s := f.settings("acme/repo-002")
	s.Owner = "acme"
	c := f.connector(t, s, f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	all := []string{"acme/repo-000", "acme/repo-001", "acme/repo-002", "acme/repo-003"}
	assert.Equal(t, f.expectedIDs(all, time.Time{}, time.Time{}, anyItem), got.IDs())
	var names []string
	for _, n := range got.Nodes {
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
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
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
	r, err := New(f.settings("acme/repo-001"), Credentials{Token: tributary.NewSecret("reader")}, env)
	require.NoError(t, err)
	got = collect(context.Background(), r, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrInsufficientPermissions)
	for _, d := range got.Documents {
		require.NotNil(t, d.ExternalAccess)
		assert.False(t, d.ExternalAccess.Public)
		assert.Empty(t, d.ExternalAccess.UserEmails)
	}
}

func TestSlimAdmitsWhatLoadAdmits(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	c := f.connector(t, f.settings(twoRepos...), f.env())
	all := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.Err)
	start, end := windowAround(all.Documents, 0.3, 0.6)
	for _, w := range [][2]time.Time{{}, {start, end}} {
		load := collect(context.Background(), c, w[0], w[1], nil)
		require.NoError(t, load.Err)
		var slim []string
		for sd, err := range c.LoadSlim(context.Background(), w[0], w[1]) {
			require.NoError(t, err)
			slim = append(slim, sd.ID)
		}
		assert.ElementsMatch(t, load.IDs(), slim)
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

// Without explicit permission, a base URL on a private or loopback address
// is refused before any request leaves.
func TestPrivateAddressesNeedPermission(t *testing.T) {
	f := newFixture(t, gen3, githubemu.Options{})
	s := f.settings(twoRepos...)
	s.BaseURL = f.emu.Start()
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)}, tributary.Env{})
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
	c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)}, tributary.Env{AllowPrivateNetwork: true})
	require.NoError(t, err)
	require.NoError(t, c.Validate(context.Background()))
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs(twoRepos, time.Time{}, time.Time{}, anyItem), got.IDs())
}

func TestCommentsAreSectionsWithTheirOwnLinks(t *testing.T) {
	f := newFixture(t, githubemu.GenerateOptions{Repos: 1, Items: 20, PullShare: 0.5, Comments: 3, Seed: 6}, githubemu.Options{})
	s := f.settings("acme/repo-000")
	s.IncludeComments = true
	c := f.connector(t, s, f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	want := 0
	for _, it := range f.data.Repos[0].Items {
		want += len(it.Comments)
	}
	require.NotZero(t, want)
	n := 0
	for _, d := range got.Documents {
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
	require.NoError(t, got.Err)
	assert.Empty(t, got.Failures)
	want := f.expectedIDs(twoRepos, time.Time{}, time.Time{}, func(it *githubemu.Item) bool { return it.PR })
	want = append(want, f.expectedIDs([]string{"acme/repo-002"}, time.Time{}, time.Time{}, func(it *githubemu.Item) bool { return !it.PR })...)
	assert.ElementsMatch(t, want, got.IDs())

	f.emu.FailNext("/repos/acme/repo-000/pulls", 1, emulator.Fault{Status: http.StatusForbidden})
	got = collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.Len(t, got.Failures, 1)
	assert.Equal(t, "acme/repo-000/pulls", got.Failures[0].EntityID)
	assert.ErrorIs(t, got.Failures[0], tributary.ErrInsufficientPermissions)
	assert.ElementsMatch(t, f.expectedIDs([]string{"acme/repo-002"}, time.Time{}, time.Time{}, anyItem), got.IDs())
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
		c, err := New(s, Credentials{Token: tributary.NewSecret(testToken)}, env)
		require.NoError(t, err)
		f.emu.FailEvery("*", 3, emulator.InternalError)
		f.emu.FailEvery("*", 5, emulator.TooManyRequests)
		got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
		f.emu.RevokeToken(testToken)
		validate := c.Validate(context.Background())
		require.Error(t, validate)
		texts := []string{logs.String(), validate.Error(), fmt.Sprint(c), fmt.Sprintf("%#v", s)}
		if got.Err != nil {
			texts = append(texts, got.Err.Error())
		}
		for _, fl := range got.Failures {
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
		require.NoError(t, got.Err)
		var names []string
		for _, n := range got.Nodes {
			names = append(names, n.Name)
		}
		assert.Equal(t, c.want, names, c.owner)
	}
}
