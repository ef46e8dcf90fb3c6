package pgsink

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
)

// ErrNewerSchema is the error of opening a database whose tables a newer
// build wrote.
var ErrNewerSchema = errors.New("schema from a newer version")

// SearchedChars is how much of a document's text the full-text index
// covers: PostgreSQL bounds a tsvector to 1 MB.
const SearchedChars = 100_000

// migrations lists the schema, one step per version; tributary_sink_schema
// holds the number of steps applied. Steps are only ever appended.
var migrations = []string{
	// Version 1.
	`CREATE TABLE tributary_documents (
		id            text COLLATE "C" PRIMARY KEY,
		source        text NOT NULL,
		semantic_id   text NOT NULL DEFAULT '',
		title         text NOT NULL DEFAULT '',
		link          text NOT NULL DEFAULT '',
		parent_id     text NOT NULL DEFAULT '',
		created_at    timestamptz,
		updated_at    timestamptz,
		metadata      jsonb NOT NULL DEFAULT '{}',
		access_known  boolean NOT NULL DEFAULT false,
		access_public boolean NOT NULL DEFAULT false,
		access_users  text[] NOT NULL DEFAULT '{}',
		access_groups text[] NOT NULL DEFAULT '{}',
		content       text NOT NULL DEFAULT '',
		written_at    timestamptz NOT NULL DEFAULT now(),
		search        tsvector GENERATED ALWAYS AS (
			setweight(to_tsvector('english', title || ' ' || semantic_id), 'A') ||
			setweight(to_tsvector('english', left(content, 100000)), 'B')) STORED
	);
	CREATE INDEX tributary_documents_search ON tributary_documents USING gin (search);
	CREATE INDEX tributary_documents_users ON tributary_documents USING gin (access_users);
	CREATE INDEX tributary_documents_groups ON tributary_documents USING gin (access_groups);
	CREATE INDEX tributary_documents_parent ON tributary_documents (parent_id);
	CREATE TABLE tributary_sections (
		document_id text COLLATE "C" NOT NULL REFERENCES tributary_documents(id) ON DELETE CASCADE,
		position    integer NOT NULL,
		kind        text NOT NULL,
		link        text NOT NULL DEFAULT '',
		heading     text NOT NULL DEFAULT '',
		text        text NOT NULL DEFAULT '',
		image_url   text NOT NULL DEFAULT '',
		rows        jsonb,
		PRIMARY KEY (document_id, position)
	);
	CREATE TABLE tributary_owners (
		document_id  text COLLATE "C" NOT NULL REFERENCES tributary_documents(id) ON DELETE CASCADE,
		role         text NOT NULL,
		position     integer NOT NULL,
		display_name text NOT NULL DEFAULT '',
		first_name   text NOT NULL DEFAULT '',
		last_name    text NOT NULL DEFAULT '',
		email        text NOT NULL DEFAULT '',
		PRIMARY KEY (document_id, role, position)
	);
	CREATE INDEX tributary_owners_email ON tributary_owners (lower(email));
	CREATE TABLE tributary_nodes (
		id            text COLLATE "C" PRIMARY KEY,
		parent_id     text NOT NULL DEFAULT '',
		name          text NOT NULL DEFAULT '',
		link          text NOT NULL DEFAULT '',
		kind          text NOT NULL DEFAULT '',
		access_known  boolean NOT NULL DEFAULT false,
		access_public boolean NOT NULL DEFAULT false,
		access_users  text[] NOT NULL DEFAULT '{}',
		access_groups text[] NOT NULL DEFAULT '{}'
	);`,
	// Version 2: raw bytes (tributary.BlobSink) and the sections that
	// reference them ('' for sections written before).
	`ALTER TABLE tributary_sections ADD COLUMN blob_id text NOT NULL DEFAULT '';
	CREATE INDEX tributary_sections_blob ON tributary_sections (blob_id) WHERE blob_id <> '';
	CREATE TABLE tributary_blobs (
		id         text COLLATE "C" PRIMARY KEY,
		media_type text NOT NULL DEFAULT '',
		name       text NOT NULL DEFAULT '',
		size       bigint NOT NULL,
		data       bytea NOT NULL,
		stored_at  timestamptz NOT NULL DEFAULT now()
	);`,
}

// SchemaVersion is the schema version this build writes.
const SchemaVersion = 2

// migrate brings the tables up to SchemaVersion in one transaction under an
// advisory lock, and refuses tables a newer build wrote.
func migrate(ctx context.Context, pool *pgxpool.Pool) error {
	return pgx.BeginFunc(ctx, pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `SELECT pg_advisory_xact_lock(hashtext('tributary_sink_schema'))`); err != nil {
			return fmt.Errorf("lock schema: %w", err)
		}
		if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS tributary_sink_schema (version integer NOT NULL)`); err != nil {
			return fmt.Errorf("read schema version: %w", err)
		}
		var version int
		err := tx.QueryRow(ctx, `SELECT version FROM tributary_sink_schema`).Scan(&version)
		if errors.Is(err, pgx.ErrNoRows) {
			_, err = tx.Exec(ctx, `INSERT INTO tributary_sink_schema (version) VALUES (0)`)
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
		if _, err := tx.Exec(ctx, `UPDATE tributary_sink_schema SET version = $1`, version); err != nil {
			return fmt.Errorf("set schema version %d: %w", version, err)
		}
		return nil
	})
}
