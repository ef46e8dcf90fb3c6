// Package sqlitestore is a tributary.Store kept in an embedded SQLite
// database, so that a host (the tributary command, a small backend) keeps its
// connectors' checkpoints, windows, failures and document inventory on disk
// between runs.
//
// It uses a pure-Go SQLite (modernc.org/sqlite): no C toolchain is needed to
// build it. The database runs in write-ahead-log mode with a busy timeout, so
// several processes may open the same file; every Commit is one immediate
// transaction, so a process killed at any moment leaves either all of a
// commit or none of it. The schema carries a version and is migrated forward
// when a newer build opens an older file; an older build refuses a newer file.
//
// The state the runner stores holds no credentials: only windows,
// checkpoints, failures, and each delivered document's id, update time,
// content hash and access hash. Credentials are kept only when a host asks
// for a CredentialsProvider.
package sqlitestore

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"strings"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver

	"github.com/tributary-dev/tributary"
)

// BusyTimeout is how long a write waits for another process holding the
// database's write lock before it fails.
const BusyTimeout = 10 * time.Second

// pageSize is how many inventory entries Unmarked reads per query; no
// connection is held while the caller handles a page.
const pageSize = 512

// Store is a tributary.Store in an SQLite database file. It is safe for
// concurrent use by several goroutines and several processes.
type Store struct {
	db *sql.DB
}

var (
	_ tributary.ValueStore = (*Store)(nil)
	_ tributary.RetryStore = (*Store)(nil)
)

// Open opens (creating if needed) the database at path and migrates its
// schema. The directory holding path must exist.
func Open(ctx context.Context, path string) (*Store, error) {
	// The path is passed as a plain file name, not a URI, so that no
	// character in it is decoded; only '?' would start the parameters.
	if path == "" || strings.Contains(path, "?") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("open state database: invalid path %q", path)
	}
	dsn := fmt.Sprintf("%s?_pragma=busy_timeout(%d)&_pragma=journal_mode(WAL)"+
		"&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_txlock=immediate",
		path, BusyTimeout.Milliseconds())
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	db.SetMaxOpenConns(8)
	if err := migrate(ctx, db); err != nil {
		_ = db.Close()
		return nil, fmt.Errorf("open state database %s: %w", path, err)
	}
	return &Store{db: db}, nil
}

// Close closes the database.
func (s *Store) Close() error { return s.db.Close() }

// State implements tributary.Store.
func (s *Store) State(ctx context.Context, instance string) (tributary.State, error) {
	var st tributary.State
	var start, end, lastGood sql.NullString
	var full sql.NullBool
	var cp []byte
	err := s.db.QueryRowContext(ctx, `
		SELECT w.window_start, w.window_end, w.full, w.last_good_end, c.data
		FROM instances i
		LEFT JOIN windows w ON w.instance_id = i.id
		LEFT JOIN checkpoints c ON c.instance_id = i.id
		WHERE i.name = ?`, instance).Scan(&start, &end, &full, &lastGood, &cp)
	if errors.Is(err, sql.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read state of %s: %w", instance, err)
	}
	st.Full = full.Bool
	st.Checkpoint = cp
	if err := errors.Join(scanTime(start, &st.Window.Start), scanTime(end, &st.Window.End),
		scanTime(lastGood, &st.LastGoodEnd)); err != nil {
		return tributary.State{}, fmt.Errorf("read state of %s: %w", instance, err)
	}
	return st, nil
}

// Commit implements tributary.Store: the state, inventory changes and
// failures are written in one transaction.
func (s *Store) Commit(ctx context.Context, instance string, c tributary.Commit) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := instanceID(ctx, tx, instance)
		if err != nil {
			return err
		}
		if err := writeState(ctx, tx, id, c.State); err != nil {
			return err
		}
		if err := writeInventory(ctx, tx, id, c.Upserts, c.Removals); err != nil {
			return err
		}
		if err := writeAccess(ctx, tx, id, c.Access); err != nil {
			return err
		}
		if err := writeFailures(ctx, tx, id, c.Failures); err != nil {
			return err
		}
		if err := writeRetries(ctx, tx, id, c); err != nil {
			return err
		}
		return writeValues(ctx, tx, id, c.Values)
	}, "commit to "+instance)
}

