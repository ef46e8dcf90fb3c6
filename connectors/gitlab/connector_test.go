package gitlab

import (
	"context"
	"net/http"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/gitlabemu"
)

var smallGen = gitlabemu.GenerateOptions{Subgroups: 2, Nested: true, Projects: 2, Issues: 7, MergeRequests: 4, Notes: 3,
	WikiPages: 2, PrivateEvery: 3, Seed: 3}

func ids(docs []*tributary.Document) []string {
	out := make([]string, 0, len(docs))
	for _, d := range docs {
		out = append(out, d.ID)
	}
	slices.Sort(out)
	return out
}

func TestLoadReadsGroupsProjectsAndNodesFirst(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	s := f.settings([]string{"acme/team-00"}, "acme/project-000")
	s.PerPage = 2
	c := f.connector(t, s, f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Empty(t, got.Failures)
	assert.Equal(t, f.expectedIDs([]string{"acme/team-00"}, []string{"acme/project-000"}, time.Time{}, time.Time{}), ids(got.Documents))

	// Nodes: group chain outermost first, each before its children.
	seen := map[string]bool{}
	for _, n := range got.Nodes {
		if n.ParentID != "" {
			assert.True(t, seen[n.ParentID], "node %s before its parent %s", n.ID, n.ParentID)
		}
		seen[n.ID] = true
	}
	assert.True(t, seen[testBase+"/groups/acme/team-00/core"])
	for _, d := range got.Documents {
		assert.True(t, seen[d.ParentID], "%s names an unknown parent", d.ID)
	}

	// An issue with its metadata, owners and notes (without system notes).
	p := f.data.Project("acme/project-000")
	it := p.Issues[0]
	for _, x := range p.Issues {
		if len(x.Notes) > 2 {
			it = x
			break
		}
	}
	i := slices.IndexFunc(got.Documents, func(d *tributary.Document) bool { return d.ID == gitlabemu.ItemURL(testBase, p, it) })
	require.GreaterOrEqual(t, i, 0)
	d := got.Documents[i]
	assert.Equal(t, it.UpdatedAt, d.UpdatedAt)
	assert.Equal(t, it.CreatedAt, d.CreatedAt)
	assert.Equal(t, "issue", d.Metadata.Get(MetaKind))
	assert.Equal(t, "acme/project-000", d.Metadata.Get(MetaProject))
	assert.Equal(t, it.Labels, d.Metadata[MetaLabel])
	assert.Equal(t, it.Author.Name, d.PrimaryOwners[0].DisplayName)
	assert.Equal(t, gitlabemu.ProjectURL(testBase, p), d.ParentID)
	user := 0
	for _, n := range it.Notes {
		if !n.System {
			user++
		}
	}
	require.Len(t, d.Sections, 1+user)
	for _, sec := range d.Sections[1:] {
		assert.Contains(t, sec.Link, d.ID+"#note_")
		assert.NotContains(t, sec.Text, "system")
	}
}

func TestWikiPagesOnlyOverAllTime(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	c := f.connector(t, f.settings([]string{"acme"}), f.env())
	all := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, all.Err)
	var wiki int
	for _, d := range all.Documents {
		if d.Metadata.Get(MetaKind) == "wiki_page" {
			wiki++
			assert.True(t, d.UpdatedAt.IsZero(), "GitLab gives wiki pages no time; none is invented")
			assert.Contains(t, d.ID, "/-/wikis/")
		}
	}
	_, _, want := f.data.Count()
	assert.Equal(t, want, wiki)
	assert.True(t, slices.ContainsFunc(all.Documents, func(d *tributary.Document) bool { return strings.HasSuffix(d.ID, "/-/wikis/guides/setup") }))

	poll := collect(t.Context(), c, time.Date(2023, 6, 1, 0, 0, 0, 0, time.UTC), time.Time{}, nil)
	require.NoError(t, poll.Err)
	for _, d := range poll.Documents {
		assert.NotEqual(t, "wiki_page", d.Metadata.Get(MetaKind))
	}
}

// TestEditDuringRunSkipsNothing edits items already read while the run
// goes on: each moves to the end of the oldest-first listing, which with
// plain page numbers would shift an unread item onto a page already read.
func TestEditDuringRunSkipsNothing(t *testing.T) {
	f := newFixture(t, gitlabemu.GenerateOptions{Projects: 1, Issues: 40, Seed: 5}, gitlabemu.Options{})
	s := f.settings(nil, "acme/project-000")
	s.PerPage = 5
	s.IncludeMergeRequests, s.IncludeWiki, s.IncludeNotes = false, false, false
	c := f.connector(t, s, f.env())
	seen := map[string]bool{}
	n := 0
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document == nil {
			continue
		}
		seen[it.Document.ID] = true
		if n++; n%3 == 0 {
			f.emu.Update(func(d *gitlabemu.Data) {
				p := d.Projects[0]
				var oldest *gitlabemu.Item
				for _, x := range p.Issues {
					if oldest == nil || x.UpdatedAt.Before(oldest.UpdatedAt) {
						oldest = x
					}
				}
				oldest.UpdatedAt = time.Date(2030, 1, 1, 0, 0, 0, n, time.UTC)
			})
		}
	}
	assert.Len(t, seen, 40)
}

