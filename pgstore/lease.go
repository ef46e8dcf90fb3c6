package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"os"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/tributary-dev/tributary"
)

// DefaultLeaseTTL is how long a lease lasts past its last renewal when
// Acquire is given no duration.
const DefaultLeaseTTL = time.Minute

var (
	// ErrLeased is the error of taking, or writing through the Store to, an
	// instance whose lease another worker holds.
	ErrLeased = errors.New("instance leased by another worker")
	// ErrLeaseLost is the error of writing through a lease that expired or
	// was released: another worker may have taken the instance since.
	ErrLeaseLost = errors.New("lease lost")
)

// LeaseError is a refusal because of an instance's lease; it matches
// ErrLeased or ErrLeaseLost.
type LeaseError struct {
	Instance string
	Holder   string    // the live lease's holder (host:pid), for ErrLeased
	Until    time.Time // when the live lease expires unless renewed, for ErrLeased
	Err      error     // ErrLeased or ErrLeaseLost
}

func (e *LeaseError) Error() string {
	if errors.Is(e.Err, ErrLeased) {
		return fmt.Sprintf("%s: %v (%s, until %s)", e.Instance, e.Err, e.Holder, e.Until.UTC().Format(time.RFC3339))
	}
	return fmt.Sprintf("%s: %v", e.Instance, e.Err)
}

func (e *LeaseError) Unwrap() error { return e.Err }

// Lease is one worker's hold on one instance. It is a tributary.Store for
// that instance: reads go to the Store, and every write checks in its own
// transaction that the lease is still live, and renews it. Hand it to the
// runner as its Store. Writes for another instance are refused.
//
// Besides its row, a lease holds a session advisory lock on a connection of
// its own, outside the Store's pool, so a worker that dies (its connection closes) frees the instance
// at once, and one that stalls past its lease's expiry has that connection
// ended by the next worker to ask. Its methods are safe for concurrent use.
type Lease struct {
	s        *Store
	instance string
	holder   string
	ttl      time.Duration

	mu   sync.Mutex
	conn *pgx.Conn // apart from the pool, holds the advisory lock; nil once released
}

var (
	_ tributary.ValueStore = (*Lease)(nil)
	_ tributary.RetryStore = (*Lease)(nil)
)

// takeoverWait bounds how long Acquire waits for an expired holder's
// connection to end once it asked the server to end it.
const takeoverWait = 10 * time.Second

// Acquire takes the instance's lease for ttl (DefaultLeaseTTL when zero or
// less), or fails with a *LeaseError matching ErrLeased while another
// worker's lease is live. The holder keeps it by writing through it, or by
// calling Renew, more often than ttl, and gives it up with Release.
func (s *Store) Acquire(ctx context.Context, instance string, ttl time.Duration) (*Lease, error) {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	l := &Lease{s: s, instance: instance, holder: hex.EncodeToString(b[:]), ttl: ttl}
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("acquire lease of %s: %w", instance, err)
	}
	if err := l.lock(ctx, conn); err != nil {
		_ = conn.Close(context.Background())
		return nil, fmt.Errorf("acquire lease: %w", err)
	}
	host, _ := os.Hostname()
	_, err = conn.Exec(ctx, `
		INSERT INTO tributary_leases (name, holder, label, pid, expires_at)
		VALUES ($1, $2, $3, pg_backend_pid(), now() + make_interval(secs => $4))
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, label = excluded.label,
			pid = excluded.pid, expires_at = excluded.expires_at`,
		instance, l.holder, fmt.Sprintf("%s:%d", host, os.Getpid()), ttl.Seconds())
	if err != nil {
		l.drop(conn)
		return nil, fmt.Errorf("acquire lease of %s: %w", instance, err)
	}
	l.conn = conn
	s.mu.Lock()
	if s.leases == nil {
		s.leases = make(map[*Lease]struct{})
	}
	s.leases[l] = struct{}{}
	s.mu.Unlock()
	return l, nil
}

