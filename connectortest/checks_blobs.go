package connectortest

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"

	"github.com/tributary-dev/tributary"
)

// blobRecorder is a BlobSink that remembers what it was given, answering
// with ids of its own, or refusing every blob with err.
type blobRecorder struct {
	err   error
	mu    sync.Mutex
	blobs map[string]tributary.Blob
}

func (r *blobRecorder) PutBlob(_ context.Context, b tributary.Blob) (string, error) {
	if r.err != nil {
		return "", r.err
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.blobs == nil {
		r.blobs = map[string]tributary.Blob{}
	}
	id := fmt.Sprintf("kit-blob-%d", len(r.blobs)+1)
	r.blobs[id] = tributary.Blob{DocumentID: b.DocumentID, Name: b.Name, MediaType: b.MediaType, Data: append([]byte(nil), b.Data...)}
	return id, nil
}

// checkBlobs: a connector that keeps raw bytes references in Section.BlobID
// only blobs it put during the run, for that document, with bytes; keeps
// none, and reads none, when the host has no BlobSink; leaves a blob the
// host refuses for its size out (the section stays, without a BlobID); and
// ends the stream, rather than reporting a document as failed, when the
// host's storage fails.
func checkBlobs(t testing.TB, h *Harness) {
	rec := &blobRecorder{}
	var refs int
	for d, err := range tributary.Load(tributary.WithBlobs(t.Context(), rec), newConnector(t, h)) {
		if _, isFailure := tributary.AsFailure(err); isFailure {
			continue
		}
		if err != nil {
			t.Fatalf("Load with a BlobSink: %v", err)
		}
		for _, s := range d.Sections {
			if s.BlobID == "" {
				continue
			}
			refs++
			b, ok := rec.blobs[s.BlobID]
			switch {
			case !ok:
				t.Errorf("%s references blob %q, which it never put", d.ID, s.BlobID)
			case b.DocumentID != d.ID:
				t.Errorf("%s references blob %q, put for %q", d.ID, s.BlobID, b.DocumentID)
			case len(b.Data) == 0:
				t.Errorf("%s references blob %q, which has no bytes", d.ID, s.BlobID)
			}
		}
	}
	if refs == 0 {
		t.Skip("no document of the fixture references a blob")
	}
	for d, err := range tributary.Load(t.Context(), newConnector(t, h)) {
		if err != nil {
			continue
		}
		for _, s := range d.Sections {
			if s.BlobID != "" {
				t.Errorf("%s references blob %q in a run without a BlobSink", d.ID, s.BlobID)
			}
		}
	}
	refuse := &blobRecorder{err: tributary.NewError("kit", tributary.ErrBlobTooLarge, errors.New("refused for its size"))}
	for d, err := range tributary.Load(tributary.WithBlobs(t.Context(), refuse), newConnector(t, h)) {
		if _, isFailure := tributary.AsFailure(err); isFailure {
			continue
		}
		if err != nil {
			t.Errorf("Load with a BlobSink that refuses every blob for its size: %v; want the documents without their blobs", err)
			break
		}
		for _, s := range d.Sections {
			if s.BlobID != "" {
				t.Errorf("%s references blob %q that the host refused", d.ID, s.BlobID)
			}
		}
	}
	broken := &blobRecorder{err: errors.New("disk full")}
	var stopped bool
	for _, err := range tributary.Load(tributary.WithBlobs(t.Context(), broken), newConnector(t, h)) {
		if _, isFailure := tributary.AsFailure(err); err != nil && !isFailure {
			stopped = true
			break
		}
	}
	if !stopped {
		t.Errorf("Load went on when the host's blob storage failed; want a terminal error ending the stream")
	}
}
