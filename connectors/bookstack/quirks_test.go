package bookstack

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

// pageQueries returns the queries of the page listings the emulator got.
func pageQueries(f *fixture) []url.Values {
	var out []url.Values
	for _, r := range f.emu.Requests() {
		if r.Path == "/api/pages" {
			q, _ := url.ParseQuery(r.Query)
			out = append(out, q)
		}
	}
	return out
}

// BookStack keeps seconds, so a bulk import leaves many pages at one
// update time, and orders them among themselves as its database likes
// (here newest id first). Twelve tied pages with pages of 5 are read by
// id, each once, and resuming from every checkpoint loses none.
func TestTiesLongerThanAPageAreReadByID(t *testing.T) {
	gen := bookstackemu.GenerateOptions{Shelves: 1, Books: 2, PagesPerBook: 10, Tied: 12, Seed: 5}
	f := newFixture(t, gen, bookstackemu.Options{ShuffleTies: true})
	s := f.settings()
	s.PageSize = 5
	c := f.connector(t, s, f.env(), fast)
	var docs []*tributary.Document
	var cps []tributary.Checkpoint
	var before []int // documents yielded before each checkpoint
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document != nil {
			docs = append(docs, it.Document)
		}
		if it.Checkpoint != nil {
			cps, before = append(cps, it.Checkpoint), append(before, len(docs))
		}
	}
	want := f.expectedIDs(time.Time{}, time.Time{})
	assert.Equal(t, want, ids(docs))
	require.NotEmpty(t, cps)

	tied := 0
	for _, q := range pageQueries(f) {
		if q.Get("filter[updated_at:eq]") != "" {
			tied++
			assert.Equal(t, "+id", q.Get("sort"))
			assert.Empty(t, q.Get("offset"), "ties are read by id, never by offset")
		}
	}
	assert.GreaterOrEqual(t, tied, 3, "twelve tied pages take three requests of five")

	for i, cp := range cps {
		rest := collect(t.Context(), c, time.Time{}, time.Time{}, cp)
		require.NoError(t, rest.Err)
		all := append(ids(docs[:before[i]]), ids(rest.Documents)...)
		slices.Sort(all)
		assert.Equal(t, want, all, "resumed from checkpoint %d", i)
		assert.Less(t, len(cp), 128, "a checkpoint is a phase, a time and an id")
	}
}

// A page edited while the run reads moves behind the reader: nothing
// unread shifts past it, and the edited page is read again later.
func TestEditDuringRunSkipsNothing(t *testing.T) {
	f := newFixture(t, bookstackemu.GenerateOptions{Books: 2, PagesPerBook: 10, Seed: 6}, bookstackemu.Options{})
	s := f.settings()
	s.PageSize = 3
	c := f.connector(t, s, f.env(), fast)
	seen := map[string]int{}
	n := 0
	later := bookstackemu.Epoch.Add(24 * time.Hour)
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil) {
		require.NoError(t, err)
		if it.Document == nil {
			continue
		}
		seen[it.Document.ID]++
		if n++; n%4 == 0 {
			f.emu.Update(func(d *bookstackemu.Data) {
				oldest := slices.MinFunc(d.Pages, func(a, b *bookstackemu.Page) int { return a.UpdatedAt.Compare(b.UpdatedAt) })
				later = later.Add(time.Second)
				oldest.UpdatedAt = later
			})
		}
	}
	for _, id := range f.expectedIDs(time.Time{}, time.Time{}) {
		assert.NotZero(t, seen[id], "page %s was skipped", id)
	}
}