// writeRetries takes the commit's delivered, removed and resolved documents
// off the retry queue, then queues its failures under document ids.
func writeRetries(ctx context.Context, tx *sql.Tx, id int64, c tributary.Commit) error {
	var queued bool
	if err := tx.QueryRowContext(ctx, `SELECT EXISTS (SELECT 1 FROM retries WHERE instance_id = ?)`, id).Scan(&queued); err != nil {
		return fmt.Errorf("read retries: %w", err)
	}
	if queued {
		done := make([]string, 0, len(c.Upserts)+len(c.Removals)+len(c.Resolved))
		for _, e := range c.Upserts {
			done = append(done, e.ID)
		}
		done = append(append(done, c.Removals...), c.Resolved...)
		if len(done) > 0 {
			list, err := json.Marshal(done)
			if err != nil {
				return fmt.Errorf("dequeue retries: %w", err)
			}
			if _, err := tx.ExecContext(ctx, `DELETE FROM retries WHERE instance_id = ? AND document_id IN (SELECT value FROM json_each(?))`,
				id, string(list)); err != nil {
				return fmt.Errorf("dequeue retries: %w", err)
			}
		}
	}
	at := c.Time
	if at.IsZero() {
		at = time.Now()
	}
	for _, f := range c.Failures {
		if f == nil || f.DocumentID == "" {
			continue
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO retries (instance_id, document_id, attempts, last_failed, message) VALUES (?, ?, 1, ?, ?)
			ON CONFLICT (instance_id, document_id) DO UPDATE SET attempts = attempts + 1,
				last_failed = excluded.last_failed, message = excluded.message`,
			id, f.DocumentID, at.UnixNano(), f.Error()); err != nil {
			return fmt.Errorf("queue retry: %w", err)
		}
	}
	return nil
}

// Retries implements tributary.RetryStore.
func (s *Store) Retries(ctx context.Context, instance string, maxAttempts, limit int) ([]tributary.Retry, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT r.document_id, r.attempts, r.last_failed, r.message FROM retries r
		JOIN instances i ON i.id = r.instance_id
		WHERE i.name = ? AND r.attempts < ?
		ORDER BY r.last_failed, r.document_id LIMIT ?`, instance, maxAttempts, max(limit, 0))
	if err != nil {
		return nil, fmt.Errorf("read retries of %s: %w", instance, err)
	}
	defer rows.Close()
	var out []tributary.Retry
	for rows.Next() {
		var r tributary.Retry
		var at int64
		if err := rows.Scan(&r.DocumentID, &r.Attempts, &at, &r.Message); err != nil {
			return nil, fmt.Errorf("read retries of %s: %w", instance, err)
		}
		r.LastFailed = time.Unix(0, at).UTC()
		out = append(out, r)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read retries of %s: %w", instance, err)
	}
	return out, nil
}

func writeValues(ctx context.Context, tx *sql.Tx, id int64, values map[string][]byte) error {
	for k, v := range values {
		var err error
		if v == nil {
			_, err = tx.ExecContext(ctx, `DELETE FROM connector_values WHERE instance_id = ? AND key = ?`, id, k)
		} else {
			_, err = tx.ExecContext(ctx, `
				INSERT INTO connector_values (instance_id, key, value) VALUES (?, ?, ?)
				ON CONFLICT (instance_id, key) DO UPDATE SET value = excluded.value`, id, k, v)
		}
		if err != nil {
			return fmt.Errorf("write connector values: %w", err)
		}
	}
	return nil
}

// Values implements tributary.ValueStore.
func (s *Store) Values(ctx context.Context, instance string, keys []string) (map[string][]byte, error) {
	if len(keys) == 0 {
		return nil, ctx.Err()
	}
	list, err := json.Marshal(keys)
	if err != nil {
		return nil, fmt.Errorf("read connector values of %s: %w", instance, err)
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT v.key, v.value FROM connector_values v
		JOIN instances i ON i.id = v.instance_id
		WHERE i.name = ? AND v.key IN (SELECT value FROM json_each(?))`, instance, string(list))
	if err != nil {
		return nil, fmt.Errorf("read connector values of %s: %w", instance, err)
	}
	defer rows.Close()
	var out map[string][]byte
	for rows.Next() {
		var k string
		var v []byte
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("read connector values of %s: %w", instance, err)
		}
		if out == nil {
			out = make(map[string][]byte)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read connector values of %s: %w", instance, err)
	}
	return out, nil
}

func writeState(ctx context.Context, tx *sql.Tx, id int64, st tributary.State) error {
	_, err := tx.ExecContext(ctx, `
		INSERT INTO windows (instance_id, window_start, window_end, full, last_good_end)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (instance_id) DO UPDATE SET window_start = excluded.window_start,
			window_end = excluded.window_end, full = excluded.full,
			last_good_end = excluded.last_good_end`,
		id, timeValue(st.Window.Start), timeValue(st.Window.End), st.Full, timeValue(st.LastGoodEnd))
	if err != nil {
		return fmt.Errorf("write window: %w", err)
	}
	if st.Checkpoint.IsZero() {
		_, err = tx.ExecContext(ctx, `DELETE FROM checkpoints WHERE instance_id = ?`, id)
	} else {
		_, err = tx.ExecContext(ctx, `
			INSERT INTO checkpoints (instance_id, data, saved_at) VALUES (?, ?, ?)
			ON CONFLICT (instance_id) DO UPDATE SET data = excluded.data, saved_at = excluded.saved_at`,
			id, []byte(st.Checkpoint), now())
	}
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

func writeInventory(ctx context.Context, tx *sql.Tx, id int64, upserts []tributary.InventoryEntry, removals []string) error {
	if len(upserts) > 0 {
		// One statement for the whole batch, its rows passed as a JSON array:
		// a statement per entry cost most of a commit.
		rows := make([][4]any, len(upserts))
		for i, e := range upserts {
			rows[i] = [4]any{e.ID, timeValue(e.UpdatedAt), e.Hash, e.AccessHash}
		}
		list, err := json.Marshal(rows)
		if err != nil {
			return fmt.Errorf("write inventory: %w", err)
		}
		if _, err := tx.ExecContext(ctx, `
			INSERT INTO documents (instance_id, id, updated_at, hash, access_hash)
			SELECT ?, value->>0, value->>1, value->>2, value->>3 FROM json_each(?) WHERE true
			ON CONFLICT (instance_id, id) DO UPDATE SET updated_at = excluded.updated_at, hash = excluded.hash,
				access_hash = excluded.access_hash`,
			id, string(list)); err != nil {
			return fmt.Errorf("write inventory: %w", err)
		}
	}
	if len(removals) > 0 {
		ids, err := json.Marshal(removals)
		if err != nil {
			return fmt.Errorf("remove inventory entries: %w", err)
		}
		for _, table := range []string{"documents", "marks"} {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+`
				WHERE instance_id = ? AND id IN (SELECT value FROM json_each(?))`, id, string(ids)); err != nil {
				return fmt.Errorf("remove inventory entries: %w", err)
			}
		}
	}
	return nil
}

// writeAccess sets the access hashes of entries the inventory holds.
func writeAccess(ctx context.Context, tx *sql.Tx, id int64, access []tributary.AccessEntry) error {
	if len(access) == 0 {
		return nil
	}
	rows := make([][2]string, len(access))
	for i, a := range access {
		rows[i] = [2]string{a.ID, a.AccessHash}
	}
	list, err := json.Marshal(rows)
	if err != nil {
		return fmt.Errorf("write access hashes: %w", err)
	}
	// One statement for the whole batch; an id given twice keeps its last
	// hash, as a sequence of updates would.
	if _, err := tx.ExecContext(ctx, `
		UPDATE documents SET access_hash = a.hash
		FROM (SELECT value->>0 AS id, value->>1 AS hash FROM json_each(?)
			WHERE key IN (SELECT MAX(key) FROM json_each(?) GROUP BY value->>0)) AS a
		WHERE documents.instance_id = ? AND documents.id = a.id`,
		string(list), string(list), id); err != nil {
		return fmt.Errorf("write access hashes: %w", err)
	}
	return nil
}

func writeFailures(ctx context.Context, tx *sql.Tx, id int64, failures []*tributary.Failure) error {
	at := now()
	for _, f := range failures {
		if f == nil {
			continue
		}
		var cause string
		if f.Err != nil {
			cause = f.Err.Error()
		}
		_, err := tx.ExecContext(ctx, `
			INSERT INTO failures (instance_id, at, document_id, entity_id, link, missed_start, missed_end, message, error)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			id, at, f.DocumentID, f.EntityID, f.Link, timeValue(f.MissedStart), timeValue(f.MissedEnd), f.Message, cause)
		if err != nil {
			return fmt.Errorf("record failure: %w", err)
		}
	}
	return nil
}

