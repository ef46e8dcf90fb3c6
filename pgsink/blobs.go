package pgsink

import (
	"context"
	"fmt"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/blobdir"
)

// PutBlob implements tributary.BlobSink: it stores b in tributary_blobs
// under blobdir.ID(b) and returns that id. Bytes already stored are not
// sent again; two PutBlobs of the same bytes at once store one row (the
// media type and name of the first are kept).
func (s *Sink) PutBlob(ctx context.Context, b tributary.Blob) (string, error) {
	id := blobdir.ID(b)
	var found bool
	if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM tributary_blobs WHERE id = $1)`, id).Scan(&found); err != nil {
		return "", fmt.Errorf("store blob: %w", err)
	}
	if found {
		return id, nil
	}
	data := b.Data
	if data == nil {
		data = []byte{}
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO tributary_blobs (id, media_type, name, size, data)
		VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING`,
		id, clean(b.MediaType), clean(b.Name), len(data), data)
	if err != nil {
		return "", fmt.Errorf("store blob: %w", err)
	}
	return id, nil
}

// Blob returns the blob stored under id; found is false when there is none.
func (s *Sink) Blob(ctx context.Context, id string) (b tributary.Blob, found bool, err error) {
	rows, err := s.pool.Query(ctx, `SELECT media_type, name, data FROM tributary_blobs WHERE id = $1`, id)
	if err != nil {
		return b, false, fmt.Errorf("read blob: %w", err)
	}
	defer rows.Close()
	if rows.Next() {
		if err := rows.Scan(&b.MediaType, &b.Name, &b.Data); err != nil {
			return tributary.Blob{}, false, fmt.Errorf("read blob: %w", err)
		}
		found = true
	}
	if err := rows.Err(); err != nil {
		return tributary.Blob{}, false, fmt.Errorf("read blob: %w", err)
	}
	return b, found, nil
}