// BookStack's budget is 180 requests a minute: past it, 429 with
// Retry-After, X-RateLimit-Limit and -Remaining. A run larger than the
// budget waits it out (in the bubble's time) and reads everything.
func TestRateLimitIsWaitedOut(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		f := newFixture(t, bookstackemu.GenerateOptions{Books: 2, PagesPerBook: 12, Seed: 2},
			bookstackemu.Options{RateLimit: true, RequestsPerMinute: 10})
		s := f.settings()
		s.PageSize = 5
		c := f.connector(t, s, f.env(), options{rate: 1000})
		began := time.Now()
		got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		assert.Equal(t, f.expectedIDs(time.Time{}, time.Time{}), ids(got.Documents))
		assert.NotZero(t, f.emu.CountStatus(http.StatusTooManyRequests), "the budget refused requests")
		assert.GreaterOrEqual(t, time.Since(began), 2*time.Minute, "30-odd requests at 10 a minute")
	})
}

// A token that is rejected fails with ErrCredentialExpired; an expired
// one, or one whose user lacks "Access System API", with
// ErrInsufficientPermissions naming the permission.
func TestValidateClassifiesTokens(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	s := f.settings()
	bad, err := newConnector(s, Credentials{TokenID: "nope", TokenSecret: tributary.NewSecret("secret-value")}, f.env(), fast)
	require.NoError(t, err)
	err = bad.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.NotContains(t, err.Error(), "secret-value")

	f.emu.Update(func(d *bookstackemu.Data) { d.Role(bookstackemu.ViewerRole).Permissions = bookstackemu.ContentViewAll })
	reader, err := newConnector(s, readerCredentials(), f.env(), fast)
	require.NoError(t, err)
	err = reader.Validate(t.Context())
	require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.Contains(t, err.Error(), "Access System API")
	assert.NotContains(t, err.Error(), bookstackemu.ReaderTokenSecret)

	f.emu.Update(func(d *bookstackemu.Data) { d.Tokens[0].ExpiresAt = bookstackemu.Epoch })
	require.ErrorIs(t, f.connector(t, s, f.env(), fast).Validate(t.Context()), tributary.ErrInsufficientPermissions)
}

// The shelves and roles are listed by offset, ended by a short page or
// the first answer's total: releases before v0.29.3 gave later pages
// their own length as total, which must not end the listing early. A
// server that ignores the offset is a malformed listing, not a loop.
func TestOffsetListingsTrustTheFirstTotal(t *testing.T) {
	f := newFixture(t, bookstackemu.GenerateOptions{Shelves: 7, Books: 8, PagesPerBook: 1, Seed: 3}, bookstackemu.Options{OffsetTotal: true})
	s := f.settings()
	s.PageSize = 2
	c := f.connector(t, s, f.env(), fast)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	shelves := map[string]bool{}
	for _, n := range got.Nodes {
		if n.Kind == NodeShelf {
			shelves[n.ID] = true
		}
	}
	assert.Len(t, shelves, 7, "every shelf holding a book was read")
	var groups []string
	for g, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		groups = append(groups, g.ID)
	}
	assert.Len(t, groups, 4)

	ignoring := newFixture(t, bookstackemu.GenerateOptions{Shelves: 5, Books: 6, PagesPerBook: 1, Seed: 3}, bookstackemu.Options{IgnoreOffset: true})
	got = collect(t.Context(), ignoring.connector(t, s, ignoring.env(), fast), time.Time{}, time.Time{}, nil)
	require.ErrorIs(t, got.Err, tributary.ErrMalformedResponse)
}

