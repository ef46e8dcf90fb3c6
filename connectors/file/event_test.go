package file

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/tributary-dev/tributary"
)

// items runs HandleEvent and sorts what it yields into documents,
// deletions and failures (as ids).
func items(t *testing.T, c *Connector, key string) (docs, deletions, failures []string) {
	t.Helper()
	for it, err := range c.HandleEvent(context.Background(), tributary.Event{Type: tributary.EventChanged, Key: key}) {
		require.NoError(t, err)
		switch it.Kind() {
		case tributary.ItemDocument:
			docs = append(docs, it.Document.ID)
		case tributary.ItemDeletion:
			deletions = append(deletions, it.Deletion)
		case tributary.ItemFailure:
			failures = append(failures, it.Failure.DocumentID+it.Failure.EntityID)
		case tributary.ItemNode:
		default:
			t.Fatalf("unexpected item %v", it.Kind())
		}
	}
	return docs, deletions, failures
}

func TestHandleEvent(t *testing.T) {
	base := t.TempDir()
	root := filepath.Join(base, "root")
	writeFile(t, root, "a.md", []byte("# A"))
	writeFile(t, root, "dir/b.md", []byte("# B"))
	writeFile(t, root, "dir/sub/c.md", []byte("# C"))
	writeFile(t, root, "dir/"+MetadataFile, []byte(`{"files": {"b.md": {"id": "custom-b"}}}`))
	writeFile(t, base, "outside.txt", []byte("x"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	at := func(rel string) string { return filepath.Join(root, filepath.FromSlash(rel)) }

	docs, dels, fails := items(t, c, at("a.md"))
	assert.Equal(t, []string{"file://r/a.md"}, docs)
	assert.Empty(t, dels)
	assert.Empty(t, fails)

	docs, _, _ = items(t, c, at("dir/b.md"))
	assert.Equal(t, []string{"custom-b"}, docs, "a side file's id applies to events too")

	// A changed side file re-yields its folder's files, not its subfolders'.
	docs, _, _ = items(t, c, at("dir/"+MetadataFile))
	assert.Equal(t, []string{"custom-b"}, docs)

	// A folder that appears yields everything below it.
	writeFile(t, root, "new/x.txt", []byte("x"))
	writeFile(t, root, "new/deeper/y.txt", []byte("y"))
	docs, _, _ = items(t, c, at("new"))
	assert.Equal(t, []string{"file://r/new/deeper/y.txt", "file://r/new/x.txt"}, docs)

	require.NoError(t, os.Remove(at("a.md")))
	docs, dels, _ = items(t, c, at("a.md"))
	assert.Empty(t, docs)
	assert.Equal(t, []string{"file://r/a.md"}, dels)

	require.NoError(t, os.Remove(at("dir/b.md")))
	_, dels, _ = items(t, c, at("dir/b.md"))
	assert.Equal(t, []string{"custom-b"}, dels, "deletion uses the id the side file gave")

	require.NoError(t, os.RemoveAll(at("new")))
	_, dels, _ = items(t, c, at("new/deeper/y.txt"))
	assert.Equal(t, []string{"file://r/new/deeper/y.txt"}, dels)

	symlink(t, filepath.Join(base, "outside.txt"), root, "escape.txt")
	docs, _, fails = items(t, c, at("escape.txt"))
	assert.Empty(t, docs)
	assert.Equal(t, []string{"file://r/escape.txt"}, fails)

	_, _, fails = items(t, c, filepath.Join(base, "outside.txt"))
	assert.Len(t, fails, 1, "an event under no root is reported")

	writeFile(t, root, ".git/HEAD", []byte("ref"))
	docs, dels, fails = items(t, c, at(".git/HEAD"))
	assert.Empty(t, slices.Concat(docs, dels, fails), "excluded paths yield nothing")
}

func TestWatch(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "existing/a.txt", []byte("a"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	ready := make(chan struct{})
	c.onWatching = func() { close(ready) }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	go func() {
		<-ready
		_ = os.WriteFile(filepath.Join(root, "existing", "new.txt"), []byte("new"), 0o644)
	}()
	target := filepath.Join(root, "existing", "new.txt")
	var got []tributary.Event
	for ev, err := range c.Watch(ctx) {
		require.NoError(t, err, "watch ended before the event arrived")
		got = append(got, ev)
		if ev.Key == target {
			break
		}
	}
	require.NotEmpty(t, got)
	ev := got[len(got)-1]
	assert.Equal(t, target, ev.Key)
	assert.Contains(t, []tributary.EventType{tributary.EventCreated, tributary.EventChanged}, ev.Type)
	docs, _, _ := items(t, c, ev.Key)
	assert.Equal(t, []string{"file://r/existing/new.txt"}, docs)
}
