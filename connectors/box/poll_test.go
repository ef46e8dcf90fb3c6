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

// itemsUnder returns the ids of the files directly in folder.
func itemsUnder(d *boxemu.Data, folder string) []string {
	var ids []string
	for _, it := range d.Items {
		if it.Parent == folder && !it.Folder {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

// TestPollReadsTheEventStream: a load stores the stream position; files
// moved, renamed, trashed and deleted and a folder trashed between runs
// make the next poll yield the moved file under its new parent, the
// renamed one again, and deletions of the trashed and deleted files and
// of every file the trashed folder held, each event once though Box
// repeats it.
func TestPollReadsTheEventStream(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{DuplicateEvents: true, StringPositions: true}, false)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	vals := &mapValues{m: map[string][]byte{}}
	ctx := tributary.WithValues(context.Background(), vals)
	first := connectortest.Collect(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil))
	if first.Err != nil || string(vals.m[positionKey]) != "0" {
		t.Fatalf("load: %v, position %q", first.Err, vals.m[positionKey])
	}
	folder0, folder1, sub1 := "100001", "100011", "100016"
	moved, renamed, trashed, deleted := itemsUnder(f.data, folder0)[0], itemsUnder(f.data, folder0)[1], itemsUnder(f.data, folder0)[2], itemsUnder(f.data, folder1)[0]
	f.emu.Move(moved, folder1)
	f.emu.Rename(renamed, "renamed.txt")
	f.emu.Trash(trashed)
	f.emu.Delete(deleted)
	f.emu.Trash(sub1)
	now := time.Now()
	got := connectortest.Collect(c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	if n := f.emu.Count("GET /2.0/folders/{id}/items"); n != 6 {
		// The load listed 5 folders a page each; the poll only the trashed one.
		t.Errorf("%d listings; want 6", n)
	}
	wantDeleted := []string{fileID(trashed), fileID(deleted)}
	for _, id := range itemsUnder(f.data, sub1) {
		wantDeleted = append(wantDeleted, fileID(id))
	}
	slices.Sort(wantDeleted)
	gotDeleted := slices.Clone(got.Deletions)
	slices.Sort(gotDeleted)
	if !slices.Equal(gotDeleted, wantDeleted) {
		t.Errorf("deletions %v, want %v", gotDeleted, wantDeleted)
	}
	docs := map[string]*tributary.Document{}
	for _, d := range got.Documents {
		if docs[d.ID] != nil {
			t.Errorf("%s yielded twice", d.ID)
		}
		docs[d.ID] = d
	}
	if d := docs[fileID(moved)]; d == nil || d.ParentID != folderID(folder1) || d.SemanticID != "Folder 1/note 0.txt" {
		t.Errorf("moved file: %+v", d)
	}
	if d := docs[fileID(renamed)]; d == nil || d.Title != "renamed.txt" {
		t.Errorf("renamed file: %+v", d)
	}
	if len(docs) != 2 {
		t.Errorf("%d documents, want the moved and the renamed", len(docs))
	}
	if string(vals.m[positionKey]) != "5" {
		t.Errorf("position after the poll: %q", vals.m[positionKey])
	}
	// Nothing changed since: the next poll reads one empty events page.
	again := connectortest.Collect(c.LoadFromCheckpoint(ctx, now, now.Add(time.Hour), nil))
	if again.Err != nil || len(again.Documents)+len(again.Deletions) != 0 {
		t.Errorf("quiet poll: %v, %d documents, %d deletions", again.Err, len(again.Documents), len(again.Deletions))
	}
}

// A folder moved out of the configured folders deletes its files; one
// moved in loads them, its node first.
func TestFoldersMovedInAndOut(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	s := f.settings()
	s.FolderIDs = []string{"100001"} // Folder 0 only
	c := f.connector(t, s, Credentials{}, f.env())
	vals := &mapValues{m: map[string][]byte{}}
	ctx := tributary.WithValues(context.Background(), vals)
	if got := connectortest.Collect(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil)); got.Err != nil || len(got.Documents) != 8 {
		t.Fatalf("load: %v, %d documents", got.Err, len(got.Documents))
	}
	f.emu.Move("100006", "0")      // Sub 0.1 leaves Folder 0
	f.emu.Move("100016", "100001") // Sub 1.1 comes in
	now := time.Now()
	got := connectortest.Collect(c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	var wantGone, wantNew []string
	for _, id := range itemsUnder(f.data, "100006") {
		wantGone = append(wantGone, fileID(id))
	}
	for _, id := range itemsUnder(f.data, "100016") {
		wantNew = append(wantNew, fileID(id))
	}
	slices.Sort(got.Deletions)
	if !slices.Equal(got.Deletions, wantGone) {
		t.Errorf("deletions %v, want %v", got.Deletions, wantGone)
	}
	if ids := docIDs(got); !slices.Equal(ids, wantNew) {
		t.Errorf("documents %v, want %v", ids, wantNew)
	}
	nodes := map[string]string{}
	for _, n := range got.Nodes {
		nodes[n.ID] = n.ParentID
	}
	if p, ok := nodes[folderID("100016")]; !ok || p != folderID("100001") {
		t.Errorf("moved-in folder's node: %v", got.Nodes)
	}
}
