package sharepoint

import (
	"context"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// memValues is a tributary.Values that stores puts at once.
type memValues struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (v *memValues) Get(_ context.Context, keys []string) (map[string][]byte, error) {
	v.mu.Lock()
	defer v.mu.Unlock()
	out := map[string][]byte{}
	for _, k := range keys {
		if b, ok := v.m[k]; ok {
			out[k] = b
		}
	}
	return out, nil
}

func (v *memValues) Put(key string, value []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil {
		v.m = map[string][]byte{}
	}
	v.m[key] = slices.Clone(value)
}

// TestDeltaBetweenRuns deletes, moves, edits and adds files between runs:
// the poll after a full load continues each library's delta from the link
// the load stored, so it yields the deletion, the moved file under its new
// parent (though its modification time is older than the window), and the
// edited and new files; nothing else is read again.
func TestDeltaBetweenRuns(t *testing.T) {
	f := newFixture(t, graphemu.GenerateOptions{FilesPerDrive: 12, Folders: 2, Seed: 3}, graphemu.Options{PageSize: 5})
	s := f.settings()
	s.PageSize = 5
	c := f.connector(t, s)
	vals := &memValues{}
	ctx := tributary.WithValues(t.Context(), vals)
	first := collect(ctx, c, time.Time{}, time.Time{}, nil)
	if first.Err != nil || len(first.Documents) != 12 {
		t.Fatalf("load: %v, %d documents", first.Err, len(first.Documents))
	}
	dr := f.data.Drives[0]
	if len(vals.m) != 1 || !strings.Contains(string(vals.m[deltaKey(dr.ID)]), "/root/delta?token=") {
		t.Fatalf("stored values %v", slices.Collect(maps.Keys(vals.m)))
	}
	files := dr.Files()
	var folder string
	for _, it := range dr.Items {
		if it.Folder && it.ParentID != "" {
			folder = it.ID
		}
	}
	start := time.Now().Add(-time.Second)
	var added *graphemu.Item
	f.emu.Update(func(d *graphemu.Data) {
		d.Delete(dr.ID, files[0].ID)
		d.Move(dr.ID, files[1].ID, folder)
		d.Touch(dr.ID, files[5].ID, []byte("edited"))
		added = d.AddItem(dr.ID, "", &graphemu.Item{ID: "01NEWFILE00000000000000000000000", Name: "new.txt", MimeType: "text/plain", Content: []byte("new")})
	})
	poll := collect(ctx, c, start, time.Now().Add(time.Hour), nil)
	if poll.Err != nil {
		t.Fatal(poll.Err)
	}
	if want := []string{fileID(dr.ID, files[0].ID)}; !slices.Equal(poll.Deletions, want) {
		t.Errorf("deletions %v, want %v", poll.Deletions, want)
	}
	got := map[string]*tributary.Document{}
	for _, d := range poll.Documents {
		got[d.ID] = d
	}
	for _, id := range []string{files[1].ID, files[5].ID, added.ID} {
		if got[fileID(dr.ID, id)] == nil {
			t.Errorf("poll missed %s; got %v", id, slices.Collect(maps.Keys(got)))
		}
	}
	if len(got) != 3 {
		t.Errorf("poll yielded %d documents, want 3", len(got))
	}
	if d := got[fileID(dr.ID, files[1].ID)]; d != nil && d.ParentID != fileID(dr.ID, folder) {
		t.Errorf("moved file has parent %s, want %s", d.ParentID, fileID(dr.ID, folder))
	}
	if d := got[fileID(dr.ID, files[5].ID)]; d != nil && d.Sections[0].Text != "edited" {
		t.Errorf("edited file reads %q", d.Sections[0].Text)
	}

	// An expired delta token (410 resyncRequired) reads the library again:
	// the window's documents, no error, and a new link stored.
	old := string(vals.m[deltaKey(dr.ID)])
	f.emu.Update(func(d *graphemu.Data) { d.ExpireDeltaTokens(dr.ID) })
	again := collect(ctx, c, start, time.Now().Add(time.Hour), nil)
	if again.Err != nil || len(again.Documents) != 2 {
		t.Fatalf("after 410: %v, %d documents (want the edited and the new file)", again.Err, len(again.Documents))
	}
	if string(vals.m[deltaKey(dr.ID)]) == old {
		t.Error("the expired delta link was kept")
	}
	if n := f.emu.CountStatus(410); n != 1 {
		t.Errorf("%d answers 410, want 1", n)
	}
}
