package dropbox

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

// TestPollDeletedFolder: Dropbox's changes name a deleted folder alone;
// the poll still deletes every file it held, subfolders included, by
// listing the deleted folder with include_deleted.
func TestPollDeletedFolder(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 3, FilesPerFolder: 3}, dropboxemu.Options{}, false)
	s := f.settings()
	s.PageSize = 2 // the deleted folder's listing takes several pages
	c := f.connector(t, s, Credentials{}, f.env())
	vals := &mapValues{m: map[string][]byte{}}
	ctx := tributary.WithValues(context.Background(), vals)
	first := connectortest.Collect(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil))
	if first.Err != nil {
		t.Fatal(first.Err)
	}
	var want []string
	for _, d := range first.Documents {
		if strings.HasPrefix(d.ID, idOf("/folder 1")+"/") {
			want = append(want, d.ID)
		}
	}
	if len(want) != 6 {
		t.Fatalf("%d documents under /Folder 1", len(want))
	}
	f.emu.Delete(false, "/Folder 1")
	f.emu.Delete(false, "/Folder 2/note 0.txt")
	want = append(want, idOf("/folder 1"), idOf("/folder 1/sub"), idOf("/folder 2/note 0.txt"))
	now := dropboxemu.Base.AddDate(1, 0, 0)
	got := connectortest.Collect(c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	slices.Sort(want)
	deleted := slices.Clone(got.Deletions)
	slices.Sort(deleted)
	deleted = slices.Compact(deleted)
	if !slices.Equal(want, deleted) {
		t.Errorf("deletions\n%v\nwant\n%v", deleted, want)
	}
}

// TestPollDeletedFolderTenThousand deletes a folder of 10,000 files: the
// poll yields every deletion from a listing read page by page, with small
// checkpoints and a flat heap.
func TestPollDeletedFolderTenThousand(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("10,000 files: run without -race")
	}
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 1, FilesPerFolder: 5000}, dropboxemu.Options{}, false)
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	vals := &mapValues{m: map[string][]byte{}}
	ctx := tributary.WithValues(context.Background(), vals)
	if got := connectortest.Collect(c.LoadFromCheckpoint(ctx, dropboxemu.Base.AddDate(5, 0, 0), time.Time{}, nil)); got.Err != nil {
		t.Fatal(got.Err)
	}
	f.emu.Delete(false, "/Folder 0")
	now := dropboxemu.Base.AddDate(6, 0, 0)
	var ms runtime.MemStats
	deletions, maxCP, maxHeap := 0, 0, uint64(0)
	for it, err := range c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Deletion != "" {
			deletions++
			if deletions%2000 == 0 {
				runtime.GC()
				runtime.ReadMemStats(&ms)
				maxHeap = max(maxHeap, ms.HeapAlloc)
			}
		}
		if it.Checkpoint != nil {
			maxCP = max(maxCP, len(it.Checkpoint))
		}
	}
	t.Logf("%d deletions, largest checkpoint %d bytes, largest heap %d MiB", deletions, maxCP, maxHeap>>20)
	if want := 10000 + 3; deletions != want { // the files, the paper doc, the folder and its subfolder
		t.Errorf("%d deletions, want %d", deletions, want)
	}
	if maxCP > 1024 {
		t.Errorf("checkpoint of %d bytes", maxCP)
	}
}

// A deleted archive's entries are deleted too, whether the archive or
// its folder was deleted: its last revision is read again to list them.
func TestPollDeletedArchive(t *testing.T) {
	for _, gone := range []string{"/Folder 1/Bundle.zip", "/Folder 1"} {
		f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 1}, dropboxemu.Options{}, true)
		c := f.connector(t, f.settings(), Credentials{}, f.env())
		vals := &mapValues{m: map[string][]byte{}}
		ctx := tributary.WithValues(context.Background(), vals)
		if got := connectortest.Collect(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil)); got.Err != nil {
			t.Fatal(got.Err)
		}
		f.emu.Delete(false, gone)
		now := dropboxemu.Base.AddDate(1, 0, 0)
		got := connectortest.Collect(c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil))
		if got.Err != nil {
			t.Fatal(got.Err)
		}
		zipID := idOf("/folder 1/bundle.zip")
		for _, want := range append([]string{zipID}, zipID+bundleEntries[0], zipID+bundleEntries[1]) {
			if !slices.Contains(got.Deletions, want) {
				t.Errorf("%s deleted: %s not among the deletions %v", gone, want, got.Deletions)
			}
		}
	}
}
