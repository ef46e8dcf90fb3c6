package file

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/unicode/norm"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/fixture"
)

// refetched ranges over a Refetch call, checking that every asked id is
// answered once and every document comes after its folder's node; it
// returns the answers by id (a document under another id than asked is
// kept under its own) and the node ids in order.
func refetched(t *testing.T, c *Connector, ids ...string) (map[string]tributary.Item, []string) {
	t.Helper()
	r := connectortest.CollectRefetch(t, context.Background(), c, ids...)
	r.Parented(t)
	return r.Once(t, ids...), r.Nodes
}

func TestRefetchReadsFilesAsLoadDoes(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t)
	loaded := load(t, c)
	var ids []string
	ids = append(ids, tr.docs...)
	for id := range tr.failures {
		if f := loaded.failures[id]; f != nil && f.DocumentID != "" {
			ids = append(ids, id) // folder failures are no document's
		}
	}
	got, nodes := refetched(t, c, ids...)
	require.Len(t, got, len(ids))
	for _, id := range tr.docs {
		d := got[id].Document
		if assert.NotNil(t, d, "%s: %+v", id, got[id]) {
			assert.Equal(t, loaded.docs[id].ContentHash(), d.ContentHash(), "%s as Load gave it", id)
		}
	}
	for id, kind := range tr.failures {
		if f := loaded.failures[id]; f == nil || f.DocumentID == "" {
			continue
		}
		if f := got[id].Failure; assert.NotNil(t, f, "%s fails again: %+v", id, got[id]) {
			assert.ErrorIs(t, f, kind, id)
		}
	}
	seen := map[string]bool{}
	for _, n := range nodes {
		assert.False(t, seen[n], "node %s yielded once", n)
		seen[n] = true
	}
}

func TestRefetchDeletesWhatIsGoneOrLeftOut(t *testing.T) {
	tr := newTree(t)
	at := func(rel string) string { return filepath.Join(tr.root, filepath.FromSlash(rel)) }
	bundle := docID("share", "archives/bundle.zip")
	require.NoError(t, os.Remove(at("docs/config.json")))
	require.NoError(t, os.RemoveAll(at("data")))
	require.NoError(t, os.Remove(at("notes")))
	require.NoError(t, os.MkdirAll(at("notes"), 0o755)) // a file became a folder
	writeFile(t, tr.root, "notes/inside.txt", []byte("not read"))
	writeFile(t, tr.root, "archives/bundle.zip", fixture.Zip(fixture.Entry{Name: "sub/b.md", Data: []byte("# B again\n")}))
	c := tr.connector(t, func(s *Settings) { s.Exclude = []string{"**/.*", "office/**", "**/*.tsv"} })
	gone := []string{
		docID("share", "docs/config.json"),        // removed
		docID("share", "data/people.csv"),         // its folder removed
		docID("share", "notes"),                   // now a folder
		docID("share", "blob"),                    // skipped: binary content
		docID("share", "photos/cat.png"),          // skipped by name
		docID("share", "office/plan.docx"),        // excluded folder
		docID("share", "encodings/latin1.txt.gz"), // never there
		entryID(bundle, "a.txt"),                  // gone from its archive
		entryID(entryID(bundle, "inner.zip"), "c.txt"),
	}
	kept := entryID(bundle, "sub/b.md")
	got, _ := refetched(t, c, append(gone, kept)...)
	for _, id := range gone {
		assert.Equal(t, id, got[id].Deletion, "%s is a deletion: %+v", id, got[id])
	}
	if d := got[kept].Document; assert.NotNil(t, d) {
		assert.Contains(t, d.Sections[0].Text, "B again")
	}
	assert.Len(t, got, len(gone)+1, "nothing else of the archive or the folder")
}

func TestRefetchRefusesIDsOutsideTheRoots(t *testing.T) {
	tr := newTree(t)
	c := tr.connector(t)
	foreign := []string{
		"file://other/README.md",
		"https://example.com/README.md",
		"file:///etc/passwd",
		"file://share//etc/passwd",
		"file://share/../outside/secret.txt",
		"file://share/docs/../README.md",
		"file://share/docs/./config.json",
		"file://share/docs/%2E%2E/README.md",
		"file://share/docs%2Fconfig.json",
		"file://share/README%2Emd",
		"file://share/docs/config.json/",
		"file://share/",
		"file://share",
		"file://share/names/100%25 done%21.txt!/",
		"file://share/a%00b",
		"file://share/links/escape-dir/secret.txt", // a folder link out of the root
		"file://share/links/escape.txt",            // a file link out of the root
		"hr-handbook",                              // a side file's id names no path
		"",
	}
	got, nodes := refetched(t, c, foreign...)
	assert.Empty(t, nodes)
	for _, id := range foreign {
		f := got[id].Failure
		if assert.NotNil(t, f, "%q: %+v", id, got[id]) {
			assert.True(t, errors.Is(f, tributary.ErrForeignURL), "%q: %v", id, f)
			assert.NotContains(t, f.Error(), "outside the root\"", "nothing outside is read")
		}
	}
	assert.ErrorIs(t, got["file://share/links/escape.txt"].Failure, ErrOutsideRoot)

	// The escaped name itself is one of the connector's.
	id := docID("share", "names/100% done!.txt")
	got, _ = refetched(t, c, id)
	assert.NotNil(t, got[id].Document)
}

