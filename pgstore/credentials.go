package pgstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/tributary-dev/tributary"
)

// Credentials is a tributary.CredentialsProvider kept in the database under
// a name, shared by every worker that opens the store. Refresh runs in one
// transaction that first reads the row with SELECT ... FOR UPDATE: the row
// stays locked, and one connection held, while refresh runs, so another
// worker's Refresh of the same name waits for the first to commit and then
// reads what it stored. A refresh should therefore be one token request,
// not more. Make one with Store.CredentialsProvider.
//
// The credentials are stored as given (bytea, in tributary_credentials);
// no error names them.
type Credentials struct {
	s    *Store
	name string
}

var _ tributary.CredentialsProvider = (*Credentials)(nil)

// CredentialsProvider returns the credentials stored under name (usually
// the instance's name). Set stores the first ones.
func (s *Store) CredentialsProvider(name string) *Credentials {
	return &Credentials{s: s, name: name}
}

// Set stores creds, replacing what was stored.
func (c *Credentials) Set(ctx context.Context, creds json.RawMessage) error {
	if !json.Valid(creds) {
		return &tributary.Error{Op: "store credentials", Kind: tributary.ErrInvalidConfig, Err: errors.New("credentials are not JSON")}
	}
	if err := storeCredentials(ctx, c.s.pool, c.name, creds); err != nil {
		return fmt.Errorf("store credentials: %w", err)
	}
	return nil
}

// Credentials returns the stored credentials; none stored is
// ErrInvalidConfig.
func (c *Credentials) Credentials(ctx context.Context) (json.RawMessage, error) {
	return loadCredentials(ctx, c.s.pool, c.name, false)
}

// Refresh implements tributary.CredentialsProvider.
func (c *Credentials) Refresh(ctx context.Context, stale json.RawMessage, refresh func(context.Context, json.RawMessage) (json.RawMessage, error)) (json.RawMessage, error) {
	tx, err := c.s.pool.Begin(ctx)
	if err != nil {
		return nil, fmt.Errorf("lock credentials: %w", err)
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	next, err := tributary.RefreshWith(ctx, stale,
		func(ctx context.Context) (json.RawMessage, error) { return loadCredentials(ctx, tx, c.name, true) },
		func(ctx context.Context, b json.RawMessage) error { return storeCredentials(ctx, tx, c.name, b) },
		refresh)
	if err != nil {
		return nil, err
	}
	if err := tx.Commit(ctx); err != nil {
		return nil, fmt.Errorf("store refreshed credentials: %w", err)
	}
	return next, nil
}

type credentialsQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
}

func loadCredentials(ctx context.Context, q credentialsQuerier, name string, lock bool) (json.RawMessage, error) {
	query := `SELECT data FROM tributary_credentials WHERE name = $1`
	if lock {
		query += ` FOR UPDATE`
	}
	var b []byte
	err := q.QueryRow(ctx, query, name).Scan(&b)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, &tributary.Error{Op: "read credentials", Kind: tributary.ErrInvalidConfig, Err: fmt.Errorf("none stored for %q", name)}
	}
	if err != nil {
		return nil, fmt.Errorf("read credentials: %w", err)
	}
	return b, nil
}

func storeCredentials(ctx context.Context, q credentialsQuerier, name string, creds json.RawMessage) error {
	_, err := q.Exec(ctx, `INSERT INTO tributary_credentials (name, data, updated_at) VALUES ($1, $2, now())
		ON CONFLICT (name) DO UPDATE SET data = excluded.data, updated_at = excluded.updated_at`,
		name, []byte(creds))
	return err
}
