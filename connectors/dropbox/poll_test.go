package dropbox

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/dropboxemu"
)

// mapValues keeps Values in memory, every Put visible to the next run.
type mapValues struct {
	mu sync.Mutex
	m  map[string][]byte
}

func (v *mapValues) Get(_ context.Context, keys []string) (map[string][]byte, error) {
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

func (v *mapValues) Put(key string, value []byte) {
	v.mu.Lock()
	defer v.mu.Unlock()
	v.m[key] = value
}

// TestPollDeletionsFromCursor: a load stores the latest cursor; the next
// poll reads the changes since it and yields the deleted file, and a
// renamed file under its new id although its server_modified is old.
func TestPollDeletionsFromCursor(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 3}, dropboxemu.Options{}, false)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	vals := &mapValues{m: map[string][]byte{}}
	ctx := tributary.WithValues(context.Background(), vals)
	first := connectortest.Collect(c.LoadFromCheckpoint(ctx, time.Time{}, time.Time{}, nil))
	if first.Err != nil || len(vals.m[cursorKey]) == 0 {
		t.Fatalf("load: %v, cursor %q", first.Err, vals.m[cursorKey])
	}
	f.emu.Delete(false, "/Folder 1/note 0.txt")
	f.emu.Delete(false, "/Folder 0/note 0.txt")
	f.emu.Put(&dropboxemu.Entry{Path: "/Folder 0/renamed.txt", Content: []byte("moved here"), ServerModified: dropboxemu.Base})
	now := dropboxemu.Base.AddDate(1, 0, 0)
	got := connectortest.Collect(c.LoadFromCheckpoint(ctx, now.Add(-time.Hour), now, nil))
	if got.Err != nil {
		t.Fatal(got.Err)
	}
	want := map[string]bool{idOf("/folder 1/note 0.txt"): true, idOf("/folder 0/note 0.txt"): true}
	for _, id := range got.Deletions {
		delete(want, id)
	}
	if len(want) > 0 {
		t.Errorf("deletions %v, missing %v", got.Deletions, want)
	}
	if len(got.Documents) != 1 || got.Documents[0].ID != idOf("/folder 0/renamed.txt") {
		t.Errorf("documents %v", got.Documents)
	}
}

// TestChildrenFirstNodes: a listing that gives files before their
// folders still yields every folder's node before what it holds.
func TestChildrenFirstNodes(t *testing.T) {
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 2, FilesPerFolder: 2}, dropboxemu.Options{ChildrenFirst: true}, false)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	seen := map[string]bool{}
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		if err != nil {
			t.Fatal(err)
		}
		switch {
		case it.Node != nil:
			if it.Node.ParentID != "" && !seen[it.Node.ParentID] {
				t.Fatalf("node %s before its parent", it.Node.ID)
			}
			seen[it.Node.ID] = true
		case it.Document != nil && !seen[it.Document.ParentID]:
			t.Fatalf("document %s before its folder", it.Document.ID)
		}
	}
}

// TestLoadTenThousand lists a folder of 10,000 files in pages of 2000:
// checkpoints stay small and the heap flat.
func TestLoadTenThousand(t *testing.T) {
	if raceEnabled || testing.Short() {
		t.Skip("10,000 files: run without -race")
	}
	f := newFixture(t, dropboxemu.GenerateOptions{Folders: 50, FilesPerFolder: 100}, dropboxemu.Options{}, false)
	f.emu.LimitLog(100)
	c := f.connector(t, f.settings(), Credentials{}, f.env())
	var ms runtime.MemStats
	docs, maxCP, maxHeap := 0, 0, uint64(0)
	for it, err := range c.LoadFromCheckpoint(context.Background(), time.Time{}, time.Time{}, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if it.Document != nil {
			docs++
		}
		if it.Checkpoint != nil {
			maxCP = max(maxCP, len(it.Checkpoint))
			runtime.GC()
			runtime.ReadMemStats(&ms)
			maxHeap = max(maxHeap, ms.HeapAlloc)
		}
	}
	t.Logf("%d documents, largest checkpoint %d bytes, largest heap %d MiB", docs, maxCP, maxHeap>>20)
	if docs != 10000+1 {
		t.Errorf("%d documents", docs)
	}
	if maxCP > 1024 {
		t.Errorf("checkpoint of %d bytes", maxCP)
	}
}