// Hold takes the instance's lease for DefaultLeaseTTL and keeps it (see
// Keep) until release, which gives it up. The Store it returns is the lease.
// Its shape is the one hosts that run instances on many workers take, such
// as the Temporal module's Worker.Hold.
func (s *Store) Hold(ctx context.Context, instance string) (st tributary.Store, release func(), err error) {
	l, err := s.Acquire(ctx, instance, DefaultLeaseTTL)
	if err != nil {
		return nil, nil, err
	}
	stop := l.Keep(ctx)
	return l, func() {
		stop()
		_ = l.Release(context.Background())
	}, nil
}

// lock takes the instance's advisory lock on conn. While another session
// holds it, that holder is alive: the lease is refused unless its row has
// expired, in which case the holder's session is ended and its lock waited
// for.
func (l *Lease) lock(ctx context.Context, conn *pgx.Conn) error {
	var got bool
	if err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock(hashtextextended($1, 0))`, l.instance).Scan(&got); err != nil {
		return fmt.Errorf("%s: %w", l.instance, err)
	}
	if got {
		return nil
	}
	le := &LeaseError{Instance: l.instance, Err: ErrLeased}
	var pid int32
	var expired bool
	err := conn.QueryRow(ctx, `SELECT label, pid, expires_at, expires_at <= now() FROM tributary_leases WHERE name = $1`,
		l.instance).Scan(&le.Holder, &pid, &le.Until, &expired)
	if err != nil || !expired {
		return le
	}
	if _, err := conn.Exec(ctx, `SELECT pg_terminate_backend($1)`, pid); err != nil {
		return le
	}
	_, err = conn.Exec(ctx, fmt.Sprintf(`SET lock_timeout = %d`, takeoverWait.Milliseconds()))
	if err == nil {
		_, err = conn.Exec(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, l.instance)
		_, _ = conn.Exec(ctx, `RESET lock_timeout`)
	}
	if err != nil {
		return le
	}
	return nil
}

// drop closes conn, which ends its session and so frees the lock.
func (l *Lease) drop(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

// checkLease makes sure a write may go ahead: with l nil, that no live
// lease is held on the instance; otherwise that l is its live lease, which
// it renews. The row stays locked until the transaction ends, so a lease
// cannot change hands under a write.
func checkLease(ctx context.Context, tx pgx.Tx, instance string, l *Lease) error {
	if l == nil {
		le := &LeaseError{Instance: instance, Err: ErrLeased}
		err := tx.QueryRow(ctx, `
			SELECT label, expires_at FROM tributary_leases
			WHERE name = $1 AND expires_at > now() FOR SHARE`, instance).Scan(&le.Holder, &le.Until)
		if errors.Is(err, pgx.ErrNoRows) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read lease: %w", err)
		}
		return le
	}
	if instance != l.instance {
		return fmt.Errorf("write to %s through the lease of %s", instance, l.instance)
	}
	l.mu.Lock()
	released := l.conn == nil
	l.mu.Unlock()
	if released {
		return &LeaseError{Instance: l.instance, Err: ErrLeaseLost}
	}
	return l.renew(ctx, tx)
}

func (l *Lease) renew(ctx context.Context, q interface {
	QueryRow(context.Context, string, ...any) pgx.Row
}) error {
	err := q.QueryRow(ctx, `
		UPDATE tributary_leases SET expires_at = now() + make_interval(secs => $3)
		WHERE name = $1 AND holder = $2 AND expires_at > now()
		RETURNING holder`, l.instance, l.holder, l.ttl.Seconds()).Scan(new(string))
	if errors.Is(err, pgx.ErrNoRows) {
		return &LeaseError{Instance: l.instance, Err: ErrLeaseLost}
	}
	if err != nil {
		return fmt.Errorf("renew lease: %w", err)
	}
	return nil
}

// Instance returns the name of the leased instance.
func (l *Lease) Instance() string { return l.instance }

// Renew extends the lease by its duration from now, or fails with a
// *LeaseError matching ErrLeaseLost when it is no longer live or its
// connection was lost.
func (l *Lease) Renew(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return fmt.Errorf("renew lease: %w", &LeaseError{Instance: l.instance, Err: ErrLeaseLost})
	}
	err := l.renew(ctx, l.conn)
	if err != nil && !errors.Is(err, ErrLeaseLost) && ctx.Err() == nil {
		err = fmt.Errorf("%w: %w", &LeaseError{Instance: l.instance, Err: ErrLeaseLost}, err)
	}
	if err != nil {
		return fmt.Errorf("renew lease: %w", err)
	}
	return nil
}

// Keep renews the lease in the background, a third of its duration at a
// time, until stop is called, so that a run whose batches take longer than
// the lease (a long rate-limit wait) keeps it while it lives. A renewal that
// finds the lease lost stops renewing: the next write through the lease is
// refused with ErrLeaseLost.
func (l *Lease) Keep(ctx context.Context) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	var wg sync.WaitGroup
	wg.Go(func() {
		tick := time.NewTicker(l.ttl / 3)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
				if err := l.Renew(ctx); errors.Is(err, ErrLeaseLost) {
					return
				}
			}
		}
	})
	return func() { cancel(); wg.Wait() }
}

// Release gives the lease up; later writes through it fail with
// ErrLeaseLost. Releasing a lease already lost or released does nothing.
func (l *Lease) Release(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn == nil {
		return nil
	}
	conn := l.conn
	l.conn = nil
	l.s.mu.Lock()
	delete(l.s.leases, l)
	l.s.mu.Unlock()
	_, err := conn.Exec(ctx, `DELETE FROM tributary_leases WHERE name = $1 AND holder = $2`, l.instance, l.holder)
	if err == nil {
		// Unlocked here, not by the session's end: a closed connection's
		// backend lets go of its locks a moment after Close returns, and
		// an Acquire in that moment would find the instance still held.
		_, err = conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, l.instance)
	}
	if err != nil {
		// The lock goes with the connection; the row's holder is left
		// behind, so this lease's writes are refused all the same.
		l.drop(conn)
		if errors.Is(err, ctx.Err()) {
			return fmt.Errorf("release lease of %s: %w", l.instance, err)
		}
		return nil
	}
	l.drop(conn)
	return nil
}

// State implements tributary.Store.
func (l *Lease) State(ctx context.Context, instance string) (tributary.State, error) {
	return l.s.State(ctx, instance)
}

// Commit implements tributary.Store, under the lease.
func (l *Lease) Commit(ctx context.Context, instance string, c tributary.Commit) error {
	return l.s.write(ctx, instance, l, "commit to "+instance, func(tx pgx.Tx, id int64) error {
		return commit(ctx, tx, id, c)
	})
}

// Retries implements tributary.RetryStore.
func (l *Lease) Retries(ctx context.Context, instance string, maxAttempts, limit int) ([]tributary.Retry, error) {
	return l.s.Retries(ctx, instance, maxAttempts, limit)
}

// Values implements tributary.ValueStore.
func (l *Lease) Values(ctx context.Context, instance string, keys []string) (map[string][]byte, error) {
	return l.s.Values(ctx, instance, keys)
}

// Lookup implements tributary.Store.
func (l *Lease) Lookup(ctx context.Context, instance string, ids []string) (map[string]tributary.InventoryEntry, error) {
	return l.s.Lookup(ctx, instance, ids)
}

// Mark implements tributary.Store, under the lease.
func (l *Lease) Mark(ctx context.Context, instance string, gen int64, ids []string) error {
	return l.s.write(ctx, instance, l, "mark inventory of "+instance, func(tx pgx.Tx, id int64) error {
		return mark(ctx, tx, id, gen, ids)
	})
}

// Unmarked implements tributary.Store.
func (l *Lease) Unmarked(ctx context.Context, instance string, gen int64) iter.Seq2[tributary.InventoryEntry, error] {
	return l.s.Unmarked(ctx, instance, gen)
}

// Count implements tributary.Store.
func (l *Lease) Count(ctx context.Context, instance string) (int, error) {
	return l.s.Count(ctx, instance)
}

// Reset implements tributary.Store, under the lease, which it keeps.
func (l *Lease) Reset(ctx context.Context, instance string) error {
	return l.s.write(ctx, instance, l, "reset "+instance, func(tx pgx.Tx, _ int64) error {
		return reset(ctx, tx, instance)
	})
}
