package file_test

import (
	"context"
	"errors"
	"image/color"
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

// A run with a BlobSink keeps the pictures of a Word document as blobs that
// its image sections reference; without one the document is text only.
func TestPicturesAsBlobs(t *testing.T) {
	root := t.TempDir()
	red := fixture.PNG(color.RGBA{R: 255, A: 255})
	docx := fixture.DOCXWithPicture("Revenue grew in every region.", "Revenue by region", red)
	require.NoError(t, os.WriteFile(filepath.Join(root, "report.docx"), docx, 0o644))
	c, err := file.New(file.Settings{Roots: []file.Root{{Path: root, Name: "share"}}}, file.Credentials{}, tributary.Env{})
	require.NoError(t, err)

	run := func(blobs tributary.BlobSink) (*tributary.Document, tributary.Result, error) {
		var got *tributary.Document
		r := &tributary.Runner{Store: &tributary.MemoryStore{}, Blobs: blobs,
			Sink: tributary.SinkFunc(func(_ context.Context, b tributary.Batch) error {
				for _, d := range b.Documents {
					got = d
				}
				return nil
			})}
		res, err := r.Run(t.Context(), c, tributary.RunOptions{})
		return got, res, err
	}

	dir, err := blobdir.Open(filepath.Join(t.TempDir(), "blobs"))
	require.NoError(t, err)
	d, res, err := run(dir)
	require.NoError(t, err)
	require.NotNil(t, d)
	require.Len(t, d.Sections, 2)
	img := d.Sections[1]
	assert.Equal(t, tributary.SectionImage, img.Kind)
	assert.Equal(t, "Revenue by region", img.Text)
	require.NotEmpty(t, img.BlobID)
	stored, err := os.ReadFile(filepath.Join(dir.Path(), img.BlobID))
	require.NoError(t, err)
	assert.Equal(t, red, stored)
	assert.Equal(t, int64(1), res.Blobs)

	d, _, err = run(nil)
	require.NoError(t, err)
	assert.Len(t, d.Sections, 1, "without a BlobSink no picture is read")

	// Storage that fails stops the run instead of failing the document.
	_, _, err = run(tributary.BlobSinkFunc(func(context.Context, tributary.Blob) (string, error) {
		return "", errors.New("disk full")
	}))
	require.ErrorContains(t, err, "disk full")
}