// TestKeysetRefusedFallsBackToOffset: an instance that refuses keyset
// pagination on a group's projects (405) is read by page number.
func TestKeysetRefusedFallsBackToOffset(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{NoGroupKeyset: true})
	c := f.connector(t, f.settings([]string{"acme"}), f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Equal(t, f.expectedIDs([]string{"acme"}, nil, time.Time{}, time.Time{}), ids(got.Documents))
	assert.Equal(t, 1, f.emu.CountStatus(http.StatusMethodNotAllowed))

	keyset := newFixture(t, smallGen, gitlabemu.Options{})
	c = keyset.connector(t, keyset.settings([]string{"acme"}), keyset.env())
	require.NoError(t, collect(t.Context(), c, time.Time{}, time.Time{}, nil).Err)
	var asked bool
	for _, r := range keyset.emu.Requests() {
		if strings.HasSuffix(r.Path, "/projects") && strings.Contains(r.Query, "pagination=keyset") {
			asked = true
		}
	}
	assert.True(t, asked, "keyset pagination is asked for")
	assert.Zero(t, keyset.emu.CountStatus(http.StatusMethodNotAllowed))
}

// TestRateLimitRetryLaterIsWaitedOut: another client of the same token has
// spent the minute's budget, so the run's first request is answered 429
// "Retry later" (plain text) with Retry-After; the run waits it out.
func TestRateLimitRetryLaterIsWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, gitlabemu.Options{RateLimit: 20})
		other := f.emu.Client()
		for range 20 {
			req, _ := http.NewRequest(http.MethodGet, testBase+"/api/v4/user", nil)
			req.Header.Set("PRIVATE-TOKEN", testToken)
			resp, err := other.Do(req)
			require.NoError(t, err)
			resp.Body.Close()
		}
		s := f.settings(nil, "acme/project-001")
		c := f.connector(t, s, f.env())
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(nil, []string{"acme/project-001"}, time.Time{}, time.Time{}), ids(got.Documents))
		assert.Positive(t, f.emu.CountStatus(http.StatusTooManyRequests))
	})
}

// TestRateLimitHeadersPaceTheRun runs against a limit of 20 requests a
// minute: from RateLimit-Remaining and RateLimit-Reset (an epoch time on
// GitLab, not a number of seconds) the run paces itself, finishing with
// every document without ever being refused.
func TestRateLimitHeadersPaceTheRun(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, smallGen, gitlabemu.Options{RateLimit: 20})
		c := f.connector(t, f.settings([]string{"acme/team-01"}), f.env())
		start := time.Now()
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs([]string{"acme/team-01"}, nil, time.Time{}, time.Time{}), ids(got.Documents))
		requests := len(f.emu.Requests())
		assert.Zero(t, f.emu.CountStatus(http.StatusTooManyRequests))
		assert.Greater(t, requests, 20)
		assert.GreaterOrEqual(t, time.Since(start), time.Duration((requests-1)/20)*time.Minute-time.Second,
			"the run waited for the budget's resets")
	})
}

func TestValidateClassifies(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	f.emu.AddToken("glpat-useronly", gitlabemu.Token{User: f.data.Users[0], Scopes: []string{"read_user"}})
	f.emu.AddToken("glpat-expired", gitlabemu.Token{User: f.data.Users[0], Scopes: gitlabemu.ReadAPI(), ExpiresAt: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)})
	open := func(s Settings, token string) *Connector {
		c, err := New(s, Credentials{Token: tributary.NewSecret(token)}, f.env())
		require.NoError(t, err)
		return c
	}
	ctx := t.Context()
	require.NoError(t, open(f.settings([]string{"acme"}), testToken).Validate(ctx))
	err := open(f.settings([]string{"acme"}), "glpat-wrong").Validate(ctx)
	assert.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.ErrorIs(t, open(f.settings([]string{"acme"}), "glpat-expired").Validate(ctx), tributary.ErrCredentialExpired)
	assert.ErrorIs(t, open(f.settings([]string{"acme"}), "glpat-useronly").Validate(ctx), tributary.ErrInsufficientPermissions)
	assert.ErrorIs(t, open(f.settings([]string{"nobody"}), testToken).Validate(ctx), tributary.ErrNotFound)
	assert.ErrorIs(t, open(f.settings(nil, "acme/missing"), testToken).Validate(ctx), tributary.ErrNotFound)
	assert.NotContains(t, err.Error(), "glpat-wrong")
}

