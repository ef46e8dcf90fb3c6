package sharepoint

import (
	"bytes"
	"fmt"
	"log/slog"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/emulator"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// TestSecretsStayHidden runs loads that fail and retry, with a client
// secret and with a certificate, and finds neither the secret, the private
// key nor an access token in the log, the errors or the failures.
func TestSecretsStayHidden(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	certPEM, keyPEM := graphemu.NewCertificate("tributary")
	f.emu.AddCertificate(testClient, certPEM)
	var log bytes.Buffer
	env := f.env()
	env.Logger = slog.New(slog.NewTextHandler(&log, &slog.HandlerOptions{Level: slog.LevelDebug}))
	env.WantPermissions = true
	f.emu.FailEvery("*", 3, emulator.InternalError)
	f.emu.FailEvery("GET /v1.0/drives/{drive}/items/{item}/permissions", 2, emulator.Fault{Status: 403})
	var shown strings.Builder
	for _, cr := range []Credentials{f.credentials(), {TenantID: f.data.TenantID, ClientID: testClient, PrivateKey: tributary.NewSecret(string(certPEM) + string(keyPEM))},
		{TenantID: f.data.TenantID, ClientID: testClient, ClientSecret: tributary.NewSecret("a-wrong-secret-value")}} {
		c, err := newConnector(f.settings(), cr, env, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		fmt.Fprintln(&shown, c.Validate(t.Context()), cr, c.settings)
		got := collect(t.Context(), c, zero, zero, nil)
		fmt.Fprintln(&shown, got.Err)
		for _, fl := range got.Failures {
			fmt.Fprintln(&shown, fl)
		}
	}
	all := log.String() + shown.String()
	for _, secret := range []string{testSecret, "a-wrong-secret-value", "PRIVATE KEY", "eyJ0eXAiOiJKV1QiLCJlbXUiOnRydWV9."} {
		if strings.Contains(all, secret) {
			t.Errorf("%q shows in the log or the errors", secret)
		}
	}
	if !strings.Contains(shown.String(), "AADSTS7000215") {
		t.Errorf("the refused secret is not named: %s", shown.String())
	}
}
