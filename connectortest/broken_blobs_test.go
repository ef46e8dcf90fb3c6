package connectortest

import (
	"context"
	"iter"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/mock"
)

// The broken blob keepers, and the check that catches each.
var (
	blobsMadeUp = brokenCase{name: "blob id never put", check: "Blobs",
		b: broken{load: madeUpBlobs}, want: "which it never put"}
	blobsStorageAsFailure = brokenCase{name: "blob storage failure reported as a document failure", check: "Blobs",
		b: broken{load: storageAsFailure}, want: "Load went on when the host's blob storage failed"}
)

// madeUpBlobs keeps the blobs but names each image section's bytes by an
// id of its own.
func madeUpBlobs(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(ctx) {
			if d != nil {
				for i := range d.Sections {
					if d.Sections[i].BlobID != "" {
						d.Sections[i].BlobID = "cached-" + d.ID
					}
				}
			}
			if !yield(d, err) {
				return
			}
		}
	}
}

// storageAsFailure loads without a blob store of the host's, then keeps
// each image itself, reporting the document as failed when the store
// fails and going on.
func storageAsFailure(m *mock.Connector, ctx context.Context) iter.Seq2[*tributary.Document, error] {
	return func(yield func(*tributary.Document, error) bool) {
		for d, err := range m.Load(tributary.WithBlobs(ctx, nil)) {
			if d != nil {
				for i, s := range d.Sections {
					if s.ImageURL == "" {
						continue
					}
					id, perr := tributary.PutBlob(ctx, tributary.Blob{DocumentID: d.ID, Data: []byte(s.ImageURL)})
					if perr != nil {
						d, err = nil, tributary.DocumentFailure(d.ID, "", perr)
						break
					}
					d.Sections[i].BlobID = id
				}
			}
			if !yield(d, err) {
				return
			}
		}
	}
}
