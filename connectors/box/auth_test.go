package box

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/boxemu"
)

// Box rotates refresh tokens: each refresh answers a new one, which the
// connector saves before using the access token, and the old one stops
// working.
func TestRefreshTokensRotateAndAreSaved(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	f.emu.AddRefreshToken("refresh-0", "app-id", "app-secret")
	var mu sync.Mutex
	var saved []map[string]string
	env := f.env()
	env.SaveCredentials = func(_ context.Context, raw json.RawMessage) error {
		var m map[string]string
		if err := json.Unmarshal(raw, &m); err != nil {
			return err
		}
		mu.Lock()
		saved = append(saved, m)
		mu.Unlock()
		return nil
	}
	cr := Credentials{RefreshToken: tributary.NewSecret("refresh-0"), ClientID: "app-id", ClientSecret: tributary.NewSecret("app-secret")}
	c := f.connector(t, f.settings(), cr, env)
	if err := c.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	if len(saved) != 1 || saved[0]["refresh_token"] == "refresh-0" || saved[0]["refresh_token"] == "" || saved[0]["client_id"] != "app-id" {
		t.Fatalf("saved %v", saved)
	}
	// The saved token works; the first one no longer does.
	cr.RefreshToken = tributary.NewSecret(saved[0]["refresh_token"])
	if err := f.connector(t, f.settings(), cr, env).Validate(context.Background()); err != nil {
		t.Errorf("with the saved refresh token: %v", err)
	}
	cr.RefreshToken = tributary.NewSecret("refresh-0")
	err := f.connector(t, f.settings(), cr, env).Validate(context.Background())
	if !errors.Is(err, tributary.ErrCredentialExpired) || strings.Contains(err.Error(), "app-secret") {
		t.Errorf("a used refresh token: %v", err)
	}
}

// The Client Credentials Grant asks tokens for the enterprise or a user;
// a wrong secret is rejected credentials, never echoed.
func TestClientCredentialsGrant(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	f.emu.AddApp("ccg-id", "ccg-secret")
	for _, tc := range []struct {
		typ, sub, secret string
		ok               bool
	}{{"enterprise", "5001", "ccg-secret", true}, {"user", "1002", "ccg-secret", true}, {"enterprise", "5001", "wrong-secret", false}, {"user", "999", "ccg-secret", false}} {
		cr := Credentials{ClientID: "ccg-id", ClientSecret: tributary.NewSecret(tc.secret), SubjectType: tc.typ, SubjectID: tc.sub}
		err := f.connector(t, f.settings(), cr, f.env()).Validate(context.Background())
		switch {
		case tc.ok && err != nil:
			t.Errorf("%s %s: %v", tc.typ, tc.sub, err)
		case !tc.ok && !errors.Is(err, tributary.ErrCredentialExpired):
			t.Errorf("%s %s with %s: %v; want ErrCredentialExpired", tc.typ, tc.sub, tc.secret, err)
		case err != nil && strings.Contains(err.Error(), tc.secret):
			t.Errorf("the secret is in %v", err)
		}
	}
	if n := f.emu.Count("POST /oauth2/token"); n < 4 {
		t.Errorf("%d token requests", n)
	}
}

// A token without root_readonly is refused with insufficient_scope: the
// probe names the scope missing, as it does manage_groups.
func TestMissingScopes(t *testing.T) {
	f := newFixture(t, smallGen, boxemu.Options{}, false)
	f.emu.AddToken("groups-only", boxemu.ScopeGroups)
	f.emu.AddToken("read-only", boxemu.ScopeRead)
	c := f.connector(t, f.settings(), Credentials{AccessToken: tributary.NewSecret("groups-only")}, f.env())
	if err := c.Validate(context.Background()); !errors.Is(err, tributary.ErrInsufficientPermissions) || !strings.Contains(err.Error(), "root_readonly") {
		t.Errorf("validate without root_readonly: %v", err)
	}
	res := f.connector(t, f.settings(), Credentials{AccessToken: tributary.NewSecret("read-only")}, f.env()).Probe(context.Background())
	if len(res) != 3 || res[0].Status != tributary.ProbePassed || res[2].Status != tributary.ProbeFailed || len(res[2].Missing) != 1 || res[2].Missing[0] != "manage_groups" {
		t.Errorf("probe: %v", res)
	}
}
