package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

// rotating is a connector whose source rotates its refresh token on every
// use, as some OAuth servers do: Validate accepts only the latest token and
// saves the next one through Env.SaveCredentials.
type rotating struct {
	creds rotatingCreds
	env   tributary.Env
}

type rotatingCreds struct {
	RefreshToken tributary.Secret `json:"refresh_token"`
}

// rotatingLatest is the token the fake source accepts now.
var rotatingLatest = "refresh-0000"

func (c *rotating) Source() tributary.DocumentSource { return "test_rotating" }

func (c *rotating) Validate(ctx context.Context) error {
	if c.creds.RefreshToken.Reveal() != rotatingLatest {
		return tributary.NewError("refresh", tributary.ErrCredentialExpired, nil)
	}
	var n int
	_, _ = fmt.Sscanf(rotatingLatest, "refresh-%d", &n)
	next := fmt.Sprintf("refresh-%04d", n+1)
	b, _ := json.Marshal(map[string]string{"refresh_token": next})
	if err := c.env.SaveCredentials(ctx, b); err != nil {
		return err
	}
	rotatingLatest = next
	c.env.Log().Debug("rotated", "token", next)
	return nil
}

func init() {
	tributary.Register(tributary.Define(tributary.Registration{Source: "test_rotating"},
		func(_ struct{}, c rotatingCreds, env tributary.Env) (*rotating, error) {
			return &rotating{creds: c, env: env}, nil
		}))
}

func TestRotatedCredentialsAreKept(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "rot.yaml")
	require.NoError(t, os.WriteFile(cfg, []byte("credentials:\n  refresh_token: ${TOKEN}\n"), 0o600))
	state := filepath.Join(dir, "state.db")
	validate := func() (int, string) {
		var out, errb bytes.Buffer
		a := &app{ctx: t.Context(), stdout: &out, stderr: &errb,
			lookupEnv: envOf(map[string]string{"TOKEN": "refresh-0000"})}
		code := a.main([]string{"validate", "test_rotating", "--config", cfg, "--state", state, "--log-level", "debug"})
		return code, errb.String()
	}
	for i := range 3 {
		code, stderr := validate()
		require.Equal(t, exitOK, code, "run %d: %s", i, stderr)
		assert.NotContains(t, stderr, "refresh-000", "run %d logs a token", i)
	}
	assert.Equal(t, "refresh-0003", rotatingLatest)

	// A token pasted into the configuration replaces the refreshed one.
	require.NoError(t, os.WriteFile(cfg, []byte("credentials:\n  refresh_token: pasted-0003\n"), 0o600))
	code, stderr := validate()
	assert.Equal(t, exitCredentials, code, stderr)
}
