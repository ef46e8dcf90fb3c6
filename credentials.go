package tributary

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// CredentialsProvider is a source of credentials that may change while a
// connector runs: shared by several workers, or rotated by another process
// (Onyx's CredentialsProviderInterface). Credentials are the source's JSON
// object, as in Params.Credentials.
//
// Refresh is how a holder replaces credentials the source rejected or that
// expired, such as an OAuth access token whose refresh token rotates on
// every use: two workers that both refresh would burn the same refresh
// token and lose access. Implementations hold one lock across every
// holder (goroutines, and for shared stores other processes) while they
// run refresh, so at most one refresh happens per rotation.
//
// Methods are safe for concurrent use and honour ctx while they wait.
type CredentialsProvider interface {
	// Credentials returns the current credentials.
	Credentials(ctx context.Context) (json.RawMessage, error)
	// Refresh replaces stale, the credentials the caller found wanting.
	// Under the provider's lock it reads the current credentials: when
	// they are no longer stale (another holder refreshed them) it returns
	// them without calling refresh; otherwise it calls refresh with them,
	// stores what refresh returns, and returns it. When refresh fails
	// nothing is stored and its error is returned.
	Refresh(ctx context.Context, stale json.RawMessage, refresh func(ctx context.Context, current json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error)
}

// RefreshWith is the body of Refresh for a provider whose credentials are
// read by load and written by store, called with the provider's lock
// held. Implementations outside this package use it so that they agree on
// when refresh is skipped.
func RefreshWith(ctx context.Context, stale json.RawMessage, load func(context.Context) (json.RawMessage, error),
	store func(context.Context, json.RawMessage) error, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	cur, err := load(ctx)
	if err != nil {
		return nil, err
	}
	if !bytes.Equal(bytes.TrimSpace(cur), bytes.TrimSpace(stale)) {
		return cur, nil
	}
	next, err := refresh(ctx, cur)
	if err != nil {
		return nil, err
	}
	if !json.Valid(next) {
		return nil, &Error{Op: "refresh credentials", Kind: ErrInvalidConfig, Err: errors.New("refreshed credentials are not JSON")}
	}
	if err := store(ctx, next); err != nil {
		return nil, fmt.Errorf("store refreshed credentials: %w", err)
	}
	return next, nil
}

// MemoryCredentials is a CredentialsProvider shared by the goroutines of
// one process. Make one with NewMemoryCredentials.
type MemoryCredentials struct {
	sem chan struct{} // the refresh lock; a channel so waiters honour ctx
	mu  sync.Mutex    // guards cur
	cur json.RawMessage
}

// NewMemoryCredentials returns a provider holding creds.
func NewMemoryCredentials(creds json.RawMessage) *MemoryCredentials {
	return &MemoryCredentials{sem: make(chan struct{}, 1), cur: bytes.Clone(creds)}
}

// Credentials returns the current credentials.
func (m *MemoryCredentials) Credentials(context.Context) (json.RawMessage, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return bytes.Clone(m.cur), nil
}

// Refresh implements CredentialsProvider.
func (m *MemoryCredentials) Refresh(ctx context.Context, stale json.RawMessage, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	select {
	case m.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-m.sem }()
	return RefreshWith(ctx, stale, m.Credentials, func(_ context.Context, b json.RawMessage) error {
		m.mu.Lock()
		m.cur = bytes.Clone(b)
		m.mu.Unlock()
		return nil
	}, refresh)
}

// FileCredentials is a CredentialsProvider kept in a file readable by the
// user only, shared by processes on one machine: Refresh holds an
// exclusive lock on the file PATH.lock (an advisory lock where the system
// has them; elsewhere only the goroutines of one process are kept apart)
// and replaces the file by an atomic rename, so a reader sees the old
// credentials or the new, never half. Make one with NewFileCredentials.
type FileCredentials struct {
	path string
	mem  *MemoryCredentials // its sem keeps this process's goroutines apart
}

// NewFileCredentials returns a provider for the file at path, which must
// exist holding a JSON object (see WriteCredentialsFile).
func NewFileCredentials(path string) *FileCredentials {
	return &FileCredentials{path: path, mem: NewMemoryCredentials(nil)}
}

// Credentials reads the file.
func (f *FileCredentials) Credentials(context.Context) (json.RawMessage, error) {
	b, err := os.ReadFile(f.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, &Error{Op: "read credentials", Kind: ErrInvalidConfig, Err: err}
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	if !json.Valid(b) {
		return nil, &Error{Op: "read credentials", Kind: ErrInvalidConfig, Err: fmt.Errorf("%s does not hold JSON", f.path)}
	}
	return b, nil
}

// Refresh implements CredentialsProvider.
func (f *FileCredentials) Refresh(ctx context.Context, stale json.RawMessage, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	select {
	case f.mem.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-f.mem.sem }()
	unlock, err := lockCredentialsFile(ctx, f.path+".lock")
	if err != nil {
		return nil, fmt.Errorf("lock credentials: %w", err)
	}
	defer unlock()
	return RefreshWith(ctx, stale, f.Credentials, func(_ context.Context, b json.RawMessage) error {
		return WriteCredentialsFile(f.path, b)
	}, refresh)
}

// WriteCredentialsFile replaces the file at path with creds: written to a
// temporary file readable by the user only, synced, and renamed over path.
func WriteCredentialsFile(path string, creds json.RawMessage) error {
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".credentials-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	err = tmp.Chmod(0o600)
	if err == nil {
		_, err = tmp.Write(creds)
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
