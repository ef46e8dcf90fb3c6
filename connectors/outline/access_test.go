package outline

import (
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/outlineemu"
)

// accessGen has an open, a members-only and a read-only collection, with
// documents that carry memberships of their own (every fifth: the guest;
// every tenth: the Contractors group too).
var accessGen = outlineemu.GenerateOptions{Collections: 3, PrivateEvery: 3, ReadOnlyEvery: 3, Documents: 10, Plain: true, Seed: 4}

func TestAccessFromCollectionsAndMemberships(t *testing.T) {
	f := newFixture(t, accessGen, outlineemu.Options{})
	env := f.env()
	env.WantPermissions = true
	c, err := newConnector(f.settings(), f.credentials(), env, fast)
	require.NoError(t, err)
	got := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, err)
	require.Len(t, got.Documents, 30)
	guest, contractors := f.data.Users[4], f.data.Groups[1]
	for _, d := range got.Documents {
		src := f.data.Document(d.ID[len(testBase+"/doc/"):])
		col := f.data.Collection(src.CollectionID)
		require.NotNil(t, d.ExternalAccess, d.ID)
		want := []string{CollectionGroup(col.ID)}
		if col.Permission != outlineemu.PermissionNone {
			want = append(want, WorkspaceGroup)
		}
		var users []string
		for _, m := range src.Members {
			if m.UserID == guest.ID {
				users = append(users, guest.Email)
			}
			if m.GroupID == contractors.ID {
				want = append(want, "group:"+contractors.ID)
			}
		}
		assert.ElementsMatch(t, want, d.ExternalAccess.GroupIDs, d.ID)
		assert.Equal(t, users, d.ExternalAccess.UserEmails, d.ID)
	}
	slim := map[string]*tributary.ExternalAccess{}
	for s, err := range c.LoadSlim(t.Context(), time.Time{}, time.Time{}) {
		require.NoError(t, err)
		slim[s.ID] = s.ExternalAccess
	}
	for _, d := range got.Documents {
		assert.Equal(t, d.ExternalAccess, slim[d.ID], "slim access of %s", d.ID)
	}
}

func TestGroupsNameMembersByAddress(t *testing.T) {
	f := newFixture(t, accessGen, outlineemu.Options{})
	c := f.connector(t, f.settings())
	got := map[string][]string{}
	for g, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		got[g.ID] = g.MemberEmails
	}
	us, gs := f.data.Users, f.data.Groups
	assert.Equal(t, []string{us[0].Email, us[1].Email, us[2].Email, us[3].Email}, got[WorkspaceGroup], "guests are not members")
	private := f.data.Collections[1]
	assert.Equal(t, []string{us[0].Email, us[1].Email, us[2].Email, us[3].Email}, got[CollectionGroup(private.ID)],
		"direct members and the Engineering group's")
	assert.Equal(t, []string{us[4].Email}, got[CollectionGroup(f.data.Collections[0].ID)], "the read-only collection's Contractors")
	assert.Equal(t, []string{us[1].Email, us[2].Email}, got["group:"+gs[0].ID])
	assert.Equal(t, []string{us[4].Email}, got["group:"+gs[1].ID])
	assert.Len(t, got, 6)
}

// Outline shows addresses to admins only (and each user their own): a
// member's key lists the groups without the others, never guessing, and
// its probe says so.
func TestMemberKeySeesNoAddresses(t *testing.T) {
	f := newFixture(t, accessGen, outlineemu.Options{})
	f.emu.AddKey("ol_api_member", f.data.Users[1].ID)
	c, err := newConnector(f.settings(), Credentials{APIKey: tributary.NewSecret("ol_api_member")}, f.env(), fast)
	require.NoError(t, err)
	for g, err := range c.Groups(t.Context()) {
		require.NoError(t, err)
		for _, e := range g.MemberEmails {
			assert.Equal(t, f.data.Users[1].Email, e, g.ID)
		}
	}
	results := c.Probe(t.Context())
	require.Len(t, results, 3)
	assert.Equal(t, tributary.ProbePassed, results[0].Status)
	for _, r := range results[1:] {
		assert.Equal(t, tributary.ProbeFailed, r.Status, r.String())
		assert.Equal(t, []string{"admin role"}, r.Missing)
	}
}

