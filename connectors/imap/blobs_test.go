package imap

import (
	"context"
	"encoding/base64"
	"errors"
	"image/color"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	fx "github.com/tributary-dev/tributary/internal/fixture"
)

// withPictures is a message with an attached picture and an attached
// Word document that holds another.
func withPictures(logo, docx []byte) []byte {
	b64 := func(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
	return []byte("From: grace@example.com\r\nTo: ada@example.com\r\nSubject: Report\r\nMessage-ID: <r1@example.com>\r\n" +
		"MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/plain\r\n\r\nThe figures are attached.\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-Disposition: attachment; filename=logo.png\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b64(logo) + "\r\n" +
		"--b\r\nContent-Type: application/vnd.openxmlformats-officedocument.wordprocessingml.document\r\n" +
		"Content-Disposition: attachment; filename=report.docx\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
		b64(docx) + "\r\n--b--\r\n")
}

// keptBlobs records what a run keeps, by blob id.
type keptBlobs map[string]tributary.Blob

func (k keptBlobs) sink() tributary.BlobSink {
	return tributary.BlobSinkFunc(func(_ context.Context, b tributary.Blob) (string, error) {
		id := "blob-" + b.Name
		b.Data = append([]byte(nil), b.Data...)
		k[id] = b
		return id, nil
	})
}

func imageSections(d *tributary.Document) []tributary.Section {
	var out []tributary.Section
	for _, s := range d.Sections {
		if s.Kind == tributary.SectionImage {
			out = append(out, s)
		}
	}
	return out
}

// TestAttachedPicturesAreKept: with attachments on and a run that keeps
// raw bytes, an attached picture and the picture inside an attached
// document become image sections whose blobs belong to the message's
// document (the thread's, in thread mode). Without a BlobSink, neither
// appears; a BlobSink that fails ends the run.
func TestAttachedPicturesAreKept(t *testing.T) {
	red, blue := fx.PNG(color.RGBA{R: 255, A: 255}), fx.PNG(color.RGBA{B: 255, A: 255})
	for _, threads := range []bool{false, true} {
		f := newFixture(t)
		f.emu.Append("INBOX", withPictures(red, fx.DOCXWithPicture("Revenue grew.", "Revenue by region", blue)), baseTime)
		s := f.settings()
		s.Attachments, s.Threads = true, threads
		c := f.connector(t, s)

		kept := keptBlobs{}
		got := connectortest.Collect(c.LoadFromCheckpoint(tributary.WithBlobs(t.Context(), kept.sink()), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		require.Len(t, got.Documents, 1)
		d := got.Documents[0]
		images := imageSections(d)
		require.Len(t, images, 2, "threads=%v", threads)
		assert.Equal(t, "logo.png", images[0].Heading)
		assert.Equal(t, red, kept[images[0].BlobID].Data)
		assert.Equal(t, "image/png", kept[images[0].BlobID].MediaType)
		assert.True(t, strings.HasPrefix(images[1].Heading, "report.docx"), images[1].Heading)
		assert.Equal(t, blue, kept[images[1].BlobID].Data)
		for _, im := range images {
			assert.Equal(t, d.ID, kept[im.BlobID].DocumentID, "the blob belongs to the document")
		}
		var text []string
		for _, s := range d.Sections {
			text = append(text, s.Text)
		}
		assert.Contains(t, strings.Join(text, "\n"), "Revenue grew.")

		got = connectortest.Collect(c.LoadFromCheckpoint(t.Context(), time.Time{}, time.Time{}, nil))
		require.NoError(t, got.Err)
		for _, s := range got.Documents[0].Sections {
			assert.Empty(t, s.BlobID, "no blob without a BlobSink")
		}

		broken := tributary.BlobSinkFunc(func(context.Context, tributary.Blob) (string, error) {
			return "", errors.New("disk full")
		})
		got = connectortest.Collect(c.LoadFromCheckpoint(tributary.WithBlobs(t.Context(), broken), time.Time{}, time.Time{}, nil))
		require.Error(t, got.Err, "threads=%v", threads)
		assert.Contains(t, got.Err.Error(), "disk full")
		assert.Empty(t, got.Documents, "a message whose pictures could not be kept is not delivered without them")
	}
}
