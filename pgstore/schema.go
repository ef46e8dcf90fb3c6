package pgstore

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// migrations lists the schema, one step per version; tributary_store_schema
// holds the number of steps applied. Steps are only ever appended; a
// released step is never edited. Ids are text in the "C" collation, so the
// database orders them as Go compares strings.
var migrations = []string{
	// Version 1.
	`CREATE TABLE tributary_instances (
		id         bigserial PRIMARY KEY,
		name       text NOT NULL UNIQUE,
		created_at timestamptz NOT NULL DEFAULT now(),
		updated_at timestamptz NOT NULL DEFAULT now()
	);
	CREATE TABLE tributary_windows (
		instance_id   bigint PRIMARY KEY REFERENCES tributary_instances(id) ON DELETE CASCADE,
		window_start  text,
		window_end    text,
		full_load     boolean NOT NULL DEFAULT false,
		last_good_end text
	);
	CREATE TABLE tributary_checkpoints (
		instance_id bigint PRIMARY KEY REFERENCES tributary_instances(id) ON DELETE CASCADE,
		data        bytea NOT NULL,
		saved_at    timestamptz NOT NULL DEFAULT now()
	);
	CREATE TABLE tributary_failures (
		id           bigserial PRIMARY KEY,
		instance_id  bigint NOT NULL REFERENCES tributary_instances(id) ON DELETE CASCADE,
		at           timestamptz NOT NULL DEFAULT now(),
		document_id  text NOT NULL DEFAULT '',
		entity_id    text NOT NULL DEFAULT '',
		link         text NOT NULL DEFAULT '',
		missed_start text,
		missed_end   text,
		message      text NOT NULL DEFAULT '',
		error        text NOT NULL DEFAULT ''
	);
	CREATE INDEX tributary_failures_by_instance ON tributary_failures(instance_id, id);
	CREATE TABLE tributary_inventory (
		instance_id bigint NOT NULL REFERENCES tributary_instances(id) ON DELETE CASCADE,
		id          text COLLATE "C" NOT NULL,
		updated_at  text,
		hash        text NOT NULL,
		PRIMARY KEY (instance_id, id)
	);
	CREATE TABLE tributary_marks (
		instance_id bigint NOT NULL REFERENCES tributary_instances(id) ON DELETE CASCADE,
		id          text COLLATE "C" NOT NULL,
		gen         bigint NOT NULL,
		PRIMARY KEY (instance_id, id)
	);
	CREATE TABLE tributary_leases (
		name       text PRIMARY KEY,
		holder     text NOT NULL,
		label      text NOT NULL,
		pid        integer NOT NULL,
		expires_at timestamptz NOT NULL
	);`,
	// Version 2: connector values (tributary.ValueStore).
	`CREATE TABLE tributary_values (
		instance_id bigint NOT NULL REFERENCES tributary_instances(id) ON DELETE CASCADE,
		key         text COLLATE "C" NOT NULL,
		value       bytea NOT NULL,
		PRIMARY KEY (instance_id, key)
	);`,
	// Version 3: documents to fetch again (tributary.RetryStore). Times are
	// Unix nanoseconds, which keep the runner's clock exactly.
	`CREATE TABLE tributary_retries (
		instance_id bigint NOT NULL REFERENCES tributary_instances(id) ON DELETE CASCADE,
		document_id text COLLATE "C" NOT NULL,
		attempts    integer NOT NULL,
		last_failed bigint NOT NULL,
		message     text NOT NULL,
		PRIMARY KEY (instance_id, document_id)
	);
	CREATE INDEX tributary_retries_by_age ON tributary_retries(instance_id, last_failed, document_id);`,
	// Version 4: the hash of each document's access last delivered, for
	// permission syncs ('' for entries stored before).
	`ALTER TABLE tributary_inventory ADD COLUMN access_hash text NOT NULL DEFAULT '';`,
	// Version 5: credentials shared by workers (Store.CredentialsProvider).
	`CREATE TABLE tributary_credentials (
		name       text PRIMARY KEY,
		data       bytea NOT NULL,
		updated_at timestamptz NOT NULL DEFAULT now()
	);`,
}

// SchemaVersion is the schema version this build writes.
const SchemaVersion = 5

// migrate brings the schema up to SchemaVersion in one transaction, under
// a transaction-scoped advisory lock so that workers starting together
// apply each step once, and refuses a schema written by a newer build.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tributary_store_schema'))`); err != nil {
			return fmt.Errorf("lock schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS tributary_store_schema (version integer NOT NULL)`); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		var version int
		err := tx.QueryRow(ctx, `SELECT version FROM tributary_store_schema`).Scan(&version)
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO tributary_store_schema (version) VALUES (0)`)
		}
		if err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		if version > len(migrations) {
			return fmt.Errorf("%w: schema version %d is newer than this build reads (%d): upgrade tributary", ErrNewerSchema, version, len(migrations))
		}
		for ; version < len(migrations); version++ {
			if _, err := tx.Exec(ctx, migrations[version]); err != nil {
				return fmt.Errorf("migrate schema to version %d: %w", version+1, err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE tributary_store_schema SET version = $1`, version); err != nil {
			return fmt.Errorf("set schema version %d: %w", version, err)
		}
		return nil
	})
}
