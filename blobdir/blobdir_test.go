package blobdir_test

import (
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/blobdir"
)

func TestPutBlob(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "out.jsonl.blobs")
	d, err := blobdir.Open(dir)
	require.NoError(t, err)
	png := tributary.Blob{DocumentID: "file://a/report.docx", Name: "word/media/image1.PNG", MediaType: "image/png", Data: []byte("\x89PNG fake")}
	id, err := d.PutBlob(t.Context(), png)
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{64}\.png$`, id)
	got, err := os.ReadFile(filepath.Join(dir, id))
	require.NoError(t, err)
	assert.Equal(t, png.Data, got)

	again, err := d.PutBlob(t.Context(), png)
	require.NoError(t, err)
	assert.Equal(t, id, again, "the same bytes give the same id")

	csv, err := d.PutBlob(t.Context(), tributary.Blob{MediaType: "text/csv; charset=utf-8", Data: []byte("a,b\n1,2\n")})
	require.NoError(t, err)
	assert.Regexp(t, `\.csv$`, csv)
	odd, err := d.PutBlob(t.Context(), tributary.Blob{Name: "../../etc/x.p/ng", MediaType: "application/x-unknown", Data: []byte{1}})
	require.NoError(t, err)
	assert.Regexp(t, `^[0-9a-f]{64}\.bin$`, odd, "a name never reaches the path")

	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	assert.Len(t, entries, 3, "no temporary file is left behind")
}

func TestPutBlobConcurrently(t *testing.T) {
	d, err := blobdir.Open(t.TempDir())
	require.NoError(t, err)
	var wg sync.WaitGroup
	ids := make([]string, 8)
	for i := range ids {
		wg.Go(func() {
			id, err := d.PutBlob(t.Context(), tributary.Blob{MediaType: "image/gif", Data: []byte("GIF89a same")})
			assert.NoError(t, err)
			ids[i] = id
		})
	}
	wg.Wait()
	for _, id := range ids {
		assert.Equal(t, ids[0], id)
	}
	entries, err := os.ReadDir(d.Path())
	require.NoError(t, err)
	assert.Len(t, entries, 1)
}

func TestNoFolderWithoutBlobs(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "blobs")
	_, err := blobdir.Open(dir)
	require.NoError(t, err)
	_, err = os.Stat(dir)
	assert.ErrorIs(t, err, os.ErrNotExist)
}

func TestOpenRefusesAFile(t *testing.T) {
	f := filepath.Join(t.TempDir(), "file")
	require.NoError(t, os.WriteFile(f, nil, 0o644))
	_, err := blobdir.Open(f)
	require.Error(t, err)
}

func TestIDIsPutBlobsName(t *testing.T) {
	d, err := blobdir.Open(t.TempDir())
	require.NoError(t, err)
	for _, b := range []tributary.Blob{
		{Name: "word/media/image1.PNG", MediaType: "image/png", Data: []byte("a")},
		{Name: "", MediaType: "text/csv; charset=utf-8", Data: []byte("a,b\n")},
		{Name: "x.weird-ext", MediaType: "application/x-unknown", Data: nil},
	} {
		id, err := d.PutBlob(t.Context(), b)
		require.NoError(t, err)
		assert.Equal(t, blobdir.ID(b), id)
	}
	assert.Equal(t, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb.png",
		blobdir.ID(tributary.Blob{Name: "image1.PNG", Data: []byte("a")}))
	assert.Equal(t, "ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb.csv",
		blobdir.ID(tributary.Blob{MediaType: "text/csv; charset=utf-8", Data: []byte("a")}))
}