// Lookup implements tributary.Store.
func (s *Store) Lookup(ctx context.Context, instance string, ids []string) (map[string]tributary.InventoryEntry, error) {
	out := make(map[string]tributary.InventoryEntry, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return nil, fmt.Errorf("look up inventory of %s: %w", instance, err)
	}
	rows, err := s.db.QueryContext(ctx, `
		SELECT d.id, d.updated_at, d.hash, d.access_hash FROM documents d
		JOIN instances i ON i.id = d.instance_id
		WHERE i.name = ? AND d.id IN (SELECT value FROM json_each(?))`, instance, string(list))
	if err != nil {
		return nil, fmt.Errorf("look up inventory of %s: %w", instance, err)
	}
	for e, err := range scanEntries(rows) {
		if err != nil {
			return nil, fmt.Errorf("look up inventory of %s: %w", instance, err)
		}
		out[e.ID] = e
	}
	return out, nil
}

// Mark implements tributary.Store. Ids the inventory does not hold are
// remembered too, so a document delivered while a listing runs is not taken
// for one the source lost.
func (s *Store) Mark(ctx context.Context, instance string, gen int64, ids []string) error {
	if len(ids) == 0 {
		return ctx.Err()
	}
	list, err := json.Marshal(ids)
	if err != nil {
		return fmt.Errorf("mark inventory of %s: %w", instance, err)
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		id, err := instanceID(ctx, tx, instance)
		if err != nil {
			return err
		}
		_, err = tx.ExecContext(ctx, `
			INSERT INTO marks (instance_id, id, gen) SELECT ?, value, ? FROM json_each(?) WHERE true
			ON CONFLICT (instance_id, id) DO UPDATE SET gen = excluded.gen`, id, gen, string(list))
		return err
	}, "mark inventory of "+instance)
}

