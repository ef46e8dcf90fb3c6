// Package pgstore is a tributary.Store kept in PostgreSQL, so that many
// workers (the Temporal module's, or a backend's own job system) share one
// store of their connectors' windows, checkpoints, failures, inventory and
// prune marks.
//
// Every Commit is one transaction. A worker runs an instance under a Lease
// (Store.Acquire): a row with an expiry, renewed by each write made through
// the lease and by Renew, and a session advisory lock on a connection of the
// lease's own, so a worker that dies frees the instance at once. While a lease is live no other lease of the
// instance can be taken, and writes through the Store itself are refused with
// ErrLeased; a write through a lease that expired, was released, or was taken
// over after it expired is refused with ErrLeaseLost, so a worker that stalled
// past its lease can never overwrite the newer worker's checkpoint.
//
// The schema (tables named tributary_*, in the connection's search_path)
// carries a version and is migrated forward when a newer build connects; an
// older build refuses a newer schema with ErrNewerSchema. The state the
// runner stores holds no credentials; credentials are kept only when a host
// asks for a CredentialsProvider, which workers share. The connection
// string's password never appears in an error.
package pgstore

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/pgconf"
)

// pageSize is how many inventory entries Unmarked reads per query; no
// connection is held while the caller handles a page.
const pageSize = 512

// ErrNewerSchema is the error of opening a database whose schema a newer
// build wrote.
var ErrNewerSchema = errors.New("schema from a newer version")

// Store is a tributary.Store in a PostgreSQL database. It is safe for
// concurrent use by many goroutines and processes.
type Store struct {
	pool *pgxpool.Pool

	mu     sync.Mutex
	leases map[*Lease]struct{} // held, released by Close
}

var (
	_ tributary.ValueStore = (*Store)(nil)
	_ tributary.RetryStore = (*Store)(nil)
)

// Open connects to the database that connString names (a postgres:// URL or
// key=value pairs, as libpq reads them) and migrates its schema.
func Open(ctx context.Context, connString string) (*Store, error) {
	pool, err := pgconf.Pool(ctx, connString)
	if err != nil {
		return nil, fmt.Errorf("open state database: %w", err)
	}
	if err := migrate(ctx, pool); err != nil {
		pool.Close()
		return nil, fmt.Errorf("open state database: %w", err)
	}
	return &Store{pool: pool}, nil
}

// Close releases the leases still held and closes the store's
// connections.
func (s *Store) Close() error {
	s.mu.Lock()
	held := make([]*Lease, 0, len(s.leases))
	for l := range s.leases {
		held = append(held, l)
	}
	s.mu.Unlock()
	for _, l := range held {
		_ = l.Release(context.Background())
	}
	s.pool.Close()
	return nil
}

// State implements tributary.Store.
func (s *Store) State(ctx context.Context, instance string) (tributary.State, error) {
	var st tributary.State
	var start, end, lastGood *string
	var full *bool
	var cp []byte
	err := s.pool.QueryRow(ctx, `
		SELECT w.window_start, w.window_end, w.full_load, w.last_good_end, c.data
		FROM tributary_instances i
		LEFT JOIN tributary_windows w ON w.instance_id = i.id
		LEFT JOIN tributary_checkpoints c ON c.instance_id = i.id
		WHERE i.name = $1`, instance).Scan(&start, &end, &full, &lastGood, &cp)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, nil
	}
	if err != nil {
		return st, fmt.Errorf("read state of %s: %w", instance, err)
	}
	st.Full = full != nil && *full
	if len(cp) > 0 {
		st.Checkpoint = cp
	}
	if err := errors.Join(scanTime(start, &st.Window.Start), scanTime(end, &st.Window.End),
		scanTime(lastGood, &st.LastGoodEnd)); err != nil {
		return tributary.State{}, fmt.Errorf("read state of %s: %w", instance, err)
	}
	return st, nil
}

// Commit implements tributary.Store: the state, inventory changes and
// failures are written in one transaction. It is refused with ErrLeased while
// a worker holds the instance's lease.
func (s *Store) Commit(ctx context.Context, instance string, c tributary.Commit) error {
	return s.write(ctx, instance, nil, "commit to "+instance, func(tx pgx.Tx, id int64) error {
		return commit(ctx, tx, id, c)
	})
}

func commit(ctx context.Context, tx pgx.Tx, id int64, c tributary.Commit) error {
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
}

