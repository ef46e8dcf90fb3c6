// Package blobdir is a tributary.BlobSink that keeps blobs as files in one
// folder, each named by the SHA-256 of its bytes and an extension from its
// media type: the id PutBlob returns is that file name, so a section's
// BlobID is the blob's path relative to the folder.
//
// A blob is written to a temporary file, synced and renamed into place, so
// a crash leaves either the whole blob or none; a blob already there is not
// written again. The command puts the folder beside its --out file
// (--blobs names another).
package blobdir

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"mime"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/tributary-dev/tributary"
)

// Dir stores blobs under its folder.
type Dir struct {
	path string

	mu    sync.Mutex
	ready bool // the folder exists
}

var _ tributary.BlobSink = (*Dir)(nil)

// Open returns a Dir on the folder at path. The folder (and its parents)
// is made with the first blob, so a run that keeps none leaves no folder;
// a path that is not a folder is refused at once.
func Open(path string) (*Dir, error) {
	if fi, err := os.Stat(path); err == nil && !fi.IsDir() {
		return nil, fmt.Errorf("blobdir: %s is not a folder", path)
	}
	return &Dir{path: path}, nil
}

func (d *Dir) mkdir() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.ready {
		return nil
	}
	if err := os.MkdirAll(d.path, 0o755); err != nil {
		return err
	}
	d.ready = true
	return nil
}

// Path returns the folder.
func (d *Dir) Path() string { return d.path }

// PutBlob implements tributary.BlobSink.
func (d *Dir) PutBlob(ctx context.Context, b tributary.Blob) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	if err := d.mkdir(); err != nil {
		return "", fmt.Errorf("blobdir: %w", err)
	}
	id := ID(b)
	final := filepath.Join(d.path, id)
	if _, err := os.Stat(final); err == nil {
		return id, nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("blobdir: %w", err)
	}
	f, err := os.CreateTemp(d.path, ".put-*")
	if err != nil {
		return "", fmt.Errorf("blobdir: %w", err)
	}
	tmp := f.Name()
	_, err = f.Write(b.Data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, final)
	}
	if err != nil {
		_ = os.Remove(tmp)
		return "", fmt.Errorf("blobdir: %w", err)
	}
	return id, nil
}

// ID is the id a blob is stored under: the lower-case hex SHA-256 of its
// bytes followed by an extension, that of its name when that is a short one
// of ASCII letters and digits (lower-cased), else one for its media type
// from a fixed table, else ".bin". The same bytes under the same kind of
// name give the same id on every machine, so other stores of blobs
// (pgsink) use it too and their ids agree with the folder's file names.
func ID(b tributary.Blob) string {
	sum := sha256.Sum256(b.Data)
	return hex.EncodeToString(sum[:]) + extension(b)
}

// extension is the file extension of a blob: its name's when that is a
// short one of letters and digits, else that of its media type from a fixed
// table (the system's MIME tables differ between machines, and an id must
// not), else .bin.
func extension(b tributary.Blob) string {
	if ext := filepath.Ext(b.Name); len(ext) > 1 && len(ext) <= 8 && plain(ext[1:]) {
		return strings.ToLower(ext)
	}
	if mt, _, err := mime.ParseMediaType(b.MediaType); err == nil {
		if ext, ok := extensions[mt]; ok {
			return ext
		}
	}
	return ".bin"
}

var extensions = map[string]string{
	"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
	"image/svg+xml": ".svg", "image/tiff": ".tif", "image/bmp": ".bmp", "image/x-emf": ".emf",
	"image/emf": ".emf", "image/x-wmf": ".wmf", "image/wmf": ".wmf", "text/csv": ".csv",
	"text/plain": ".txt", "text/html": ".html", "application/pdf": ".pdf", "application/json": ".json",
}

func plain(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') && (r < '0' || r > '9') {
			return false
		}
	}
	return true
}
