package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// refreshed keeps the credentials a connector refreshed (a rotated OAuth
// refresh token), which the configuration file cannot hold: the old token
// stops working once the source rotates it. They live in a file readable
// by the user only, beside the state database and apart from it, one per
// instance, and replace the configuration's credentials for as long as
// those stay what they were when the refresh happened. A user who edits
// the credentials in the configuration gets them used again.
type refreshed struct {
	path string
	// base fingerprints the configuration's credentials.
	base string
}

type refreshedFile struct {
	Instance    string          `json:"instance"`
	Base        string          `json:"base"`
	Credentials json.RawMessage `json:"credentials"`
}

func newRefreshed(statePath, instance string, configured json.RawMessage) *refreshed {
	sum := sha256.Sum256([]byte(instance))
	base := sha256.Sum256(bytes.TrimSpace(configured))
	return &refreshed{
		path: filepath.Join(statePath+".credentials", hex.EncodeToString(sum[:8])+".json"),
		base: hex.EncodeToString(base[:]),
	}
}

// load returns the refreshed credentials when there are some for the
// configuration's current credentials.
func (r *refreshed) load() (json.RawMessage, bool, error) {
	b, err := os.ReadFile(r.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read refreshed credentials: %w", err)
	}
	var f refreshedFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, false, fmt.Errorf("read refreshed credentials %s: %w", r.path, err)
	}
	if f.Base != r.base || len(f.Credentials) == 0 {
		return nil, false, nil
	}
	return f.Credentials, true, nil
}

// save is the connector's Env.SaveCredentials.
func (r *refreshed) save(_ context.Context, creds json.RawMessage, instance string) error {
	b, err := json.Marshal(refreshedFile{Instance: instance, Base: r.base, Credentials: creds})
	if err == nil {
		err = writeFileAtomic(r.path, b)
	}
	if err != nil {
		return fmt.Errorf("save refreshed credentials: %w", err)
	}
	return nil
}

// writeFileAtomic writes b to a temporary file readable by the user only,
// syncs it and renames it to path, so a crash leaves the old content or
// the new, never half of it.
func writeFileAtomic(path string, b []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(b)
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
