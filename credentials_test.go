package tributary_test

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

type tokenCreds struct {
	Token        string `json:"token"`
	RefreshToken string `json:"refresh_token"`
}

// firstToken runs a consent against srv and returns the credentials.
func firstToken(t *testing.T, srv *oauthemu.Server) json.RawMessage {
	t.Helper()
	f := startFlow(t, srv)
	state, code := consent(t, srv, f)
	creds, err := f.Exchange(t.Context(), srv.Client(), state, code)
	require.NoError(t, err)
	return creds
}

// refresher returns a refresh function that spends the refresh token in
// the credentials at srv.
func refresher(srv *oauthemu.Server) func(ctx context.Context, cur json.RawMessage) (json.RawMessage, error) {
	cfg := oauth2.Config{ClientID: "app", ClientSecret: "app-secret", Endpoint: oauth2.Endpoint{TokenURL: srv.URL() + oauthemu.TokenPath}}
	return func(ctx context.Context, cur json.RawMessage) (json.RawMessage, error) {
		var c tokenCreds
		if err := json.Unmarshal(cur, &c); err != nil {
			return nil, err
		}
		ctx = context.WithValue(ctx, oauth2.HTTPClient, srv.Client())
		tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: c.RefreshToken}).Token()
		if err != nil {
			return nil, err
		}
		return json.Marshal(tokenCreds{Token: tok.AccessToken, RefreshToken: tok.RefreshToken})
	}
}

// raceRefreshes has workers per provider each read the credentials and
// refresh them at once, rounds times, and checks that each round spent one
// refresh token and left every worker with the same valid credentials.
func raceRefreshes(t *testing.T, srv *oauthemu.Server, providers []tributary.CredentialsProvider, workers, rounds int) {
	t.Helper()
	refresh := refresher(srv)
	for round := 1; round <= rounds; round++ {
		var wg sync.WaitGroup
		got := make([]json.RawMessage, len(providers)*workers)
		errs := make([]error, len(got))
		start := make(chan struct{})
		for i := range got {
			p := providers[i%len(providers)]
			stale, err := p.Credentials(t.Context())
			require.NoError(t, err)
			wg.Go(func() {
				<-start
				got[i], errs[i] = p.Refresh(t.Context(), stale, refresh)
			})
		}
		close(start)
		wg.Wait()
		for i := range got {
			require.NoError(t, errs[i])
			assert.JSONEq(t, string(got[0]), string(got[i]), "every worker holds the one refreshed token")
		}
		require.Equal(t, round, srv.Refreshes(), "one refresh request per rotation")
		var c tokenCreds
		require.NoError(t, json.Unmarshal(got[0], &c))
		assert.True(t, srv.ValidAccess(c.Token))
	}
}

func TestMemoryCredentialsRefreshOnce(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", time.Hour)
	defer srv.Close()
	p := tributary.NewMemoryCredentials(firstToken(t, srv))
	raceRefreshes(t, srv, []tributary.CredentialsProvider{p}, 8, 3)
}

func TestFileCredentialsRefreshOnce(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", time.Hour)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "creds", "notes.json")
	require.NoError(t, tributary.WriteCredentialsFile(path, firstToken(t, srv)))
	// Two independent instances share only the file and its lock, as two
	// processes do.
	a, b := tributary.NewFileCredentials(path), tributary.NewFileCredentials(path)
	raceRefreshes(t, srv, []tributary.CredentialsProvider{a, b}, 4, 3)
	fi, err := os.Stat(path)
	require.NoError(t, err)
	assert.Equal(t, os.FileMode(0o600), fi.Mode().Perm())
}

func TestCredentialsRefreshFailureStoresNothing(t *testing.T) {
	srv := oauthemu.New("app", "app-secret", time.Hour)
	defer srv.Close()
	first := firstToken(t, srv)
	path := filepath.Join(t.TempDir(), "notes.json")
	require.NoError(t, tributary.WriteCredentialsFile(path, first))
	var c tokenCreds
	require.NoError(t, json.Unmarshal(first, &c))
	srv.Revoke(c.RefreshToken)
	for _, p := range []tributary.CredentialsProvider{tributary.NewMemoryCredentials(first), tributary.NewFileCredentials(path)} {
		_, err := p.Refresh(t.Context(), first, refresher(srv))
		require.Error(t, err)
		now, err := p.Credentials(t.Context())
		require.NoError(t, err)
		assert.JSONEq(t, string(first), string(now))
	}
	_, err := tributary.NewMemoryCredentials(first).Refresh(t.Context(), first, func(context.Context, json.RawMessage) (json.RawMessage, error) {
		return json.RawMessage("{"), nil
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestFileCredentialsMissingOrBroken(t *testing.T) {
	dir := t.TempDir()
	_, err := tributary.NewFileCredentials(filepath.Join(dir, "none.json")).Credentials(t.Context())
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	bad := filepath.Join(dir, "bad.json")
	require.NoError(t, os.WriteFile(bad, []byte("{half"), 0o600))
	_, err = tributary.NewFileCredentials(bad).Credentials(t.Context())
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
}

func TestCredentialsRefreshHonoursContext(t *testing.T) {
	p := tributary.NewMemoryCredentials(json.RawMessage(`{}`))
	held := make(chan struct{})
	release := make(chan struct{})
	go func() {
		_, _ = p.Refresh(t.Context(), json.RawMessage(`{}`), func(context.Context, json.RawMessage) (json.RawMessage, error) {
			close(held)
			<-release
			return json.RawMessage(`{"a":1}`), nil
		})
	}()
	<-held
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	_, err := p.Refresh(ctx, json.RawMessage(`{}`), nil)
	require.ErrorIs(t, err, context.Canceled)
	close(release)
}
