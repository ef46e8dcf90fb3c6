package sqlitestore_test

import (
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

type tokens struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refresh_token"`
}

func TestCredentialsRefreshOnce(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", time.Hour)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "state.db")
	// Two stores on one file stand for two processes.
	a, b := open(t, path).CredentialsProvider("github:x"), open(t, path).CredentialsProvider("github:x")
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

func TestCredentialsNoneStored(t *testing.T) {
	s := open(t, filepath.Join(t.TempDir(), "state.db"))
	_, err := s.CredentialsProvider("nobody").Credentials(t.Context())
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	require.ErrorIs(t, s.CredentialsProvider("nobody").Set(t.Context(), json.RawMessage("{")), tributary.ErrInvalidConfig)
}
