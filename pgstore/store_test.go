package pgstore_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/pgtest"
	"github.com/tributary-dev/tributary/internal/storetest"
	"github.com/tributary-dev/tributary/pgstore"
)

func open(t testing.TB, url string) *pgstore.Store {
	t.Helper()
	s, err := pgstore.Open(t.Context(), url)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { _ = s.Close() })
	return s
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tributary.Store { return open(t, pgtest.Schema(t)) })
}

// TestLeasedStore runs the suite through a lease, as a worker would.
func TestLeasedStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) tributary.Store {
		return leased(t, open(t, pgtest.Schema(t)))
	})
}

// leased is a Store whose every instance is written through its own lease.
type leasedStore struct {
	*pgstore.Store
	t      *testing.T
	mu     sync.Mutex
	leases map[string]*pgstore.Lease
}

func leased(t *testing.T, s *pgstore.Store) *leasedStore {
	return &leasedStore{Store: s, t: t, leases: map[string]*pgstore.Lease{}}
}

func (s *leasedStore) lease(instance string) *pgstore.Lease {
	s.mu.Lock()
	defer s.mu.Unlock()
	if l := s.leases[instance]; l != nil {
		return l
	}
	l, err := s.Acquire(s.t.Context(), instance, time.Minute)
	if err != nil {
		s.t.Fatalf("Acquire: %v", err)
	}
	s.leases[instance] = l
	return l
}

func (s *leasedStore) Commit(ctx context.Context, instance string, c tributary.Commit) error {
	return s.lease(instance).Commit(ctx, instance, c)
}

func (s *leasedStore) Mark(ctx context.Context, instance string, gen int64, ids []string) error {
	return s.lease(instance).Mark(ctx, instance, gen, ids)
}

func (s *leasedStore) Reset(ctx context.Context, instance string) error {
	return s.lease(instance).Reset(ctx, instance)
}

func TestReopenKeepsEverything(t *testing.T) {
	url := pgtest.Schema(t)
	s := open(t, url)
	far := time.Date(12000, 1, 2, 3, 4, 5, 6, time.UTC)
	old := time.Date(-50, 1, 1, 0, 0, 0, 7, time.UTC)
	st := tributary.State{Window: tributary.Window{Start: old, End: far}, Checkpoint: tributary.Checkpoint(`{"p":1}`)}
	err := s.Commit(t.Context(), "file:/docs", tributary.Commit{
		State:    st,
		Upserts:  []tributary.InventoryEntry{{ID: "a", UpdatedAt: far, Hash: "h"}, {ID: "a", UpdatedAt: old, Hash: "h2"}},
		Failures: []*tributary.Failure{{DocumentID: "b", Link: "file:///b", Message: "unreadable", Err: errors.New("permission denied"), MissedEnd: far}},
	})
	require.NoError(t, err)
	require.NoError(t, s.Close())

	s = open(t, url)
	got, err := s.State(t.Context(), "file:/docs")
	require.NoError(t, err)
	assert.True(t, got.Window.Start.Equal(old), "window start %v", got.Window.Start)
	assert.True(t, got.Window.End.Equal(far), "window end %v", got.Window.End)
	assert.Equal(t, `{"p":1}`, string(got.Checkpoint))
	inv, err := s.Lookup(t.Context(), "file:/docs", []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, "h2", inv["a"].Hash, "an id given twice in one commit keeps its last entry")
	assert.True(t, inv["a"].UpdatedAt.Equal(old))

	fs, err := s.Failures(t.Context(), "file:/docs", 10)
	require.NoError(t, err)
	require.Len(t, fs, 1)
	assert.Equal(t, "b", fs[0].DocumentID)
	assert.EqualError(t, fs[0].Err, "permission denied")
	assert.True(t, fs[0].MissedEnd.Equal(far))
	assert.False(t, fs[0].At.IsZero())

	require.NoError(t, s.Commit(t.Context(), "b", tributary.Commit{State: st}))
	ins, err := s.Instances(t.Context())
	require.NoError(t, err)
	require.Len(t, ins, 2)
	assert.Equal(t, []string{"b", "file:/docs"}, []string{ins[0].Name, ins[1].Name}, "by name, as Go orders strings")
	assert.Equal(t, 1, ins[1].Documents)
	assert.Equal(t, 1, ins[1].Failures)
	assert.Zero(t, ins[0].Documents)
	assert.False(t, ins[1].UpdatedAt.Before(ins[1].CreatedAt))
}

