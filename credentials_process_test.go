package tributary_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"os/exec"
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

// TestFileCredentialsChild is the child of TestFileCredentialsTwoProcesses:
// workers that each read the file's credentials and refresh them, over and
// over. A refresh token spent twice makes a refresh fail.
func TestFileCredentialsChild(t *testing.T) {
	path, tokenURL := os.Getenv("CREDS_CHILD_PATH"), os.Getenv("CREDS_CHILD_TOKEN_URL")
	if path == "" {
		t.Skip("run by TestFileCredentialsTwoProcesses")
	}
	cfg := oauth2.Config{ClientID: "app", ClientSecret: "app-secret", Endpoint: oauth2.Endpoint{TokenURL: tokenURL}}
	refresh := func(ctx context.Context, cur json.RawMessage) (json.RawMessage, error) {
		var c tokenCreds
		if err := json.Unmarshal(cur, &c); err != nil {
			return nil, err
		}
		tok, err := cfg.TokenSource(ctx, &oauth2.Token{RefreshToken: c.RefreshToken}).Token()
		if err != nil {
			return nil, err
		}
		return json.Marshal(tokenCreds{Token: tok.AccessToken, RefreshToken: tok.RefreshToken})
	}
	p := tributary.NewFileCredentials(path)
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for range 10 {
				stale, err := p.Credentials(t.Context())
				if !assert.NoError(t, err) {
					return
				}
				_, err = p.Refresh(t.Context(), stale, refresh)
				assert.NoError(t, err)
			}
		})
	}
	wg.Wait()
}

func TestFileCredentialsTwoProcesses(t *testing.T) {
	if testing.Short() {
		t.Skip("starts processes")
	}
	srv := oauthemu.New("app", "app-secret", time.Hour)
	defer srv.Close()
	path := filepath.Join(t.TempDir(), "notes.json")
	access, refresh := srv.Grant()
	first, _ := json.Marshal(tokenCreds{Token: access, RefreshToken: refresh})
	require.NoError(t, tributary.WriteCredentialsFile(path, first))

	exe, err := os.Executable()
	require.NoError(t, err)
	var cmds []*exec.Cmd
	outs := make([]*bytes.Buffer, 2)
	for i := range outs {
		cmd := exec.CommandContext(t.Context(), exe, "-test.run=^TestFileCredentialsChild$", "-test.count=1")
		cmd.Env = append(os.Environ(), "CREDS_CHILD_PATH="+path, "CREDS_CHILD_TOKEN_URL="+srv.URL()+oauthemu.TokenPath)
		outs[i] = &bytes.Buffer{}
		cmd.Stdout, cmd.Stderr = outs[i], outs[i]
		require.NoError(t, cmd.Start())
		cmds = append(cmds, cmd)
	}
	for i, cmd := range cmds {
		assert.NoError(t, cmd.Wait(), "a child failed (a refresh token spent twice?):\n%s", outs[i])
	}
	final, err := tributary.NewFileCredentials(path).Credentials(t.Context())
	require.NoError(t, err)
	var c tokenCreds
	require.NoError(t, json.Unmarshal(final, &c))
	assert.True(t, srv.ValidAccess(c.Token), "the file holds the latest token")
	assert.Positive(t, srv.Refreshes())
}