// Unmarked implements tributary.Store. It reads the inventory a page at a
// time and holds no database connection while yielding, so the caller may
// commit as it goes.
func (s *Store) Unmarked(ctx context.Context, instance string, gen int64) iter.Seq2[tributary.InventoryEntry, error] {
	return func(yield func(tributary.InventoryEntry, error) bool) {
		after := ""
		for {
			page, err := s.unmarkedPage(ctx, instance, gen, after)
			if err != nil {
				yield(tributary.InventoryEntry{}, fmt.Errorf("list unmarked inventory of %s: %w", instance, err))
				return
			}
			for _, e := range page {
				if !yield(e, nil) {
					return
				}
			}
			if len(page) < pageSize {
				return
			}
			after = page[len(page)-1].ID
		}
	}
}

func (s *Store) unmarkedPage(ctx context.Context, instance string, gen int64, after string) ([]tributary.InventoryEntry, error) {
	rows, err := s.db.QueryContext(ctx, `
		SELECT d.id, d.updated_at, d.hash, d.access_hash FROM documents d
		JOIN instances i ON i.id = d.instance_id
		LEFT JOIN marks m ON m.instance_id = d.instance_id AND m.id = d.id
		WHERE i.name = ? AND d.id > ? AND (m.gen IS NULL OR m.gen != ?)
		ORDER BY d.id LIMIT ?`, instance, after, gen, pageSize)
	if err != nil {
		return nil, err
	}
	var page []tributary.InventoryEntry
	for e, err := range scanEntries(rows) {
		if err != nil {
			return nil, err
		}
		page = append(page, e)
	}
	return page, nil
}

