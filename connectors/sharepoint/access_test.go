package sharepoint

import (
	"slices"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// TestAccessFromPermissions maps every kind of sharing: inherited grants
// of the library root, a user, a group, links to named people, and the
// anonymous and organization links only when the settings say so.
func TestAccessFromPermissions(t *testing.T) {
	f := newFixture(t, graphemu.GenerateOptions{FilesPerDrive: 7, Seed: 4}, graphemu.Options{})
	env := f.env()
	env.WantPermissions = true
	load := func(s Settings) map[string]*tributary.ExternalAccess {
		c, err := newConnector(s, f.credentials(), env, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		got := collect(t.Context(), c, zero, zero, nil)
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		out := map[string]*tributary.ExternalAccess{}
		for _, d := range got.Documents {
			out[d.Metadata.Get("item_id")] = d.ExternalAccess
		}
		return out
	}
	dr := f.data.Drives[0]
	files := dr.Files() // the generator shares file i by i%7
	owner := f.data.Users[0].Mail
	members := groupID(f.data.Groups[0].ID)
	closed := load(f.settings())
	for i, it := range files {
		acc := closed[it.ID]
		if acc == nil || !slices.Contains(acc.UserEmails, owner) || !slices.Contains(acc.GroupIDs, members) {
			t.Fatalf("file %d lacks the library's inherited access: %+v", i, acc)
		}
		if acc.Public || slices.Contains(acc.GroupIDs, organizationGroup) {
			t.Errorf("file %d is open by default: %+v", i, acc)
		}
	}
	if acc := closed[files[5].ID]; !slices.Contains(acc.GroupIDs, groupID(f.data.Groups[1].ID)) {
		t.Errorf("a group grant is missing: %+v", acc)
	}
	if acc := closed[files[1].ID]; len(acc.UserEmails) < 1 {
		t.Errorf("a user grant is missing: %+v", acc)
	}
	s := f.settings()
	s.AnonymousLinksPublic, s.OrganizationLinksOpen = true, true
	open := load(s)
	if !open[files[2].ID].Public || open[files[3].ID].Public {
		t.Errorf("anonymous link: %+v; organization link: %+v", open[files[2].ID], open[files[3].ID])
	}
	if !slices.Contains(open[files[3].ID].GroupIDs, organizationGroup) {
		t.Errorf("organization link: %+v", open[files[3].ID])
	}
}

// TestGroups lists groups with their transitive members (the last group
// nests the first) and the organization group.
func TestGroups(t *testing.T) {
	f := newFixture(t, graphemu.GenerateOptions{Users: 4, Groups: 2, Seed: 4}, graphemu.Options{PageSize: 1})
	c := f.connector(t, f.settings())
	got := map[string]tributary.ExternalGroup{}
	for g, err := range c.Groups(t.Context()) {
		if err != nil {
			t.Fatal(err)
		}
		got[g.ID] = g
	}
	first, last := got[groupID(f.data.Groups[0].ID)], got[groupID(f.data.Groups[1].ID)]
	if len(first.MemberEmails) != 2 || len(last.MemberEmails) != 4 || !slices.IsSorted(last.MemberEmails) {
		t.Errorf("members: %v and %v", first.MemberEmails, last.MemberEmails)
	}
	if !got[organizationGroup].GivesAnyoneAccess || len(got) != 3 {
		t.Errorf("groups %v", got)
	}
}
