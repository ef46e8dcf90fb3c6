package pgstore

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"iter"
	"os"
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
type Lease struct {
	s        *Store
	instance string
	holder   string
	ttl      time.Duration
}

var _ tributary.Store = (*Lease)(nil)

// Acquire takes the instance's lease for ttl (DefaultLeaseTTL when zero or
// less), or fails with a *LeaseError matching ErrLeased while another
// worker's lease is live. The holder keeps it by writing through it, or by
// calling Renew, more often than ttl.
func (s *Store) Acquire(ctx context.Context, instance string, ttl time.Duration) (*Lease, error) {
	if ttl <= 0 {
		ttl = DefaultLeaseTTL
	}
	var b [16]byte
	_, _ = rand.Read(b[:])
	l := &Lease{s: s, instance: instance, holder: hex.EncodeToString(b[:]), ttl: ttl}
	host, _ := os.Hostname()
	label := fmt.Sprintf("%s:%d", host, os.Getpid())
	err := s.pool.QueryRow(ctx, `
		INSERT INTO tributary_leases (name, holder, label, expires_at)
		VALUES ($1, $2, $3, now() + make_interval(secs => $4))
		ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, label = excluded.label,
			expires_at = excluded.expires_at
		WHERE tributary_leases.expires_at <= now()
		RETURNING holder`, instance, l.holder, label, ttl.Seconds()).Scan(new(string))
	if errors.Is(err, pgx.ErrNoRows) {
		le := &LeaseError{Instance: instance, Err: ErrLeased}
		_ = s.pool.QueryRow(ctx, `SELECT label, expires_at FROM tributary_leases WHERE name = $1`,
			instance).Scan(&le.Holder, &le.Until)
		return nil, fmt.Errorf("acquire lease: %w", le)
	}
	if err != nil {
		return nil, fmt.Errorf("acquire lease of %s: %w", instance, err)
	}
	return l, nil
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
// *LeaseError matching ErrLeaseLost when it is no longer live.
func (l *Lease) Renew(ctx context.Context) error {
	if err := l.renew(ctx, l.s.pool); err != nil {
		return fmt.Errorf("renew lease: %w", err)
	}
	return nil
}

// Release gives the lease up; later writes through it fail with
// ErrLeaseLost. Releasing a lease already lost does nothing.
func (l *Lease) Release(ctx context.Context) error {
	_, err := l.s.pool.Exec(ctx, `DELETE FROM tributary_leases WHERE name = $1 AND holder = $2`, l.instance, l.holder)
	if err != nil {
		return fmt.Errorf("release lease of %s: %w", l.instance, err)
	}
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