func TestValidateClassifies(t *testing.T) {
	f := newFixture(t, accessGen, outlineemu.Options{})
	f.emu.AddKey("ol_api_guest", f.data.Users[4].ID)
	open := func(key string, cols ...string) error {
		s := f.settings()
		s.Collections = cols
		c, err := newConnector(s, Credentials{APIKey: tributary.NewSecret(key)}, f.env(), fast)
		require.NoError(t, err)
		return c.Validate(t.Context())
	}
	private := f.data.Collections[1]
	require.NoError(t, open(testKey, private.ID, f.data.Collections[0].URLID))
	assert.ErrorIs(t, open("ol_api_unknown"), tributary.ErrCredentialExpired)
	assert.ErrorIs(t, open("ol_api_guest", private.ID), tributary.ErrInsufficientPermissions)
	assert.ErrorIs(t, open(testKey, "00000000-0000-4000-8000-000000000000"), tributary.ErrNotFound)
	err := open("ol_api_unknown")
	assert.NotContains(t, err.Error(), "ol_api_unknown", "the key never shows")
}

// A poll with a start reads each collection's events and deletes the
// documents deleted, archived or moved away in the window; a document
// deleted for good can no longer be named and is left to the prune.
func TestPollDeletions(t *testing.T) {
	f := newFixture(t, outlineemu.GenerateOptions{Collections: 2, Documents: 4, Hidden: true, Plain: true, Seed: 6}, outlineemu.Options{})
	var deleted, archived []string
	for _, d := range f.data.Documents {
		switch {
		case !d.DeletedAt.IsZero():
			deleted = append(deleted, idOf(d))
		case !d.ArchivedAt.IsZero():
			archived = append(archived, idOf(d))
		}
	}
	require.Len(t, deleted, 2)
	moved, gone := f.data.Documents[0], f.data.Documents[1]
	when := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	f.emu.Update(func(d *outlineemu.Data) {
		d.Collections = append(d.Collections, &outlineemu.Collection{ID: "c0ffee00-0000-4000-8000-000000000001", URLID: "elsewhere1",
			Name: "Elsewhere", Permission: outlineemu.PermissionReadWrite})
		moved.CollectionID = "c0ffee00-0000-4000-8000-000000000001"
		d.Events = append(d.Events,
			&outlineemu.Event{ID: "e1", Name: "documents.move", DocumentID: moved.ID, CollectionID: d.Collections[0].ID, CreatedAt: when},
			&outlineemu.Event{ID: "e2", Name: "documents.permanent_delete", DocumentID: gone.ID, CollectionID: gone.CollectionID, CreatedAt: when})
		d.Documents = d.Documents[2:] // gone for good (and moved out of the listing below)
		d.Documents = append(d.Documents, moved)
	})
	s := f.settings()
	s.Collections = []string{f.data.Collections[0].ID, f.data.Collections[1].ID}
	c := f.connector(t, s)
	got := collect(t.Context(), c, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.ElementsMatch(t, append(append(deleted, archived...), idOf(moved)), got.Deletions)
	full := collect(t.Context(), c, time.Time{}, time.Time{}, nil)
	require.NoError(t, full.Err)
	assert.Empty(t, full.Deletions, "a load over all time reads no events")
	late := collect(t.Context(), c, when.Add(time.Hour), time.Time{}, nil)
	require.NoError(t, late.Err)
	assert.Empty(t, late.Deletions, "events before the window are not read as deletions")
	var cut connectortest.Collected
	for it, err := range c.LoadFromCheckpoint(t.Context(), time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, nil) {
		if err != nil && !errors.Is(err, tributary.ErrMalformedResponse) {
			require.NoError(t, err)
		}
		if it.Deletion != "" {
			cut.Deletions = append(cut.Deletions, it.Deletion)
		}
	}
	assert.Equal(t, got.Deletions, cut.Deletions)
}

// A key made with scopes that leave events.list out still polls: its
// documents arrive, and deletions are left to prunes (with a warning).
// One that leaves documents.list out fails Validate as a missing
// permission.
func TestScopedKeys(t *testing.T) {
	f := newFixture(t, outlineemu.GenerateOptions{Collections: 1, Documents: 4, Hidden: true, Plain: true, Seed: 6}, outlineemu.Options{})
	f.emu.AddKey("ol_api_scoped", f.data.Users[0].ID)
	f.emu.Restrict("ol_api_scoped", "auth.info", "collections.list", "documents.list", "documents.info", "users.info")
	c, err := newConnector(f.settings(), Credentials{APIKey: tributary.NewSecret("ol_api_scoped")}, f.env(), fast)
	require.NoError(t, err)
	require.NoError(t, c.Validate(t.Context()))
	got := collect(t.Context(), c, time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC), time.Time{}, nil)
	require.NoError(t, got.Err)
	assert.Len(t, got.Documents, 4)
	assert.Empty(t, got.Deletions)

	f.emu.Restrict("ol_api_scoped", "auth.info", "collections.list")
	assert.ErrorIs(t, c.Validate(t.Context()), tributary.ErrInsufficientPermissions)
}