// A book on several shelves is placed under the one with the lowest id;
// a book on none is a node at the top; chapters sit under their books.
func TestHierarchyRules(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	got := collect(t.Context(), f.connector(t, f.settings(), f.env(), fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	parents := map[string]string{}
	for _, n := range got.Nodes {
		parents[n.ID] = n.ParentID
	}
	assert.Equal(t, "shelf:1", parents["book:1"], "book 1 is on shelves 1 and 2")
	assert.Equal(t, "shelf:2", parents["book:2"])
	assert.Equal(t, "", parents["book:3"], "the last book is on no shelf")
	assert.Equal(t, "book:1", parents["chapter:1"])
	for _, d := range got.Documents {
		assert.Contains(t, parents, d.ParentID)
		require.NotEmpty(t, d.Sections)
		assert.True(t, strings.HasPrefix(d.Sections[0].Link, testBase+"/books/"), d.Sections[0].Link)
	}
}

// Polls read the audit log's page_delete entries in the window. A token
// whose user may not read it logs that once, and the run goes on.
func TestDeletionsFromTheAuditLog(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	start := bookstackemu.Epoch.Add(30 * 24 * time.Hour)
	f.emu.Update(func(d *bookstackemu.Data) {
		d.DeletePage(2, bookstackemu.AdminUser, start.Add(time.Hour))
		d.DeletePage(4, bookstackemu.AdminUser, start.Add(-time.Hour)) // before the window
		d.DeleteBook(3, bookstackemu.AdminUser, start.Add(2*time.Hour))
	})
	c := f.connector(t, f.settings(), f.env(), fast)
	got := collect(t.Context(), c, start, start.Add(24*time.Hour), nil)
	require.NoError(t, got.Err)
	assert.Equal(t, []string{pageID(2)}, got.Deletions)

	var logs bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	reader, err := newConnector(f.settings(), readerCredentials(), env, fast)
	require.NoError(t, err)
	for range 2 {
		got = collect(t.Context(), reader, start, start.Add(24*time.Hour), nil)
		require.NoError(t, got.Err)
		assert.Empty(t, got.Deletions)
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "may not read the audit log"))
}

// With permissions asked for, pages name the roles that may view them:
// their own content permissions, else their chapter's and book's, else
// the roles' View All permission. A token that may not read permissions
// gives pages no access, said once.
func TestAccessFromContentPermissions(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	env := f.env()
	env.WantPermissions = true
	f.emu.Update(func(d *bookstackemu.Data) {
		d.Book(2).Perms = &bookstackemu.Permissions{Inheriting: true, Roles: map[int]bool{bookstackemu.ViewerRole: false}}
		d.Chapter(1).Perms = &bookstackemu.Permissions{Inheriting: false, FallbackView: true}
	})
	got := collect(t.Context(), f.connector(t, f.settings(), env, fast), time.Time{}, time.Time{}, nil)
	require.NoError(t, got.Err)
	require.NotEmpty(t, got.Documents)
	for _, d := range got.Documents {
		require.NotNil(t, d.ExternalAccess, d.ID)
		var want []string
		for _, r := range f.data.PageViewRoles(pageNumberOf(d.ID)) {
			want = append(want, RoleGroup(r))
		}
		slices.Sort(want)
		assert.Equal(t, want, d.ExternalAccess.GroupIDs, d.ID)
	}
	slim := connectortest.Collect(func(yield func(tributary.Item, error) bool) {
		for s, err := range f.connector(t, f.settings(), env, fast).LoadSlim(t.Context(), time.Time{}, time.Time{}) {
			if !yield(tributary.DocumentItem(&tributary.Document{ID: s.ID, ExternalAccess: s.ExternalAccess}), err) {
				return
			}
		}
	})
	require.NoError(t, slim.Err)
	assert.Len(t, slim.Documents, len(got.Documents))

	var logs bytes.Buffer
	env.Logger = slog.New(slog.NewTextHandler(&logs, nil))
	reader, err := newConnector(f.settings(), readerCredentials(), env, fast)
	require.NoError(t, err)
	for range 2 {
		got = collect(t.Context(), reader, time.Time{}, time.Time{}, nil)
		require.NoError(t, got.Err)
		for _, d := range got.Documents {
			assert.Nil(t, d.ExternalAccess)
		}
	}
	assert.Equal(t, 1, strings.Count(logs.String(), "may not read roles or content permissions"))
}

func pageNumberOf(id string) int {
	c := &Connector{settings: Settings{BaseURL: testBase}}
	return c.pageNumber(id)
}