func TestRefetchFindsNamesInAnotherUnicodeForm(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, norm.NFD.String("café/crème.txt"), []byte("décomposé"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	id := "file://r/" + norm.NFC.String("café/crème.txt")
	require.Equal(t, []string{id}, load(t, c).ids())
	got, _ := refetched(t, c, id)
	assert.NotNil(t, got[id].Document, "%+v", got[id])
}

func TestRefetchFollowsTheSideFile(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "hr/handbook.md", []byte("# Handbook\n"))
	writeFile(t, root, "hr/other.md", []byte("# Other\n"))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	writeFile(t, root, "hr/"+MetadataFile, []byte(`{"files": {"handbook.md": {"id": "hr-handbook", "title": "Employee handbook"}, "other.md": {"title": "Other things"}}}`))
	writeFile(t, root, "bad/x.md", []byte("# X\n"))
	writeFile(t, root, "bad/"+MetadataFile, []byte(`{"files": {"x.md": {"titel": "typo"}}}`))
	var order []string
	for it, err := range c.Refetch(context.Background(), []string{"file://r/hr/handbook.md", "file://r/hr/other.md", "file://r/bad/x.md"}) {
		require.NoError(t, err)
		switch {
		case it.Document != nil:
			order = append(order, "doc "+it.Document.ID+" "+it.Document.Title)
		case it.Deletion != "":
			order = append(order, "del "+it.Deletion)
		case it.Failure != nil:
			t.Errorf("unexpected failure %v", it.Failure)
		}
	}
	assert.Equal(t, []string{"doc hr-handbook Employee handbook", "del file://r/hr/handbook.md", "doc file://r/hr/other.md Other things",
		"doc file://r/bad/x.md X"}, order, "a malformed side file is passed over, as in Load")
}

func TestRefetchFailsWhatCannotBeRead(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "big.txt", make([]byte, 2048))
	writeFile(t, root, "private.txt", []byte("x"))
	require.NoError(t, os.Chmod(filepath.Join(root, "private.txt"), 0))
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}, MaxFileSize: 1024}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	ids := []string{"file://r/big.txt"}
	if os.Geteuid() != 0 {
		ids = append(ids, "file://r/private.txt")
	}
	got, _ := refetched(t, c, ids...)
	assert.ErrorIs(t, got["file://r/big.txt"].Failure, ErrTooLarge)
	if len(ids) > 1 {
		assert.ErrorIs(t, got["file://r/private.txt"].Failure, os.ErrPermission)
	}
}

func TestRefetchEndsWhenTheRootIsGone(t *testing.T) {
	root := filepath.Join(t.TempDir(), "r")
	writeFile(t, root, "a.txt", []byte("a"))
	c, err := New(Settings{Roots: []Root{{Path: root}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(root))
	var errs int
	for it, err := range c.Refetch(context.Background(), []string{"file://r/a.txt", "file://r/b.txt"}) {
		if err == nil {
			t.Errorf("unexpected item %+v: a missing root deletes nothing", it)
			continue
		}
		errs++
		assert.ErrorIs(t, err, tributary.ErrNotFound)
	}
	assert.Equal(t, 1, errs)

	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range c.Refetch(ctx, []string{"file://r/a.txt"}) {
		assert.ErrorIs(t, err, context.Canceled)
	}
}

// The runner fetches a file that failed in one run again at the start of
// a later one, through Refetch, although the poll's window does not hold
// it.
func TestRunnerFetchesFailedFilesAgain(t *testing.T) {
	root := t.TempDir()
	writeFile(t, root, "ok.md", []byte("# Fine\n"))
	writeFile(t, root, "sub/bad.json", []byte(`{"unterminated": `))
	old := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, rel := range []string{"ok.md", "sub/bad.json"} {
		require.NoError(t, os.Chtimes(filepath.Join(root, filepath.FromSlash(rel)), old, old))
	}
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(t, err)
	now := time.Now().Add(time.Hour) // after every change time the test makes
	sink := &connectortest.Sink{}
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: sink, Now: func() time.Time { return now },
		Retry: tributary.RetryPolicy{Backoff: time.Hour}}
	res, err := r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Failures)
	assert.Equal(t, []string{"file://r/ok.md"}, sink.IDs())

	writeFile(t, root, "sub/bad.json", []byte(`{"fixed": true}`))
	require.NoError(t, os.Chtimes(filepath.Join(root, "sub", "bad.json"), old, old))
	sink.Reset()
	now = now.Add(2 * time.Hour)
	res, err = r.Run(context.Background(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, 1, res.Retried)
	assert.Equal(t, []string{"file://r/sub/bad.json"}, sink.IDs())
}

// FuzzRefetchID: no id makes parseID panic, and an id it accepts names a
// path below its root, never one that climbs out or is absolute.
func FuzzRefetchID(f *testing.F) {
	for _, s := range []string{"file://r/a.txt", "file://r/a.zip!/b/../c", "file://r/../x", "file://r//x", "file://r/%2e%2e",
		"file://r/a%00", "file://r/100%25 done%21.txt", "file://r/caf\u00e9.txt", "file:///etc/passwd", "x"} {
		f.Add(s)
	}
	root := f.TempDir()
	c, err := New(Settings{Roots: []Root{{Path: root, Name: "r"}}}, Credentials{}, tributary.Env{})
	require.NoError(f, err)
	f.Fuzz(func(t *testing.T, id string) {
		tg, err := c.parseID(id)
		if err != nil {
			assert.ErrorIs(t, err, tributary.ErrForeignURL)
			return
		}
		assert.True(t, id == tg.fileID || strings.HasPrefix(id, tg.fileID+"!/"), "%q within %q", id, tg.fileID)
		assert.False(t, filepath.IsAbs(tg.rel) || strings.HasPrefix(tg.rel, "/"), "%q", tg.rel)
		for seg := range strings.SplitSeq(tg.rel, "/") {
			assert.NotContains(t, []string{"", ".", ".."}, seg, "%q", tg.rel)
		}
	})
}
