package tributary_test

import (
	"context"
	"errors"
	"iter"
	"sync"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// imageConnector yields one document per image, keeping each image's bytes
// as a blob when the host takes them and skipping those it refuses.
type imageConnector struct{ images map[string][]byte }

func (c *imageConnector) Source() tributary.DocumentSource { return testSource }
func (c *imageConnector) Validate(context.Context) error   { return nil }

func (c *imageConnector) Load(ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for _, id := range []string{"doc:a", "doc:b"} {
			sec := tributary.Section{Kind: tributary.SectionImage, Text: "figure of " + id}
			blob, err := tributary.PutBlob(ctx, tributary.Blob{DocumentID: id, Name: "figure.png", MediaType: "image/png", Data: c.images[id]})
			switch {
			case errors.Is(err, tributary.ErrBlobTooLarge):
				tributary.ReportSkip(ctx, id+"#figure", err.Error())
			case err != nil:
				yield(nil, err)
				return
			}
			sec.BlobID = blob
			if !yield(&tributary.Document{ID: id, Title: id, Sections: []tributary.Section{sec}}, nil) {
				return
			}
		}
	}
}

type blobRecorder struct {
	mu    sync.Mutex
	blobs map[string]tributary.Blob
	err   error
}

func (r *blobRecorder) PutBlob(_ context.Context, b tributary.Blob) (string, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.err != nil {
		return "", r.err
	}
	if r.blobs == nil {
		r.blobs = map[string]tributary.Blob{}
	}
	id := "blob:" + b.DocumentID
	r.blobs[id] = b
	return id, nil
}

func TestRunBlobs(t *testing.T) {
	c := &imageConnector{images: map[string][]byte{"doc:a": []byte("small"), "doc:b": make([]byte, 100)}}
	blobs := &blobRecorder{}
	sink := newRecorder(t)
	var docs []*tributary.Document
	r := &tributary.Runner{Store: &tributary.MemoryStore{}, Blobs: blobs, MaxBlobBytes: 50,
		Sink: tributary.SinkFunc(func(ctx context.Context, b tributary.Batch) error {
			docs = append(docs, b.Documents...)
			return sink.Write(ctx, b)
		})}
	res, err := r.Run(t.Context(), c, tributary.RunOptions{})
	require.NoError(t, err)
	assert.Equal(t, int64(1), res.Blobs)
	assert.Equal(t, int64(5), res.BlobBytes)
	assert.Equal(t, int64(1), res.Skipped, "the blob over MaxBlobBytes was refused")
	require.Len(t, docs, 2)
	assert.Equal(t, "blob:doc:a", docs[0].Sections[0].BlobID)
	assert.Empty(t, docs[1].Sections[0].BlobID)
	assert.Equal(t, "figure.png", blobs.blobs["blob:doc:a"].Name)

	// A store that fails stops the run: the reference is not delivered.
	blobs.err = errors.New("disk full")
	r.Store = &tributary.MemoryStore{}
	sink = newRecorder(t)
	_, err = r.Run(t.Context(), c, tributary.RunOptions{})
	require.ErrorContains(t, err, "disk full")
	assert.Empty(t, sink.delivered)
}

func TestPutBlobWithoutSink(t *testing.T) {
	id, err := tributary.PutBlob(t.Context(), tributary.Blob{Data: []byte("x")})
	require.NoError(t, err)
	assert.Empty(t, id)
	assert.Nil(t, tributary.BlobsFrom(t.Context()))
}

// A blob reference is part of the content: a section whose bytes changed is
// a change, and a section without one hashes as it always did.
func TestContentHashBlobID(t *testing.T) {
	d := &tributary.Document{ID: "x", Sections: []tributary.Section{{Kind: tributary.SectionImage, Text: "caption"}}}
	before := d.ContentHash()
	d.Sections[0].BlobID = "aa.png"
	withBlob := d.ContentHash()
	d.Sections[0].BlobID = "bb.png"
	assert.NotEqual(t, before, withBlob)
	assert.NotEqual(t, withBlob, d.ContentHash())
	d.Sections[0].BlobID = ""
	assert.Equal(t, before, d.ContentHash())
}
