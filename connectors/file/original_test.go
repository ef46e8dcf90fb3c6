package file_test

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/blobdir"
	"github.com/tributary-dev/tributary/connectors/file"
	"github.com/tributary-dev/tributary/internal/fixture"
)

// originals runs the connector over root with keep_originals as given and
// returns the documents delivered by id.
func originals(t *testing.T, root string, keep bool, r *tributary.Runner) (map[string]*tributary.Document, tributary.Result, error) {
	t.Helper()
	c, err := file.New(file.Settings{Roots: []file.Root{{Path: root, Name: "share"}}, OpenArchives: true, KeepOriginals: keep},
		file.Credentials{}, tributary.Env{})
	require.NoError(t, err)
	got := map[string]*tributary.Document{}
	r.Store = &tributary.MemoryStore{}
	r.Sink = tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
		for _, d := range b.Documents {
			got[d.ID] = d
		}
		return nil
	})
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	return got, res, err
}

func TestKeepOriginals(t *testing.T) {
	root := t.TempDir()
	notes := []byte("# Notes\n\nPlain words.\n")
	xlsx := fixture.XLSX([]string{"Budget"}, map[string][][]string{"Budget": {{"item", "cost"}, {"Rent", "1200"}}})
	inner := []byte("inside the archive\n")
	zip := fixture.Zip(fixture.Entry{Name: "docs/inner.txt", Data: inner})
	for name, data := range map[string][]byte{"notes.md": notes, "budget.xlsx": xlsx, "bundle.zip": zip, "empty.txt": nil} {
		require.NoError(t, os.WriteFile(filepath.Join(root, name), data, 0o644))
	}
	dir, err := blobdir.Open(filepath.Join(t.TempDir(), "blobs"))
	require.NoError(t, err)

	docs, res, err := originals(t, root, true, &tributary.Runner{Blobs: dir})
	require.NoError(t, err)
	read := func(id string) []byte {
		b, err := os.ReadFile(filepath.Join(dir.Path(), id))
		require.NoError(t, err)
		return b
	}
	last := func(d *tributary.Document) tributary.Section { return d.Sections[len(d.Sections)-1] }

	md := docs["file://share/notes.md"]
	require.NotNil(t, md)
	require.Len(t, md.Sections, 2)
	orig := last(md)
	assert.Equal(t, file.SectionFile, orig.Kind)
	assert.Equal(t, "notes.md", orig.Heading)
	assert.Empty(t, orig.Text)
	assert.Equal(t, md.Sections[0].Link, orig.Link)
	assert.Equal(t, notes, read(orig.BlobID))
	assert.Equal(t, ".md", filepath.Ext(orig.BlobID))

	book := docs["file://share/budget.xlsx"]
	require.NotNil(t, book)
	require.Len(t, book.Sections, 2, "the sheet, then the file")
	assert.Equal(t, "item,cost\nRent,1200\n", string(read(book.Sections[0].BlobID)), "the sheet's CSV")
	assert.Equal(t, xlsx, read(last(book).BlobID))

	entry := docs["file://share/bundle.zip!/docs/inner.txt"]
	require.NotNil(t, entry)
	assert.Equal(t, "inner.txt", last(entry).Heading)
	assert.Equal(t, inner, read(last(entry).BlobID), "an archive entry's original is the entry")

	for _, s := range docs["file://share/empty.txt"].Sections {
		assert.NotEqual(t, file.SectionFile, s.Kind, "an empty file has no bytes to keep")
	}
	assert.EqualValues(t, 4, res.Blobs, "three originals and one sheet")

	// Off by default, and nothing without a BlobSink.
	docs, _, err = originals(t, root, false, &tributary.Runner{Blobs: dir})
	require.NoError(t, err)
	assert.Len(t, docs["file://share/notes.md"].Sections, 1)
	docs, res, err = originals(t, root, true, &tributary.Runner{})
	require.NoError(t, err)
	assert.Len(t, docs["file://share/notes.md"].Sections, 1)
	assert.Zero(t, res.Blobs)
}

// An original over Runner.MaxBlobBytes is a skip, not a failure: the
// document is delivered without it.
func TestKeepOriginalsTooLarge(t *testing.T) {
	root := t.TempDir()
	big := make([]byte, 4096)
	for i := range big {
		big[i] = 'a' + byte(i%26)
	}
	require.NoError(t, os.WriteFile(filepath.Join(root, "big.txt"), big, 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(root, "small.txt"), []byte("small"), 0o644))
	var kept []tributary.Blob
	sink := tributary.BlobSinkFunc(func(_ context.Context, b tributary.Blob) (string, error) {
		kept = append(kept, b)
		return "blob-" + b.Name, nil
	})
	docs, res, err := originals(t, root, true, &tributary.Runner{Blobs: sink, MaxBlobBytes: 1024})
	require.NoError(t, err)
	assert.Zero(t, res.Failures)
	assert.EqualValues(t, 1, res.Skipped)
	require.Len(t, kept, 1)
	assert.Equal(t, "small.txt", kept[0].Name)
	assert.Equal(t, "text/plain", kept[0].MediaType)
	assert.Equal(t, "file://share/small.txt", kept[0].DocumentID)
	require.Len(t, docs["file://share/big.txt"].Sections, 1, "delivered without its original")
	assert.Equal(t, "blob-small.txt", docs["file://share/small.txt"].Sections[1].BlobID)
}

// Storage that fails ends the run rather than failing the document.
func TestKeepOriginalsStorageFails(t *testing.T) {
	root := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(root, "a.txt"), []byte("words"), 0o644))
	_, _, err := originals(t, root, true, &tributary.Runner{Blobs: tributary.BlobSinkFunc(func(context.Context, tributary.Blob) (string, error) {
		return "", errors.New("disk full")
	})})
	require.ErrorContains(t, err, "disk full")
}

func TestKeepOriginalsSetting(t *testing.T) {
	var s file.Settings
	s.SetDefaults()
	require.NoError(t, json.Unmarshal([]byte(`{"roots":[{"path":"/srv"}],"keep_originals":true}`), &s))
	assert.True(t, s.KeepOriginals)
	assert.True(t, s.OpenArchives)
}
