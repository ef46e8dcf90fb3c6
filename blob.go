package tributary

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
)

// Blob is original bytes that belong to a document but not in its text: an
// image inside a DOCX, PPTX or PDF, a table's CSV, the source file itself.
type Blob struct {
	// DocumentID is the document the bytes belong to.
	DocumentID string
	// Name names the bytes within the document ("word/media/image1.png",
	// "report.pdf"); it may be empty.
	Name string
	// MediaType is the bytes' MIME type, such as image/png.
	MediaType string
	// Data holds the bytes.
	Data []byte
}

// BlobSink stores the raw bytes of documents (Onyx's raw file callback).
// PutBlob returns an id that a Section references in BlobID. The same bytes
// give the same id, so a blob put again (a repeat after a crash, a document
// fetched twice) stores nothing new. PutBlob keeps no reference to b.Data.
//
// A blob is stored when the connector puts it, before the document that
// references it reaches the Sink: a crash can leave a blob no delivered
// document references, never a reference to a blob that was not stored.
// Implementations are safe for concurrent use.
type BlobSink interface {
	PutBlob(ctx context.Context, b Blob) (id string, err error)
}

// BlobSinkFunc adapts a function to a BlobSink.
type BlobSinkFunc func(ctx context.Context, b Blob) (string, error)

// PutBlob calls f.
func (f BlobSinkFunc) PutBlob(ctx context.Context, b Blob) (string, error) { return f(ctx, b) }

// DefaultMaxBlobBytes is the largest blob a Runner passes to its BlobSink
// when Runner.MaxBlobBytes is zero.
const DefaultMaxBlobBytes = 20 << 20

// ErrBlobTooLarge: a blob is larger than the host accepts. The connector
// keeps the section without its bytes.
var ErrBlobTooLarge = errors.New("blob too large")

type blobsKey struct{}

// WithBlobs returns a context that carries s to the connector code running
// under it. The Runner installs its Blobs, bounded by MaxBlobBytes.
func WithBlobs(ctx context.Context, s BlobSink) context.Context {
	return context.WithValue(ctx, blobsKey{}, s)
}

// BlobsFrom returns the BlobSink carried by ctx, or nil when the host keeps
// no raw bytes: the connector then leaves Section.BlobID empty and does not
// read bytes only a blob would hold.
func BlobsFrom(ctx context.Context) BlobSink {
	s, _ := ctx.Value(blobsKey{}).(BlobSink)
	return s
}

// PutBlob stores b through the BlobSink carried by ctx and returns its id:
// "" with a nil error when ctx carries none. An error matching
// ErrBlobTooLarge means the blob was refused for its size, which a
// connector reports with ReportSkip rather than as a failure; any other
// error is the host's storage failing, which the connector returns as a
// terminal error so that the run stops before a reference is lost.
func PutBlob(ctx context.Context, b Blob) (string, error) {
	s := BlobsFrom(ctx)
	if s == nil {
		return "", nil
	}
	return s.PutBlob(ctx, b)
}

// boundedBlobs is the BlobSink a run hands its connector: it refuses blobs
// over max (the connector reports those as skips) and counts what it
// stored.
type boundedBlobs struct {
	s          BlobSink
	max        int64
	n, bytes   atomic.Int64
	instanceOp string
}

func (bb *boundedBlobs) PutBlob(ctx context.Context, b Blob) (string, error) {
	if int64(len(b.Data)) > bb.max {
		return "", NewError(bb.instanceOp, ErrBlobTooLarge,
			fmt.Errorf("%s of %s: %d bytes, more than the %d allowed", blobName(b), b.DocumentID, len(b.Data), bb.max))
	}
	id, err := bb.s.PutBlob(ctx, b)
	if err != nil {
		return "", fmt.Errorf("%s: %s of %s: %w", bb.instanceOp, blobName(b), b.DocumentID, err)
	}
	bb.n.Add(1)
	bb.bytes.Add(int64(len(b.Data)))
	return id, nil
}

func blobName(b Blob) string {
	if b.Name != "" {
		return "blob " + b.Name
	}
	return "a blob"
}