func TestNewerSchemaRefused(t *testing.T) {
	url := pgtest.Schema(t)
	require.NoError(t, open(t, url).Close())
	pgtest.Exec(t, url, fmt.Sprintf(`UPDATE tributary_store_schema SET version = %d`, pgstore.SchemaVersion+1))
	_, err := pgstore.Open(t.Context(), url)
	require.ErrorIs(t, err, pgstore.ErrNewerSchema)
	assert.Contains(t, err.Error(), "newer than this build")
}

// A schema of version 1 keeps its inventory and gains the connector values
// table when a newer build opens it.
func TestMigrateFromVersion1(t *testing.T) {
	url := pgtest.Schema(t)
	s := open(t, url)
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{{ID: "a", Hash: "h"}}}))
	require.NoError(t, s.Close())
	pgtest.Exec(t, url, `DROP TABLE tributary_credentials; DROP TABLE tributary_values; DROP TABLE tributary_retries; ALTER TABLE tributary_inventory DROP COLUMN access_hash;
		UPDATE tributary_store_schema SET version = 1`)

	s = open(t, url)
	n, err := s.Count(t.Context(), "i")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Values: map[string][]byte{"k": []byte("v")}}))
	got, err := s.Values(t.Context(), "i", []string{"k"})
	require.NoError(t, err)
	assert.Equal(t, map[string][]byte{"k": []byte("v")}, got)
}

// A schema of version 3 keeps its inventory and gains the access hash
// column when a newer build opens it: its entries read with no access
// hash, so the next permission sync delivers their access once.
func TestMigrateFromVersion3(t *testing.T) {
	url := pgtest.Schema(t)
	s := open(t, url)
	at := time.Date(2024, 1, 2, 0, 0, 0, 0, time.UTC)
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{{ID: "a", UpdatedAt: at, Hash: "h", AccessHash: "gone"}}}))
	require.NoError(t, s.Close())
	pgtest.Exec(t, url, `DROP TABLE tributary_credentials; ALTER TABLE tributary_inventory DROP COLUMN access_hash;
		UPDATE tributary_store_schema SET version = 3`)

	s = open(t, url)
	got, err := s.Lookup(t.Context(), "i", []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, tributary.InventoryEntry{ID: "a", UpdatedAt: at, Hash: "h"}, got["a"])
	e := got["a"]
	e.AccessHash = "x"
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{e}}))
	got, err = s.Lookup(t.Context(), "i", []string{"a"})
	require.NoError(t, err)
	assert.Equal(t, e, got["a"])
}

func TestOpenConcurrently(t *testing.T) {
	url := pgtest.Schema(t)
	errs := make(chan error, 6)
	for range 6 {
		go func() {
			s, err := pgstore.Open(t.Context(), url)
			if err == nil {
				_ = s.Close()
			}
			errs <- err
		}()
	}
	for range 6 {
		assert.NoError(t, <-errs)
	}
}

func TestLease(t *testing.T) {
	url := pgtest.Schema(t)
	s := open(t, url)
	ctx := t.Context()
	a, err := s.Acquire(ctx, "i", time.Minute)
	require.NoError(t, err)
	require.NoError(t, a.Commit(ctx, "i", tributary.Commit{State: tributary.State{LastGoodEnd: time.Unix(1, 0)}}))

	_, err = s.Acquire(ctx, "i", time.Minute)
	le, ok := errors.AsType[*pgstore.LeaseError](err)
	require.True(t, ok, "second Acquire = %v, want a *LeaseError", err)
	assert.ErrorIs(t, err, pgstore.ErrLeased)
	assert.NotEmpty(t, le.Holder)
	assert.True(t, le.Until.After(time.Now()))

	err = s.Commit(ctx, "i", tributary.Commit{})
	assert.ErrorIs(t, err, pgstore.ErrLeased, "a write around the lease")
	assert.Error(t, a.Commit(ctx, "other", tributary.Commit{}), "a write to another instance")

	// The lease expires (as if its worker stalled) and another worker takes it.
	pgtest.Exec(t, url, `UPDATE tributary_leases SET expires_at = now() - interval '1 second'`)
	b, err := s.Acquire(ctx, "i", time.Minute)
	require.NoError(t, err)
	for name, err := range map[string]error{
		"Commit": a.Commit(ctx, "i", tributary.Commit{State: tributary.State{LastGoodEnd: time.Unix(2, 0)}}),
		"Mark":   a.Mark(ctx, "i", 1, []string{"x"}),
		"Reset":  a.Reset(ctx, "i"),
		"Renew":  a.Renew(ctx),
	} {
		assert.ErrorIs(t, err, pgstore.ErrLeaseLost, "%s through a lost lease", name)
	}
	st, err := s.State(ctx, "i")
	require.NoError(t, err)
	assert.True(t, st.LastGoodEnd.Equal(time.Unix(1, 0)), "the lost lease's commit was refused")
	require.NoError(t, a.Release(ctx), "releasing a lost lease does nothing")
	require.NoError(t, b.Renew(ctx))
	require.NoError(t, b.Commit(ctx, "i", tributary.Commit{}))

	require.NoError(t, b.Release(ctx))
	assert.ErrorIs(t, b.Commit(ctx, "i", tributary.Commit{}), pgstore.ErrLeaseLost)
	require.NoError(t, s.Commit(ctx, "i", tributary.Commit{}), "a released instance takes plain writes")
	_, err = s.Acquire(ctx, "i", 0)
	require.NoError(t, err)
}

