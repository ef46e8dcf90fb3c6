package bookstack

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/bookstackemu"
)

// Refetch yields a page after its nodes, a deletion for a page deleted or
// turned into a draft, and a failure for an id of another instance.
func TestRefetch(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	f.emu.Update(func(d *bookstackemu.Data) {
		d.DeletePage(3, bookstackemu.AdminUser, bookstackemu.Epoch)
		d.Page(4).Draft = true
	})
	c := f.connector(t, f.settings(), f.env(), fast)
	got := connectortest.CollectRefetch(t, t.Context(), c, pageID(2), pageID(3), pageID(4), "https://other.example/link/2", testBase+"/link/x")
	require.Len(t, got.ByID[pageID(2)], 1)
	doc := got.ByID[pageID(2)][0].Document
	require.NotNil(t, doc)
	assert.Equal(t, f.data.Page(2).Name, doc.Title)
	assert.Contains(t, got.Nodes, doc.ParentID)
	assert.Equal(t, pageID(3), got.ByID[pageID(3)][0].Deletion)
	assert.Equal(t, pageID(4), got.ByID[pageID(4)][0].Deletion)
	for _, id := range []string{"https://other.example/link/2", testBase + "/link/x"} {
		require.Len(t, got.ByID[id], 1)
		require.NotNil(t, got.ByID[id][0].Failure)
		assert.ErrorIs(t, got.ByID[id][0].Failure, tributary.ErrForeignURL)
	}
}

// Page URLs name slugs, which change with renames; NormalizeURL looks them
// up through the API and returns the stable /link/ id.
func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	c := f.connector(t, f.settings(), f.env(), fast)
	p := f.data.Page(7)
	book := f.data.Book(p.BookID)
	for _, u := range []string{
		testBase + "/link/7",
		testBase + "/link/7#bkmrk-setup",
		testBase + "/books/" + book.Slug + "/page/" + p.Slug,
		"HTTP://WIKI.TEST/books/" + book.Slug + "/page/" + p.Slug + "/edit?x=1#top",
		testBase + "/books/" + book.Slug + "/page/" + p.Slug + "/revisions",
	} {
		got, err := c.NormalizeURL(t.Context(), u)
		require.NoError(t, err, u)
		assert.Equal(t, pageID(7), got, u)
	}
	_, err := c.NormalizeURL(t.Context(), "https://elsewhere.example/link/7")
	assert.ErrorIs(t, err, tributary.ErrForeignURL)
	_, err = c.NormalizeURL(t.Context(), testBase+"/books/"+book.Slug)
	assert.ErrorIs(t, err, tributary.ErrNotSupported)
	_, err = c.NormalizeURL(t.Context(), testBase+"/books/other-book/page/"+p.Slug)
	assert.ErrorIs(t, err, tributary.ErrNotFound)
}

// Probe passes everything with an admin's token; a reader's indexes, and
// misses "Manage users" for access and group sync.
func TestProbe(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	for _, r := range f.connector(t, f.settings(), f.env(), fast).Probe(t.Context()) {
		assert.Equal(t, tributary.ProbePassed, r.Status, r.Capability)
	}
	reader, err := newConnector(f.settings(), readerCredentials(), f.env(), fast)
	require.NoError(t, err)
	res := reader.Probe(t.Context())
	require.Len(t, res, 3)
	assert.Equal(t, tributary.ProbePassed, res[0].Status)
	for _, r := range res[1:] {
		assert.Equal(t, tributary.ProbeFailed, r.Status, r.Capability)
		assert.Contains(t, r.Missing, permManageUsers)
	}
}

// Groups lists every role with its users' lower-cased addresses.
func TestGroups(t *testing.T) {
	f := newFixture(t, smallGen, bookstackemu.Options{})
	c := f.connector(t, f.settings(), f.env(), fast)
	got := map[string][]string{}
	for g, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		got[g.ID] = g.MemberEmails
	}
	assert.Equal(t, map[string][]string{
		RoleGroup(bookstackemu.AdminRole):  {"admin@example.com"},
		RoleGroup(bookstackemu.EditorRole): {"edith@example.com"},
		RoleGroup(bookstackemu.ViewerRole): {"rita@example.com"},
		RoleGroup(bookstackemu.SecretRole): {"edith@example.com"},
	}, got)
	reader, err := newConnector(f.settings(), readerCredentials(), f.env(), fast)
	require.NoError(t, err)
	for _, err := range reader.Groups(t.Context()) {
		assert.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	}
}
