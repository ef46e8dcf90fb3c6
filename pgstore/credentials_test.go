package pgstore_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/oauthemu"
	"github.com/tributary-dev/tributary/internal/pgtest"
)

type tokens struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refresh_token"`
}

func TestCredentialsRefreshOnce(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", time.Hour)
	defer srv.Close()
	url := pgtest.Schema(t)
	// Two stores on one database stand for two workers.
	a, b := open(t, url).CredentialsProvider("github:x"), open(t, url).CredentialsProvider("github:x")
	access, refresh := srv.Grant()
	first, _ := json.Marshal(tokens{access, refresh})
	require.NoError(t, a.Set(t.Context(), first))

	spend := func(ctx context.Context, cur json.RawMessage) (json.RawMessage, error) {
		var c tokens
		if err := json.Unmarshal(cur, &c); err != nil {
			return nil, err
		}
		access, next, err := srv.Refresh(ctx, c.RefreshToken)
		if err != nil {
			return nil, err
		}
		return json.Marshal(tokens{access, next})
	}
	for round := 1; round <= 3; round++ {
		providers := []tributary.CredentialsProvider{a, b}
		got := make([]json.RawMessage, 8)
		errs := make([]error, len(got))
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range got {
			p := providers[i%2]
			stale, err := p.Credentials(t.Context())
			require.NoError(t, err)
			wg.Go(func() {
				<-start
				got[i], errs[i] = p.Refresh(t.Context(), stale, spend)
			})
		}
		close(start)
		wg.Wait()
		for i := range got {
			require.NoError(t, errs[i])
			assert.JSONEq(t, string(got[0]), string(got[i]))
		}
		require.Equal(t, round, srv.Refreshes(), "one refresh request per rotation")
		stored, err := b.Credentials(t.Context())
		require.NoError(t, err)
		assert.JSONEq(t, string(got[0]), string(stored))
	}

	// A failed refresh stores nothing.
	before, err := b.Credentials(t.Context())
	require.NoError(t, err)
	_, err = a.Refresh(t.Context(), before, func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return nil, errors.New("refused")
	})
	require.Error(t, err)
	after, err := b.Credentials(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, string(before), string(after))
}

// TestCredentialsRefreshWaiterHonoursContext: a Refresh waiting for the
// row lock another holds gives up when its context ends.
func TestCredentialsRefreshWaiterHonoursContext(t *testing.T) {
	url := pgtest.Schema(t)
	a, b := open(t, url).CredentialsProvider("x"), open(t, url).CredentialsProvider("x")
	require.NoError(t, a.Set(t.Context(), json.RawMessage(`{"token":"one"}`)))
	holding, release := make(chan struct{}), make(chan struct{})
	done := make(chan error, 1)
	go func() {
		_, err := a.Refresh(t.Context(), json.RawMessage(`{"token":"one"}`), func(context.Context, json.RawMessage) (json.RawMessage, error) {
			close(holding)
			<-release
			return json.RawMessage(`{"token":"two"}`), nil
		})
		done <- err
	}()
	<-holding
	ctx, cancel := context.WithCancel(t.Context())
	waited := make(chan error, 1)
	go func() {
		_, err := b.Refresh(ctx, json.RawMessage(`{"token":"one"}`), func(context.Context, json.RawMessage) (json.RawMessage, error) {
			return nil, errors.New("the waiter must not refresh")
		})
		waited <- err
	}()
	waitForLockWaiter(t, url)
	cancel()
	require.Error(t, <-waited)
	close(release)
	require.NoError(t, <-done)
	got, err := b.Credentials(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":"two"}`, string(got))
}

func TestCredentialsNoneStored(t *testing.T) {
	s := open(t, pgtest.Schema(t))
	_, err := s.CredentialsProvider("nobody").Credentials(t.Context())
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "nobody")
	_, err = s.CredentialsProvider("nobody").Refresh(t.Context(), json.RawMessage(`{}`),
		func(context.Context, json.RawMessage) (json.RawMessage, error) {
			t.Error("refresh called with none stored")
			return nil, nil
		})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	require.ErrorIs(t, s.CredentialsProvider("nobody").Set(t.Context(), json.RawMessage("{")), tributary.ErrInvalidConfig)
}

// TestCredentialsSecretsNotInErrors: no error of the provider carries the
// credentials it was handed or holds.
func TestCredentialsSecretsNotInErrors(t *testing.T) {
	const secret = "s3cr3t-refresh-token"
	s := open(t, pgtest.Schema(t))
	p := s.CredentialsProvider("x")
	err := p.Set(t.Context(), json.RawMessage(`{"refresh_token":"`+secret+`"`))
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)

	cur := json.RawMessage(`{"refresh_token":"` + secret + `"}`)
	require.NoError(t, p.Set(t.Context(), cur))
	_, err = p.Refresh(t.Context(), cur, func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage(`{"refresh_token":"` + secret + `-next"`), nil
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), secret)
	got, err := p.Credentials(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, string(cur), string(got), "refreshed credentials that are not JSON are not stored")

	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err = p.Credentials(ctx)
	require.Error(t, err)
	assert.NotContains(t, err.Error(), secret)
}

// A schema of version 4 keeps its state and gains the credentials table
// when a newer build opens it.
func TestMigrateFromVersion4(t *testing.T) {
	url := pgtest.Schema(t)
	s := open(t, url)
	require.NoError(t, s.Commit(t.Context(), "i", tributary.Commit{Upserts: []tributary.InventoryEntry{{ID: "a", Hash: "h"}}}))
	require.NoError(t, s.Close())
	pgtest.Exec(t, url, `DROP TABLE tributary_credentials; UPDATE tributary_store_schema SET version = 4`)

	s = open(t, url)
	n, err := s.Count(t.Context(), "i")
	require.NoError(t, err)
	assert.Equal(t, 1, n)
	p := s.CredentialsProvider("i")
	require.NoError(t, p.Set(t.Context(), json.RawMessage(`{"token":"t"}`)))
	got, err := p.Credentials(t.Context())
	require.NoError(t, err)
	assert.JSONEq(t, `{"token":"t"}`, string(got))
}

// waitForLockWaiter returns once a session of the test server waits for a
// lock (the second Refresh, on the row the first holds).
func waitForLockWaiter(t *testing.T, url string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), url)
	require.NoError(t, err)
	defer conn.Close(context.Background())
	for range 6000 { // a bound on a broken build, not a timing assertion
		var n int
		require.NoError(t, conn.QueryRow(t.Context(),
			`SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()`).Scan(&n))
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no Refresh waited for the lock")
}
