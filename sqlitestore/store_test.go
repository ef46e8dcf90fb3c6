package sqlitestore_test

import (
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/storetest"
	"github.com/tributary-dev/tributary/sqlitestore"
)

func open(t *testing.T, path string) *sqlitestore.Store {
	t.Helper()
	s, err := sqlitestore.Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tributary.Store {
		return open(t, filepath.Join(t.TempDir(), "state.db"))
	})
}

func TestReopenKeepsEverything(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	far := time.Date(12000, 1, 2, 3, 4, 5, 6, time.UTC)
	old := time.Date(-50, 1, 1, 0, 0, 0, 7, time.UTC)
	st := tributary.State{Window: tributary.Window{Start: old, End: far}, Checkpoint: tributary.Checkpoint(`{"p":1}`)}
	err := s.Commit(t.Context(), "file:/docs", tributary.Commit{
		State:    st,
		Upserts:  []tributary.InventoryEntry{{ID: "a", UpdatedAt: far, Hash: "h"}},
		Failures: []*tributary.Failure{{DocumentID: "b", Link: "file:///b", Message: "unreadable", Err: errors.New("permission denied"), MissedEnd: far}},
	})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = open(t, path)
	got, err := s.State(t.Context(), "file:/docs")
	require.NoError(t, err)
	assert.True(t, got.Window.Start.Equal(old), "window start %v", got.Window.Start)
	assert.True(t, got.Window.End.Equal(far), "window end %v", got.Window.End)
	assert.Equal(t, `{"p":1}`, string(got.Checkpoint))
	inv, err := s.Lookup(t.Context(), "file:/docs", []string{"a"})
	require.NoError(t, err)
	assert.True(t, inv["a"].UpdatedAt.Equal(far))

	fs, err := s.Failures(t.Context(), "file:/docs", 10)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "b", fs[0].DocumentID)
	assert.Equal(t, "unreadable", fs[0].Message)
	assert.EqualError(t, fs[0].Err, "permission denied")
	assert.True(t, fs[0].MissedEnd.Equal(far))
	assert.False(t, fs[0].At.IsZero())

	ins, err := s.Instances(t.Context())
	require.NoError(t, err)
	require.Len(t, ins, 1)
	assert.Equal(t, "file:/docs", ins[0].Name)
	assert.Equal(t, 1, ins[0].Documents)
	assert.Equal(t, 1, ins[0].Failures)
}

func TestNewerSchemaRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(fmt.Sprintf(`PRAGMA user_version = %d`, sqlitestore.SchemaVersion+1))
	require.NoError(t, err)
	require.NoError(t, db.Close())

	_, err = sqlitestore.Open(t.Context(), path)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "newer than this build")
}

func TestOddPaths(t *testing.T) {
	for _, name := range []string{"with space.db", "per%20cent.db", "hash#tag.db", "ünï.db"} {
		path := filepath.Join(t.TempDir(), name)
		s := open(t, path)
		require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{{ID: "a", Hash: "h"}}}))
		require.NoError(t, s.Close())
		_, err := os.Stat(path)
		assert.NoError(t, err, "the database is at the path given, %q", name)
	}
}

func TestSchemaVersionWritten(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	require.NoError(t, open(t, path).Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	defer db.Close()
	var v int
	require.NoError(t, db.QueryRow(`PRAGMA user_version`).Scan(&v))
	assert.Equal(t, sqlitestore.SchemaVersion, v)
	var mode string
	require.NoError(t, db.QueryRow(`PRAGMA journal_mode`).Scan(&mode))
	assert.Equal(t, "wal", mode)
}

func TestOpenBadPath(t *testing.T) {
	for _, p := range []string{"", "state.db?mode=ro", "file:state.db", filepath.Join(t.TempDir(), "missing", "dir", "state.db")} {
		_, err := sqlitestore.Open(t.Context(), p)
		assert.Error(t, err, "Open(%q)", p)
	}
	notDB := filepath.Join(t.TempDir(), "notes.txt")
	require.NoError(t, os.WriteFile(notDB, []byte("this is not a database, just some text that is long enough"), 0o600))
	_, err := sqlitestore.Open(t.Context(), notDB)
	assert.Error(t, err)
}

// A database of schema version 1 keeps its inventory and gains the
// connector values table when a newer build opens it.
func TestMigrateFromVersion1(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{{ID: "a", Hash: "h"}}}))
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`DROP TABLE connector_values; DROP TABLE retries; DROP TABLE credentials; ALTER TABLE documents DROP COLUMN access_hash; PRAGMA user_version = 1`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s = open(t, path)
	n, err := s.Count(t.Context(), "i")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Values: map[string][]byte{"k": []byte("v")}}))
	got, err := s.Values(t.Context(), "i", []string{"k"})
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"k": []byte("v")}, got)
}

// A database of schema version 4 keeps its inventory and gains the access
// hash column when a newer build opens it: its entries read with no access
// hash, so the next permission sync delivers their access once.
func TestMigrateFromVersion4(t *testing.T) {
	path := filepath.Join(t.TempDir(), "state.db")
	s := open(t, path)
	require.NoError(t, s.Close())
	db, err := sql.Open("sqlite", path)
	require.NoError(t, err)
	_, err = db.Exec(`DROP TABLE documents;
		CREATE TABLE documents (
			instance_id INTEGER NOT NULL REFERENCES instances(id) ON DELETE CASCADE,
			id          TEXT NOT NULL,
			updated_at  TEXT,
			hash        TEXT NOT NULL,
			PRIMARY KEY (instance_id, id)
		) WITHOUT ROWID;
		INSERT INTO instances (name, created_at, updated_at) VALUES ('i', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z');
		INSERT INTO documents (instance_id, id, updated_at, hash)
			SELECT id, 'a', '2024-01-02T00:00:00Z', 'h' FROM instances WHERE name = 'i';
		PRAGMA user_version = 4`)
	require.NoError(t, err)
	require.NoError(t, db.Close())

	s = open(t, path)
	got, err := s.Lookup(t.Context(), "i", []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, tributary.InventoryEntry{ID: "a", UpdatedAt: time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC), Hash: "h"}, got["a"])
	e := got["a"]
	e.AccessHash = "x"
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{e}}))
	got, err = s.Lookup(t.Context(), "i", []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, e, got["a"])
}
