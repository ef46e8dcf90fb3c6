package sharepoint

import (
	"context"
	"image/color"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	fx "github.com/tributary-dev/tributary/internal/fixture"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// The pictures inside a library's Word file are kept as blobs when the
// host keeps raw bytes, in image sections that name them; without a
// BlobSink the document holds its text alone.
func TestPicturesInFilesAreKept(t *testing.T) {
	f := newFixture(t, graphemu.GenerateOptions{Sites: 1, DrivesPerSite: 1, FilesPerDrive: 2}, graphemu.Options{})
	red := fx.PNG(color.RGBA{R: 255, A: 255})
	at := time.Date(2023, 6, 1, 12, 0, 0, 0, time.UTC)
	dr := f.data.Drives[0]
	f.data.AddItem(dr.ID, "", &graphemu.Item{ID: "01REPORTDOCX0000000000000000000", Name: "report.docx",
		MimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
		Content:  fx.DOCXWithPicture("Revenue grew.", "Revenue by region", red), Created: at, Modified: at})
	c := f.connector(t, f.settings())
	id := fileID(dr.ID, "01REPORTDOCX0000000000000000000")

	kept := map[string][]byte{}
	blobs := tributary.BlobSinkFunc(func(_ context.Context, b tributary.Blob) (string, error) {
		kept["blob-1"] = append([]byte(nil), b.Data...)
		return "blob-1", nil
	})
	got := connectortest.Collect(c.LoadFromCheckpoint(tributary.WithBlobs(t.Context(), blobs), time.Time{}, time.Time{}, nil))
	require.NoError(t, got.Err)
	var report *tributary.Document
	for _, d := range got.Documents {
		if d.ID == id {
			report = d
		}
	}
	require.NotNil(t, report)
	var images []tributary.Section
	for _, s := range report.Sections {
		if s.Kind == tributary.SectionImage {
			images = append(images, s)
		}
	}
	require.Len(t, images, 1)
	assert.Equal(t, "blob-1", images[0].BlobID)
	assert.Equal(t, red, kept["blob-1"])

	got = connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
	require.NoError(t, got.Err)
	for _, d := range got.Documents {
		for _, s := range d.Sections {
			assert.NotEqual(t, tributary.SectionImage, s.Kind, "no picture section without a BlobSink")
		}
	}
}