// writeRetries takes the commit's delivered, removed and resolved documents
// off the retry queue, then queues its failures under document ids, each
// in one statement.
func writeRetries(ctx context.Context, tx pgx.Tx, id int64, c tributary.Commit) error {
	done := make([]string, 0, len(c.Upserts)+len(c.Removals)+len(c.Resolved))
	for _, e := range c.Upserts {
		done = append(done, e.ID)
	}
	done = append(append(done, c.Removals...), c.Resolved...)
	if len(done) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM tributary_retries WHERE instance_id = $1 AND document_id = ANY($2::text[])`,
			id, done); err != nil {
			return fmt.Errorf("dequeue retries: %w", err)
		}
	}
	var ids, messages []string
	for _, f := range c.Failures {
		if f != nil && f.DocumentID != "" {
			ids, messages = append(ids, f.DocumentID), append(messages, text(f.Error()))
		}
	}
	if len(ids) == 0 {
		return nil
	}
	at := c.Time
	if at.IsZero() {
		at = time.Now()
	}
	// A document failed twice in one commit counts two attempts.
	if _, err := tx.Exec(ctx, `
		INSERT INTO tributary_retries (instance_id, document_id, attempts, last_failed, message)
		SELECT $1, u.id, count(*), $3, (array_agg(u.message ORDER BY u.n DESC))[1]
		FROM unnest($2::text[], $4::text[]) WITH ORDINALITY AS u(id, message, n)
		GROUP BY u.id
		ON CONFLICT (instance_id, document_id) DO UPDATE SET
			attempts = tributary_retries.attempts + excluded.attempts,
			last_failed = excluded.last_failed, message = excluded.message`,
		id, ids, at.UnixNano(), messages); err != nil {
		return fmt.Errorf("queue retries: %w", err)
	}
	return nil
}

// Retries implements tributary.RetryStore.
func (s *Store) Retries(ctx context.Context, instance string, maxAttempts, limit int) ([]tributary.Retry, error) {
	rows, err := s.pool.Query(ctx, `
		SELECT r.document_id, r.attempts, r.last_failed, r.message FROM tributary_retries r
		JOIN tributary_instances i ON i.id = r.instance_id
		WHERE i.name = $1 AND r.attempts < $2
		ORDER BY r.last_failed, r.document_id LIMIT $3`, instance, maxAttempts, max(limit, 0))
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

// writeValues stores a commit's connector values in two statements: one
// upsert for the values put, one delete for the keys put nil.
func writeValues(ctx context.Context, tx pgx.Tx, id int64, values map[string][]byte) error {
	var keys, gone []string
	var data [][]byte
	for k, v := range values {
		if v == nil {
			gone = append(gone, k)
			continue
		}
		keys, data = append(keys, k), append(data, v)
	}
	if len(keys) > 0 {
		if _, err := tx.Exec(ctx, `
			INSERT INTO tributary_values (instance_id, key, value)
			SELECT $1, u.key, u.value FROM unnest($2::text[], $3::bytea[]) AS u(key, value)
			ON CONFLICT (instance_id, key) DO UPDATE SET value = excluded.value`,
			id, keys, data); err != nil {
			return fmt.Errorf("write connector values: %w", err)
		}
	}
	if len(gone) > 0 {
		if _, err := tx.Exec(ctx, `DELETE FROM tributary_values WHERE instance_id = $1 AND key = ANY($2::text[])`,
			id, gone); err != nil {
			return fmt.Errorf("delete connector values: %w", err)
		}
	}
	return nil
}

// Values implements tributary.ValueStore.
func (s *Store) Values(ctx context.Context, instance string, keys []string) (map[string][]byte, error) {
	if len(keys) == 0 {
		return nil, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, `
		SELECT v.key, v.value FROM tributary_values v
		JOIN tributary_instances i ON i.id = v.instance_id
		WHERE i.name = $1 AND v.key = ANY($2::text[])`, instance, keys)
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

func writeState(ctx context.Context, tx pgx.Tx, id int64, st tributary.State) error {
	_, err := tx.Exec(ctx, `
		INSERT INTO tributary_windows (instance_id, window_start, window_end, full_load, last_good_end)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (instance_id) DO UPDATE SET window_start = excluded.window_start,
			window_end = excluded.window_end, full_load = excluded.full_load,
			last_good_end = excluded.last_good_end`,
		id, timeValue(st.Window.Start), timeValue(st.Window.End), st.Full, timeValue(st.LastGoodEnd))
	if err != nil {
		return fmt.Errorf("write window: %w", err)
	}
	if st.Checkpoint.IsZero() {
		_, err = tx.Exec(ctx, `DELETE FROM tributary_checkpoints WHERE instance_id = $1`, id)
	} else {
		_, err = tx.Exec(ctx, `
			INSERT INTO tributary_checkpoints (instance_id, data) VALUES ($1, $2)
			ON CONFLICT (instance_id) DO UPDATE SET data = excluded.data, saved_at = now()`,
			id, []byte(st.Checkpoint))
	}
	if err != nil {
		return fmt.Errorf("write checkpoint: %w", err)
	}
	return nil
}

func writeInventory(ctx context.Context, tx pgx.Tx, id int64, upserts []tributary.InventoryEntry, removals []string) error {
	if len(upserts) > 0 {
		ids := make([]string, len(upserts))
		times := make([]*string, len(upserts))
		hashes := make([]string, len(upserts))
		access := make([]string, len(upserts))
		for i, e := range upserts {
			ids[i], times[i], hashes[i], access[i] = e.ID, timeValue(e.UpdatedAt), e.Hash, e.AccessHash
		}
		// One statement for the whole batch; an id given twice keeps its
		// last entry, as a sequence of upserts would.
		if _, err := tx.Exec(ctx, `
			INSERT INTO tributary_inventory (instance_id, id, updated_at, hash, access_hash)
			SELECT DISTINCT ON (u.id) $1, u.id, u.updated_at, u.hash, u.access_hash
			FROM unnest($2::text[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS u(id, updated_at, hash, access_hash, n)
			ORDER BY u.id, u.n DESC
			ON CONFLICT (instance_id, id) DO UPDATE SET updated_at = excluded.updated_at, hash = excluded.hash,
				access_hash = excluded.access_hash`,
			id, ids, times, hashes, access); err != nil {
			return fmt.Errorf("write inventory: %w", err)
		}
	}
	if len(removals) > 0 {
		for _, table := range []string{"tributary_inventory", "tributary_marks"} {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE instance_id = $1 AND id = ANY($2::text[])`,
				id, removals); err != nil {
				return fmt.Errorf("remove inventory entries: %w", err)
			}
		}
	}
	return nil
}