// Count implements tributary.Store.
func (s *Store) Count(ctx context.Context, instance string) (int, error) {
	var n int
	err := s.db.QueryRowContext(ctx, `
		SELECT COUNT(*) FROM documents d JOIN instances i ON i.id = d.instance_id
		WHERE i.name = ?`, instance).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count inventory of %s: %w", instance, err)
	}
	return n, nil
}

// Reset implements tributary.Store: the instance, its state, checkpoint,
// failures, inventory and marks are deleted in one transaction.
func (s *Store) Reset(ctx context.Context, instance string) error {
	return s.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, `DELETE FROM instances WHERE name = ?`, instance)
		return err
	}, "reset "+instance)
}

// inTx runs f in one immediate transaction and commits it, or rolls it back
// when f fails.
func (s *Store) inTx(ctx context.Context, f func(*sql.Tx) error, op string) error {
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := f(tx); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("%s: %w", op, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// instanceID returns the row id of the named instance, creating it.
func instanceID(ctx context.Context, tx *sql.Tx, name string) (int64, error) {
	var id int64
	t := now()
	err := tx.QueryRowContext(ctx, `
		INSERT INTO instances (name, created_at, updated_at) VALUES (?, ?, ?)
		ON CONFLICT (name) DO UPDATE SET updated_at = excluded.updated_at
		RETURNING id`, name, t, t).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("find instance: %w", err)
	}
	return id, nil
}

func scanEntries(rows *sql.Rows) iter.Seq2[tributary.InventoryEntry, error] {
	return func(yield func(tributary.InventoryEntry, error) bool) {
		defer rows.Close()
		for rows.Next() {
			var e tributary.InventoryEntry
			var updated sql.NullString
			err := rows.Scan(&e.ID, &updated, &e.Hash, &e.AccessHash)
			if err == nil {
				err = scanTime(updated, &e.UpdatedAt)
			}
			if !yield(e, err) || err != nil {
				return
			}
		}
		if err := rows.Err(); err != nil {
			yield(tributary.InventoryEntry{}, err)
		}
	}
}

// Times are stored as RFC 3339 text in UTC with nanoseconds; the zero time
// is NULL. A time outside years 0-9999, which RFC 3339 cannot write, is
// stored as "@seconds.nanoseconds" since the Unix epoch.
func timeValue(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	if y := t.Year(); y < 0 || y > 9999 {
		return fmt.Sprintf("@%d.%09d", t.Unix(), t.Nanosecond())
	}
	return t.Format(time.RFC3339Nano)
}

func scanTime(v sql.NullString, t *time.Time) error {
	if !v.Valid {
		*t = time.Time{}
		return nil
	}
	if rest, ok := strings.CutPrefix(v.String, "@"); ok {
		var sec, nsec int64
		if _, err := fmt.Sscanf(rest, "%d.%d", &sec, &nsec); err != nil {
			return fmt.Errorf("stored time %q: %w", v.String, err)
		}
		*t = time.Unix(sec, nsec).UTC()
		return nil
	}
	p, err := time.Parse(time.RFC3339Nano, v.String)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", v.String, err)
	}
	*t = p.UTC()
	return nil
}

func now() string { return time.Now().UTC().Format(time.RFC3339Nano) }
