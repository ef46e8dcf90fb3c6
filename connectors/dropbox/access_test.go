package dropbox

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

// Files in a shared folder take its members, groups by id and invitees
// by address, read once through sharing/list_folder_members, and add
// their own; the access is the same list_file_members gives with
// inherited members, file by file.
func TestSharedFolderAccess(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 3, Team: true}, dropboxemu.Options{}, false)
	env := f.env()
	env.WantPermissions = true
	s := f.settings()
	s.TeamSpace = false // the member's own folders, where the shared folder is
	c := f.connector(t, s, Credentials{}, env)
	got := connectortest.Collect(c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	folderCalls, fileCalls := 0, 0
	for _, r := range f.emu.Requests() {
		switch r.Path {
		case "/2/sharing/list_folder_members":
			folderCalls++
		case "/2/sharing/list_file_members":
			fileCalls++
		}
	}
	if folderCalls != 1 {
		t.Errorf("%d reads of the shared folder's members", folderCalls)
	}
	shared := 0
	for _, d := range got.Documents {
		inFolder := strings.HasPrefix(d.ID, idOf("/folder 1")+"/")
		acc := d.ExternalAccess
		if acc == nil {
			t.Fatalf("%s without access", d.ID)
		}
		has := slices.Contains(acc.UserEmails, "dee@partner.test") && slices.Contains(acc.UserEmails, "eve@outside.test") &&
			slices.Contains(acc.GroupIDs, "g:everyone")
		if inFolder != has || !slices.Contains(acc.UserEmails, "ana@acme.test") {
			t.Errorf("%s: access %+v", d.ID, acc)
		}
		if inFolder {
			shared++
			if d.ID == idOf("/folder 1/sub/note 2.txt") && !slices.Contains(acc.GroupIDs, "g:engineering") {
				t.Errorf("%s: its own members are missing: %+v", d.ID, acc)
			}
		}
	}
	if shared != 6 || fileCalls >= len(got.Documents) {
		t.Errorf("%d documents in the shared folder, %d file member reads for %d documents", shared, fileCalls, len(got.Documents))
	}

	// The same access as the file's members with inherited ones.
	r := c.newRun(context.Background(), time.Time{}, time.Time{}, false, func(tributary.Item, error) bool { return true })
	if r.cl, _ = c.session(context.Background()); r.cl == nil {
		t.Fatal("no session")
	}
	for _, d := range got.Documents {
		if !strings.HasPrefix(d.ID, idOf("/folder 1")+"/") || strings.Contains(d.ID, "!/") {
			continue
		}
		var e entry
		p := d.Metadata["path"][0]
		if err := r.cl.rpc(context.Background(), "files/get_metadata", map[string]string{"path": p}, &e); err != nil {
			t.Fatal(err)
		}
		want, err := r.members("sharing/list_file_members", map[string]any{"file": e.ID, "include_inherited": true}, p)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(want.UserEmails, d.ExternalAccess.UserEmails) || !slices.Equal(want.GroupIDs, d.ExternalAccess.GroupIDs) {
			t.Errorf("%s: %+v, file members with inherited %+v", d.ID, d.ExternalAccess, want)
		}
	}
}