// writeAccess sets the access hashes of entries the inventory holds.
func writeAccess(ctx context.Context, tx pgx.Tx, id int64, access []tributary.AccessEntry) error {
	if len(access) == 0 {
		return nil
	}
	ids := make([]string, len(access))
	hashes := make([]string, len(access))
	for i, a := range access {
		ids[i], hashes[i] = a.ID, a.AccessHash
	}
	// One statement for the whole batch; an id given twice keeps its last
	// hash, as a sequence of updates would.
	if _, err := tx.Exec(ctx, `
		UPDATE tributary_inventory d SET access_hash = a.hash
		FROM (SELECT DISTINCT ON (u.id) u.id, u.hash
			FROM unnest($2::text[], $3::text[]) WITH ORDINALITY AS u(id, hash, n)
			ORDER BY u.id, u.n DESC) AS a
		WHERE d.instance_id = $1 AND d.id = a.id`,
		id, ids, hashes); err != nil {
		return fmt.Errorf("write access hashes: %w", err)
	}
	return nil
}

func writeFailures(ctx context.Context, tx pgx.Tx, id int64, failures []*tributary.Failure) error {
	for _, f := range failures {
		if f == nil {
			continue
		}
		var cause string
		if f.Err != nil {
			cause = f.Err.Error()
		}
		_, err := tx.Exec(ctx, `
			INSERT INTO tributary_failures (instance_id, document_id, entity_id, link, missed_start, missed_end, message, error)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			id, f.DocumentID, f.EntityID, f.Link, timeValue(f.MissedStart), timeValue(f.MissedEnd), text(f.Message), text(cause))
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
		return out, ctx.Err()
	}
	rows, err := s.pool.Query(ctx, `
		SELECT d.id, d.updated_at, d.hash, d.access_hash FROM tributary_inventory d
		JOIN tributary_instances i ON i.id = d.instance_id
		WHERE i.name = $1 AND d.id = ANY($2::text[])`, instance, ids)
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
	return s.write(ctx, instance, nil, "mark inventory of "+instance, func(tx pgx.Tx, id int64) error {
		return mark(ctx, tx, id, gen, ids)
	})
}

func mark(ctx context.Context, tx pgx.Tx, id int64, gen int64, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	_, err := tx.Exec(ctx, `
		INSERT INTO tributary_marks (instance_id, id, gen)
		SELECT DISTINCT $1::bigint, u.id, $2::bigint FROM unnest($3::text[]) AS u(id)
		ON CONFLICT (instance_id, id) DO UPDATE SET gen = excluded.gen`, id, gen, ids)
	return err
}

// Unmarked implements tributary.Store. It reads the inventory a page at a
// time and holds no connection while yielding, so the caller may commit as
// it goes.
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
	rows, err := s.pool.Query(ctx, `
		SELECT d.id, d.updated_at, d.hash, d.access_hash FROM tributary_inventory d
		JOIN tributary_instances i ON i.id = d.instance_id
		LEFT JOIN tributary_marks m ON m.instance_id = d.instance_id AND m.id = d.id
		WHERE i.name = $1 AND d.id > $2 AND (m.gen IS NULL OR m.gen <> $3)
		ORDER BY d.id LIMIT $4`, instance, after, gen, pageSize)
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
	err := s.pool.QueryRow(ctx, `
		SELECT count(*) FROM tributary_inventory d JOIN tributary_instances i ON i.id = d.instance_id
		WHERE i.name = $1`, instance).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("count inventory of %s: %w", instance, err)
	}
	return n, nil
}

// Reset implements tributary.Store: the instance, its state, checkpoint,
// failures, inventory and marks are deleted in one transaction. A lease on
// the instance is kept.
func (s *Store) Reset(ctx context.Context, instance string) error {
	return s.write(ctx, instance, nil, "reset "+instance, func(tx pgx.Tx, _ int64) error {
		return reset(ctx, tx, instance)
	})
}

func reset(ctx context.Context, tx pgx.Tx, instance string) error {
	_, err := tx.Exec(ctx, `DELETE FROM tributary_instances WHERE name = $1`, instance)
	return err
}

// write runs f in one transaction that first checks the instance's lease:
// with l nil, that no live lease is held; otherwise that l is still the
// live lease, which the transaction renews.
func (s *Store) write(ctx context.Context, instance string, l *Lease, op string, f func(pgx.Tx, int64) error) error {
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := checkLease(ctx, tx, instance, l); err != nil {
			return err
		}
		id, err := instanceID(ctx, tx, instance)
		if err != nil {
			return err
		}
		return f(tx, id)
	})
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	return nil
}

// instanceID returns the row id of the named instance, creating it.
func instanceID(ctx context.Context, tx pgx.Tx, name string) (int64, error) {
	var id int64
	err := tx.QueryRow(ctx, `
		INSERT INTO tributary_instances (name) VALUES ($1)
		ON CONFLICT (name) DO UPDATE SET updated_at = now()
		RETURNING id`, name).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("find instance: %w", err)
	}
	return id, nil
}

func scanEntries(rows pgx.Rows) iter.Seq2[tributary.InventoryEntry, error] {
	return func(yield func(tributary.InventoryEntry, error) bool) {
		defer rows.Close()
		for rows.Next() {
			var e tributary.InventoryEntry
			var updated *string
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

// Times are stored as RFC 3339 text in UTC with nanoseconds, as sqlitestore
// stores them (timestamptz keeps microseconds only); the zero time is NULL.
// A time outside years 0-9999 is stored as "@seconds.nanoseconds" since the
// Unix epoch.
func timeValue(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	var v string
	if y := t.Year(); y < 0 || y > 9999 {
		v = fmt.Sprintf("@%d.%09d", t.Unix(), t.Nanosecond())
	} else {
		v = t.Format(time.RFC3339Nano)
	}
	return &v
}

func scanTime(v *string, t *time.Time) error {
	if v == nil {
		*t = time.Time{}
		return nil
	}
	if rest, ok := strings.CutPrefix(*v, "@"); ok {
		var sec, nsec int64
		if _, err := fmt.Sscanf(rest, "%d.%d", &sec, &nsec); err != nil {
			return fmt.Errorf("stored time %q: %w", *v, err)
		}
		*t = time.Unix(sec, nsec).UTC()
		return nil
	}
	p, err := time.Parse(time.RFC3339Nano, *v)
	if err != nil {
		return fmt.Errorf("stored time %q: %w", *v, err)
	}
	*t = p.UTC()
	return nil
}

// text makes a failure's message something PostgreSQL's text holds: NUL
// bytes dropped, invalid UTF-8 as U+FFFD. An upstream's error text may
// carry either, and refusing it would fail the commit on every retry.
func text(s string) string {
	if !strings.ContainsRune(s, 0) && utf8.ValidString(s) {
		return s
	}
	return strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", ""), "\uFFFD")
}
