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

	"github.com/tributary-dev/tributary"
)

// refreshed keeps the credentials a connector refreshed (a rotated OAuth
// refresh token), which the configuration file cannot hold: the old token
// stops working once the source rotates it. They live in a file readable
// by the user only, beside the state database and apart from it, one per
// instance and configured credentials, and replace the configuration's
// credentials for as long as those stay what they were when the refresh
// happened. A user who edits the credentials in the configuration gets
// them used again.
//
// It is the connector's tributary.CredentialsProvider too: Refresh runs
// under an advisory lock on the file (tributary.FileCredentials), so two
// runs of one instance at once refresh a rotating token once and both
// take the new one.
type refreshed struct {
	path       string // <instance>-<base>.json: the credentials, as JSON
	legacy     string // <instance>.json: {instance, base, credentials}, as kept before
	base       string // fingerprints the configuration's credentials
	configured json.RawMessage
	file       *tributary.FileCredentials
}

var _ tributary.CredentialsProvider = (*refreshed)(nil)

// legacyFile is how refreshed credentials were kept before they had a
// file of their own per configured credentials.
type legacyFile struct {
	Instance    string          `json:"instance"`
	Base        string          `json:"base"`
	Credentials json.RawMessage `json:"credentials"`
}

func newRefreshed(statePath, instance string, configured json.RawMessage) *refreshed {
	sum := sha256.Sum256([]byte(instance))
	base := sha256.Sum256(bytes.TrimSpace(configured))
	dir, name := statePath+".credentials", hex.EncodeToString(sum[:8])
	path := filepath.Join(dir, name+"-"+hex.EncodeToString(base[:8])+".json")
	return &refreshed{path: path, legacy: filepath.Join(dir, name+".json"), base: hex.EncodeToString(base[:]),
		configured: configured, file: tributary.NewFileCredentials(path)}
}

// load returns the refreshed credentials when there are some for the
// configuration's current credentials.
func (r *refreshed) load() (json.RawMessage, bool, error) {
	b, err := os.ReadFile(r.path)
	switch {
	case err == nil && !json.Valid(b):
		return nil, false, fmt.Errorf("read refreshed credentials %s: not JSON", r.path)
	case err == nil:
		return b, true, nil
	case !errors.Is(err, fs.ErrNotExist):
		return nil, false, fmt.Errorf("read refreshed credentials: %w", err)
	}
	b, err = os.ReadFile(r.legacy)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("read refreshed credentials: %w", err)
	}
	var f legacyFile
	if err := json.Unmarshal(b, &f); err != nil {
		return nil, false, fmt.Errorf("read refreshed credentials %s: %w", r.legacy, err)
	}
	if f.Base != r.base || len(f.Credentials) == 0 {
		return nil, false, nil
	}
	return f.Credentials, true, nil
}

// Credentials returns the refreshed credentials, or the configured ones
// when nothing was refreshed.
func (r *refreshed) Credentials(context.Context) (json.RawMessage, error) {
	creds, ok, err := r.load()
	if err != nil || ok {
		return creds, err
	}
	return r.configured, nil
}

// Refresh replaces stale under the file's lock (see
// tributary.CredentialsProvider). The file is made first, holding the
// current credentials, unless another run made it meanwhile.
func (r *refreshed) Refresh(ctx context.Context, stale json.RawMessage, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	cur, err := r.Credentials(ctx)
	if err != nil {
		return nil, err
	}
	if err := createFile(r.path, cur); err != nil {
		return nil, fmt.Errorf("save refreshed credentials: %w", err)
	}
	return r.file.Refresh(ctx, stale, refresh)
}

// save is the connector's Env.SaveCredentials, and where the credentials
// a consent granted are kept.
func (r *refreshed) save(creds json.RawMessage) error {
	if err := tributary.WriteCredentialsFile(r.path, creds); err != nil {
		return fmt.Errorf("save refreshed credentials: %w", err)
	}
	return nil
}

// createFile makes the file at path holding b, readable by the user only,
// unless it exists: written to a temporary file and linked to path, so two
// runs making it at once never overwrite what the other wrote there.
func createFile(path string, b []byte) error {
	if _, err := os.Stat(path); err == nil {
		return nil
	}
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
	if err := os.Link(tmp.Name(), path); err != nil && !errors.Is(err, fs.ErrExist) {
		return err
	}
	return nil
}

// learning is a CredentialsProvider that tells the redactor the secrets
// of every credentials it hands out, so a token refreshed during a run is
// never printed.
type learning struct {
	tributary.CredentialsProvider
	learn func(json.RawMessage)
}

func (l *learning) Credentials(ctx context.Context) (json.RawMessage, error) {
	c, err := l.CredentialsProvider.Credentials(ctx)
	if err == nil {
		l.learn(c)
	}
	return c, err
}

func (l *learning) Refresh(ctx context.Context, stale json.RawMessage, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	c, err := l.CredentialsProvider.Refresh(ctx, stale, func(ctx context.Context, cur json.RawMessage) (json.RawMessage, error) {
		next, err := refresh(ctx, cur)
		if err == nil {
			l.learn(next)
		}
		return next, err
	})
	if err == nil {
		l.learn(c)
	}
	return c, err
}