// TestAcquireRightAfterRelease: a released lease can be taken again at
// once, from another connection: Release lets go of the lock itself rather
// than leaving it to the end of its session, which the server finishes a
// moment after the connection closes.
func TestAcquireRightAfterRelease(t *testing.T) {
	s := open(t, pgtest.Schema(t))
	for i := range 40 {
		l, err := s.Acquire(t.Context(), "i", time.Minute)
		require.NoError(t, err, "Acquire %d", i)
		require.NoError(t, l.Release(t.Context()))
	}
}

// TestLeaseOfDeadWorker: a worker whose connection ends (its process was
// killed) frees its instance at once, however long its lease had to run.
func TestLeaseOfDeadWorker(t *testing.T) {
	url := pgtest.Schema(t)
	s := open(t, url)
	a, err := s.Acquire(t.Context(), "i", time.Hour)
	require.NoError(t, err)
	_, err = s.Acquire(t.Context(), "i", time.Hour)
	require.ErrorIs(t, err, pgstore.ErrLeased)
	pgtest.Exec(t, url, `SELECT pg_terminate_backend(pid, 5000) FROM tributary_leases`)
	b, err := s.Acquire(t.Context(), "i", time.Hour)
	require.NoError(t, err)
	assert.ErrorIs(t, a.Commit(t.Context(), "i", tributary.Commit{}), pgstore.ErrLeaseLost)
	assert.ErrorIs(t, a.Renew(t.Context()), pgstore.ErrLeaseLost)
	require.NoError(t, b.Commit(t.Context(), "i", tributary.Commit{}))
}

func TestPasswordNeverInErrors(t *testing.T) {
	const pw = "s3cret-Pa55word"
	for _, conn := range []string{
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=disable&connect_timeout=2",
		"postgres://u:" + pw + "@127.0.0.1:1/db?sslmode=nonsense",
		"postgres://u:" + pw + "@[::1/db",
		"host=127.0.0.1 port=1 user=u password=" + pw + " sslmode=disable connect_timeout=2",
		"host=127.0.0.1 port=notaport password=" + pw,
	} {
		_, err := pgstore.Open(t.Context(), conn)
		require.Error(t, err, conn)
		assert.NotContains(t, err.Error(), pw)
		assert.NotContains(t, fmt.Sprintf("%+v", err), pw)
	}
}

// TestManyLeases: leases hold connections of their own, so a worker with
// more leases than the pool has connections still commits.
func TestManyLeases(t *testing.T) {
	s := open(t, pgtest.Schema(t))
	for i := range 12 {
		name := fmt.Sprintf("i%d", i)
		l, err := s.Acquire(t.Context(), name, time.Minute)
		require.NoError(t, err)
		require.NoError(t, l.Commit(t.Context(), name, tributary.Commit{}))
	}
}

// TestLeaseKeep: a kept lease outlives its duration while its run lives,
// and lapses once the keeping stops.
func TestLeaseKeep(t *testing.T) {
	s := open(t, pgtest.Schema(t))
	ctx := t.Context()
	const ttl = 300 * time.Millisecond
	l, err := s.Acquire(ctx, "i", ttl)
	require.NoError(t, err)
	stop := l.Keep(ctx)
	time.Sleep(4 * ttl)
	require.NoError(t, l.Commit(ctx, "i", tributary.Commit{}), "kept past its duration")
	stop()
	time.Sleep(2 * ttl)
	assert.ErrorIs(t, l.Commit(ctx, "i", tributary.Commit{}), pgstore.ErrLeaseLost, "lapsed once no longer kept")
	_, err = s.Acquire(ctx, "i", ttl)
	require.NoError(t, err, "another worker takes a lapsed lease")
}