func TestStateClosedIncludesMerged(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	s := f.settings([]string{"acme"})
	s.State, s.IncludeWiki = StateClosed, false
	c := f.connector(t, s, f.env())
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	states := map[string]int{}
	for _, d := range got.Documents {
		states[d.Metadata.Get(MetaState)]++
	}
	assert.Zero(t, states["opened"])
	assert.Positive(t, states["closed"])
	assert.Positive(t, states["merged"])
}

func TestAccessFollowsVisibility(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	f.emu.Update(func(d *gitlabemu.Data) { d.Projects[2].Issues[0].Confidential = true })
	env := f.env()
	env.WantPermissions = true
	c := f.connector(t, f.settings([]string{"acme"}), env)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	byProject := map[string]*tributary.ExternalAccess{}
	for _, d := range got.Documents {
		require.NotNil(t, d.ExternalAccess, d.ID)
		if d.ID == gitlabemu.ItemURL(testBase, f.data.Projects[2], f.data.Projects[2].Issues[0]) {
			assert.Empty(t, d.ExternalAccess.GroupIDs, "a confidential issue names no group")
			assert.False(t, d.ExternalAccess.Public)
			continue
		}
		byProject[d.Metadata.Get(MetaProject)] = d.ExternalAccess
	}
	for _, p := range f.data.Projects {
		a := byProject[p.PathWithNamespace()]
		require.NotNil(t, a, p.PathWithNamespace())
		switch p.Visibility {
		case "public":
			assert.True(t, a.Public)
		case "internal":
			assert.Equal(t, []string{InternalGroup}, a.GroupIDs)
		case "private":
			assert.False(t, a.Public)
			assert.Equal(t, []string{"group:" + p.Namespace.FullPath(), "group:partners"}, a.GroupIDs)
			for _, m := range p.Members {
				if m.User.PublicEmail != "" {
					assert.Contains(t, a.UserEmails, m.User.PublicEmail)
				} else {
					assert.NotContains(t, a.UserEmails, m.User.Email, "a hidden address is never guessed")
				}
			}
		}
	}
}

func TestCheckpointsStaySmall(t *testing.T) {
	f := newFixture(t, smallGen, gitlabemu.Options{})
	s := f.settings([]string{"acme"}, "acme/team-01/project-003")
	s.PerPage = 2
	c := f.connector(t, s, f.env())
	got := collect(context.Background(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Checkpoints)
	for _, cp := range got.Checkpoints {
		assert.Less(t, len(cp), 400)
	}
}

// reverseSort is a transport that asks the emulator for the newest items
// first whatever the connector asked: an instance that ignores the sort.
type reverseSort struct{ next http.RoundTripper }

func (rt reverseSort) RoundTrip(r *http.Request) (*http.Response, error) {
	if q := r.URL.Query(); q.Get("order_by") == "updated_at" {
		q.Set("sort", "desc")
		r = r.Clone(r.Context())
		r.URL.RawQuery = q.Encode()
	}
	return rt.next.RoundTrip(r)
}

// TestUnsortedListingIsReadByPage: an instance answers newest first where
// the connector asked for oldest first. The connector notices, reads the
// listing by page number instead of by cursor, and misses nothing, also
// when resumed from a checkpoint taken after it noticed.
func TestUnsortedListingIsReadByPage(t *testing.T) {
	f := newFixture(t, gitlabemu.GenerateOptions{Projects: 1, Issues: 30, Seed: 6}, gitlabemu.Options{})
	s := f.settings(nil, "acme/project-000")
	s.PerPage = 4
	s.IncludeMergeRequests, s.IncludeWiki, s.IncludeNotes = false, false, false
	env := f.env()
	env.HTTPClient = &http.Client{Transport: reverseSort{f.emu.Transport()}}
	c := f.connector(t, s, env)
	want := f.expectedIDs(nil, s.Projects, time.Time{}, time.Time{})
	var got []string
	var resume tributary.Checkpoint
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			got = append(got, it.Document.ID)
		}
		if it.Checkpoint != nil && resume == nil && len(got) >= 12 {
			resume = it.Checkpoint
		}
	}
	slices.Sort(got)
	assert.Equal(t, want, slices.Compact(got))
	require.NotNil(t, resume)
	pos, err := c.decodePosition(resume)
	require.NoError(t, err)
	assert.True(t, pos.Unsorted, "the checkpoint remembers the listing is unsorted")

	rest := collect(t.Context(), c, time.Time{}, time.Time{}, resume)
	require.NoError(t, rest.Err)
	assert.Len(t, ids(rest.Documents), len(want)-12, "the resumed run reads the pages after the checkpoint")
}
