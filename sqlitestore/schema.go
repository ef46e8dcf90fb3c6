package sqlitestore

import (
	"context"
	"database/sql"
	"fmt"
)

// migrations lists the schema, one step per version: the database's
// PRAGMA user_version is the number of steps applied. Steps are only ever
// appended; a released step is never edited.
var migrations = []string{
	// Version 1.
	`CREATE TABLE instances (
		id         INTEGER PRIMARY KEY,
		name       TEXT NOT NULL UNIQUE,
		created_at TEXT NOT NULL,
		updated_at TEXT NOT NULL
	);
	CREATE TABLE windows (
		instance_id   INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
		window_start  TEXT,
		window_end    TEXT,
		full          INTEGER NOT NULL DEFAULT 0,
		last_good_end TEXT
	);
	CREATE TABLE checkpoints (
		instance_id INTEGER PRIMARY KEY REFERENCES instances(id) ON DELETE CASCADE,
		data        BLOB NOT NULL,
		saved_at    TEXT NOT NULL
	);
	CREATE TABLE failures (
		id           INTEGER PRIMARY KEY,
		instance_id  INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
		at           TEXT NOT NULL,
		document_id  TEXT NOT NULL DEFAULT '',
		entity_id    TEXT NOT NULL DEFAULT '',
		link         TEXT NOT NULL DEFAULT '',
		missed_start TEXT,
		missed_end   TEXT,
		message      TEXT NOT NULL DEFAULT '',
		error        TEXT NOT NULL DEFAULT ''
	);
	CREATE INDEX failures_by_instance ON failures(instance_id, id);
	CREATE TABLE documents (
		instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
		id          TEXT NOT NULL,
		updated_at  TEXT,
		hash        TEXT NOT NULL,
		PRIMARY KEY (instance_id, id)
	) WITHOUT ROWID;
	CREATE TABLE marks (
		instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
		id          TEXT NOT NULL,
		gen         INTEGER NOT NULL,
		PRIMARY KEY (instance_id, id)
	) WITHOUT ROWID;`,
	// Version 2: connector values (tributary.ValueStore).
	`CREATE TABLE connector_values (
		instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
		key         TEXT NOT NULL,
		value       BLOB NOT NULL,
		PRIMARY KEY (instance_id, key)
	) WITHOUT ROWID;`,
	// Version 3: documents to fetch again (tributary.RetryStore). Times are
	// Unix nanoseconds, which order as the times do.
	`CREATE TABLE retries (
		instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
		document_id TEXT NOT NULL,
		attempts    INTEGER NOT NULL,
		last_failed INTEGER NOT NULL,
		message     TEXT NOT NULL,
		PRIMARY KEY (instance_id, document_id)
	) WITHOUT ROWID;
	CREATE INDEX retries_by_age ON retries(instance_id, last_failed, document_id);`,
	// Version 4: credentials shared by workers (Store.CredentialsProvider).
	`CREATE TABLE credentials (
		name       TEXT PRIMARY KEY,
		data       BLOB NOT NULL,
		updated_at TEXT NOT NULL
	) WITHOUT ROWID;`,
	// Version 5: the hash of each document's access last delivered, for
	// permission syncs ('' for entries stored before).
	`ALTER TABLE documents ADD COLUMN access_hash TEXT NOT NULL DEFAULT '';`,
}

// SchemaVersion is the schema version this build writes.
const SchemaVersion = 5

// migrate brings the database's schema up to SchemaVersion, one step per
// transaction, and refuses a database written by a newer build.
func migrate(ctx context.Context, db *sql.DB) error {
	for {
		done, err := migrateStep(ctx, db)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next migration, if any, reading the version inside
// the same immediate transaction so two processes opening the database at
// once cannot both apply it.
func migrateStep(ctx context.Context, db *sql.DB) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("begin migration: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback()
		}
	}()
	var version int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&version); err != nil {
		return false, fmt.Errorf("read schema version: %w", err)
	}
	switch {
	case version > len(migrations):
		return false, fmt.Errorf("schema version %d is newer than this build reads (%d): upgrade tributary", version, len(migrations))
	case version == len(migrations):
		return true, tx.Rollback()
	}
	if _, err := tx.ExecContext(ctx, migrations[version]); err != nil {
		return false, fmt.Errorf("migrate schema to version %d: %w", version+1, err)
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, version+1)); err != nil {
		return false, fmt.Errorf("set schema version %d: %w", version+1, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("commit schema version %d: %w", version+1, err)
	}
	return false, nil
}
