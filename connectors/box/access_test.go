package box

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/boxemu"
)

// A file's access is its owner, its own collaborators and those of every
// folder above it; pending collaborations give none; an open shared link
// is public only when the setting allows.
func TestAccessIsInheritedFromFolders(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	env := f.env()
	env.WantPermissions = true
	for _, public := range []bool{false, true} {
		s := f.settings()
		s.PublicSharedLinks = public
		got := connectortest.Collect(f.connector(t, s, Credentials{}, env).LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		byID := map[string]*tributary.ExternalAccess{}
		for _, d := range got.Documents {
			byID[d.ID] = d.ExternalAccess
		}
		// Folder 1 (100011) is shared with bo and the group 2002, and di
		// is invited; its subfolder's second file with cy too.
		deep := byID[fileID("100018")]
		if deep == nil || !slices.Equal(deep.UserEmails, []string{"ana@acme.test", "bo@acme.test", "cy@acme.test"}) || !slices.Equal(deep.GroupIDs, []string{"2002"}) {
			t.Errorf("inherited access: %+v", deep)
		}
		link := byID[fileID("100019")] // the third file: an open shared link
		if link == nil || link.Public != public {
			t.Errorf("public_shared_links %v: %+v", public, link)
		}
	}
}

func TestGroupsListMembersByLogin(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	var got []tributary.ExternalGroup
	for g, err := range f.connector(t, f.settings(), Credentials{}, f.env()).Groups(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, g)
	}
	if len(got) != 2 || got[0].ID != "2001" || !slices.Equal(got[1].MemberEmails, []string{"cy@acme.test", "di@acme.test"}) {
		t.Errorf("groups: %+v", got)
	}
}

func TestNormalizeURL(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	f.data.Items[2].SharedLink = "open"
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	file := f.data.Items[2].ID
	for in, want := range map[string]string{
		"https://app.box.com/file/123":                   fileID("123"),
		"https://acme.app.box.com/files/123?s=x":         fileID("123"),
		"https://app.box.com/notes/456":                  fileID("456"),
		"https://app.box.com/file/123#!/a/b.txt":         fileID("123") + "!/a/b.txt",
		"https://app.box.com/file/123!/a/b.txt":          fileID("123") + "!/a/b.txt",
		boxemu.SharedLinkURL(file):                       fileID(file),
		"https://app.box.com/folder/1":                   "",
		"https://example.com/file/123":                   "",
		"https://app.box.com/s/0000000000000000notthere": "",
	} {
		got, err := c.NormalizeURL(context.Background(), in)
		if got != want || (want == "") != (err != nil) {
			t.Errorf("NormalizeURL(%q) = %q, %v; want %q", in, got, err, want)
		}
	}
}

// Refetch of a file gone or trashed is its deletion.
func TestRefetchOfGoneFiles(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	f.emu.Trash("100002")
	f.emu.Delete("100003")
	got := connectortest.Collect(c.Refetch(context.Background(), []string{fileID("100002"), fileID("100003"), fileID("100004")}))
	if got.Err != nil || len(got.Deletions) != 2 || len(got.Documents) != 1 || got.Documents[0].ID != fileID("100004") {
		t.Errorf("refetch: %v, deletions %v, %d documents", got.Err, got.Deletions, len(got.Documents))
	}
}
