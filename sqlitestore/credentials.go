package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/tributary-dev/tributary"
)

// Credentials is a tributary.CredentialsProvider kept in the database
// under a name, shared by every process that opens the file. Refresh runs
// in one immediate transaction, which holds the database's write lock
// while refresh runs: other writers wait (up to BusyTimeout), so a refresh
// should be one token request, not more. Make one with
// Store.CredentialsProvider.
type Credentials struct {
	db   *sql.DB
	name string
}

var _ tributary.CredentialsProvider = (*Credentials)(nil)

// CredentialsProvider returns the credentials stored under name (usually
// the instance's name). Set stores the first ones.
func (s *Store) CredentialsProvider(name string) *Credentials {
	return &Credentials{db: s.db, name: name}
}

// Set stores creds, replacing what was stored.
func (c *Credentials) Set(ctx context.Context, creds json.RawMessage) error {
	if !json.Valid(creds) {
		return &tributary.Error{Op: "store credentials", Kind: tributary.ErrInvalidConfig, Err: errors.New("credentials are not JSON")}
	}
	if err := store(ctx, c.db, c.name, creds); err != nil {
		return fmt.Errorf("store credentials: %w", err)
	}
	return nil
}

// Credentials returns the stored credentials; none stored is
// ErrInvalidConfig.
func (c *Credentials) Credentials(ctx context.Context) (json.RawMessage, error) {
	return load(ctx, c.db, c.name)
}

// Refresh implements tributary.CredentialsProvider.
func (c *Credentials) Refresh(ctx context.Context, stale json.RawMessage, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	tx, err := c.db.BeginTx(ctx, nil) // immediate: the write lock is held from here
	if err != nil {
		return nil, fmt.Errorf("lock credentials: %w", err)
	}
	defer func() { _ = tx.Rollback() }()
	next, err := tributary.RefreshWith(ctx, stale,
		func(ctx context.Context) (json.RawMessage, error) { return load(ctx, tx, c.name) },
		func(ctx context.Context, b json.RawMessage) error { return store(ctx, tx, c.name, b) },
		refresh)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("store refreshed credentials: %w", err)
	}
	return next, nil
}

type querier interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func load(ctx context.Context, q querier, name string) (json.RawMessage, error) {
	var b []byte
	err := q.QueryRowContext(ctx, `SELECT data FROM credentials WHERE name = ?`, name).Scan(&b)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, &tributary.Error{Op: "read credentials", Kind: tributary.ErrInvalidConfig, Err: fmt.Errorf("none stored for %q", name)}
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	return b, nil
}

func store(ctx context.Context, q querier, name string, creds json.RawMessage) error {
	_, err := q.ExecContext(ctx, `INSERT INTO credentials (name, data, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		name, []byte(creds), time.Now().UTC().Format(time.RFC3339Nano))
	return err
}
