package pgsink_test

import (
	"bytes"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/blobdir"
	"github.com/tributary-dev/tributary/connectors/mock"
	"github.com/tributary-dev/tributary/internal/pgtest"
)

func TestPutBlob(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	png := tributary.Blob{DocumentID: "file://a/report.docx", Name: "word/media/image1.PNG", MediaType: "image/png", Data: []byte("\x89PNG\x00fake")}
	id, err := s.PutBlob(t.Context(), png)
	require.NoError(t, err)
	assert.Equal(t, blobdir.ID(png), id, "ids agree with the folder's")

	// The same bytes from another document store nothing new.
	again := png
	again.DocumentID = "file://a/copy.docx"
	id2, err := s.PutBlob(t.Context(), again)
	require.NoError(t, err)
	assert.Equal(t, id, id2)
	assert.Equal(t, []int64{1}, query[int64](t, u, `SELECT count(*) FROM tributary_blobs`))

	got, found, err := s.Blob(t.Context(), id)
	require.NoError(t, err)
	require.True(t, found)
	assert.Equal(t, png.Data, got.Data)
	assert.Equal(t, "image/png", got.MediaType)
	assert.Equal(t, "word/media/image1.PNG", got.Name)
	assert.Equal(t, []int64{int64(len(png.Data))}, query[int64](t, u, `SELECT size FROM tributary_blobs WHERE id = $1`, id))

	_, found, err = s.Blob(t.Context(), "nothing.png")
	require.NoError(t, err)
	assert.False(t, found)

	// Empty bytes, and a name and media type PostgreSQL's text cannot hold.
	empty := tributary.Blob{Name: "e\x00.csv", MediaType: "text/csv\xff", Data: nil}
	id, err = s.PutBlob(t.Context(), empty)
	require.NoError(t, err)
	got, found, err = s.Blob(t.Context(), id)
	require.NoError(t, err)
	require.True(t, found)
	assert.Empty(t, got.Data)
}

// TestPutBlobConcurrently: workers with sinks of their own putting the
// same bytes at once store one row, and all get its id.
func TestPutBlobConcurrently(t *testing.T) {
	u := pgtest.Schema(t)
	sinks := []tributary.BlobSink{open(t, u), open(t, u)}
	b := tributary.Blob{Name: "table.csv", MediaType: "text/csv", Data: bytes.Repeat([]byte("a,b\n"), 1000)}
	ids := make([]string, 12)
	errs := make([]error, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i := range ids {
		wg.Go(func() {
			<-start
			ids[i], errs[i] = sinks[i%2].PutBlob(t.Context(), b)
		})
	}
	close(start)
	wg.Wait()
	for i := range ids {
		require.NoError(t, errs[i])
		assert.Equal(t, blobdir.ID(b), ids[i])
	}
	assert.Equal(t, []int64{1}, query[int64](t, u, `SELECT count(*) FROM tributary_blobs`))
}

// TestRunKeepsBlobsInPostgres: a run whose Sink is also its Blobs writes
// each section's blob_id, naming a stored blob.
func TestRunKeepsBlobsInPostgres(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	set := mock.Sample(2)
	set.Documents[0].Sections = append(set.Documents[0].Sections,
		tributary.Section{Kind: tributary.SectionImage, ImageURL: "https://x/figure.png", Text: "a figure"})
	c, err := mock.New(set, mock.Credentials{}, tributary.Env{})
	require.NoError(t, err)
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Sink: s, Blobs: s, Instance: "mock"}
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.EqualValues(t, 1, res.Blobs)

	ids := query[string](t, u, `SELECT blob_id FROM tributary_sections WHERE document_id = $1 AND kind = 'image'`, set.Documents[0].ID)
	require.Len(t, ids, 1)
	require.NotEmpty(t, ids[0])
	assert.Equal(t, []string{"https://x/figure.png"}, query[string](t, u, `SELECT convert_from(data, 'UTF8') FROM tributary_blobs WHERE id = $1`, ids[0]))
	assert.Equal(t, []int64{0}, query[int64](t, u, `SELECT count(*) FROM tributary_sections s
		WHERE s.blob_id <> '' AND NOT EXISTS (SELECT 1 FROM tributary_blobs b WHERE b.id = s.blob_id)`), "no dangling reference")
}

// Tables of version 1 keep their sections, which read with no blob, and
// gain the blobs table when a newer build opens them.
func TestMigrateFromVersion1(t *testing.T) {
	u := pgtest.Schema(t)
	s := open(t, u)
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{doc("a", "Alpha", "text", nil)}}))
	require.NoError(t, s.Close())
	pgtest.Exec(t, u, `DROP TABLE tributary_blobs; ALTER TABLE tributary_sections DROP COLUMN blob_id;
		UPDATE tributary_sink_schema SET version = 1`)

	s = open(t, u)
	assert.Equal(t, []string{""}, query[string](t, u, `SELECT blob_id FROM tributary_sections WHERE document_id = 'a'`))
	id, err := s.PutBlob(t.Context(), tributary.Blob{Name: "x.png", Data: []byte("x")})
	require.NoError(t, err)
	d := doc("a", "Alpha", "text", nil)
	d.Sections = append(d.Sections, tributary.Section{Kind: tributary.SectionImage, BlobID: id})
	require.NoError(t, s.Write(t.Context(), tributary.Batch{Documents: []*tributary.Document{d}}))
	assert.Equal(t, []string{"", id}, query[string](t, u, `SELECT blob_id FROM tributary_sections WHERE document_id = 'a' ORDER BY position`))
}
