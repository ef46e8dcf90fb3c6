package teams

import (
	"errors"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

// TestCertificate signs in with a certificate's client assertion, and a
// certificate the app does not have is refused as expired credentials.
func TestCertificate(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	certPEM, keyPEM := graphemu.NewCertificate("tributary")
	f.emu.AddApp("cert-app", "", allRoles...)
	f.emu.AddCertificate("cert-app", certPEM)
	cr := Credentials{TenantID: f.data.Domain, ClientID: "cert-app", Certificate: string(certPEM), PrivateKey: tributary.NewSecret(string(keyPEM))}
	c, err := newConnector(f.settings(), cr, f.env(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(t.Context()); err != nil {
		t.Fatalf("validate with a certificate: %v", err)
	}
	if got := collect(t.Context(), c, zero, zero, nil); got.Err != nil || len(got.Documents) == 0 {
		t.Fatalf("load: %v, %d documents", got.Err, len(got.Documents))
	}
	cr.ClientID = "other-app"
	f.emu.AddApp("other-app", "")
	c, err = newConnector(f.settings(), cr, f.env(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(t.Context()); !errors.Is(err, tributary.ErrCredentialExpired) {
		t.Fatalf("validate with an unregistered certificate: %v", err)
	}
}

// TestCredentialErrors: a wrong secret is ErrCredentialExpired and never
// shown; a token Graph stops taking is renewed once.
func TestCredentialErrors(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	bad := f.credentials()
	bad.ClientSecret = tributary.NewSecret("wrong-secret-value")
	c, err := newConnector(f.settings(), bad, f.env(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	err = c.Validate(t.Context())
	if !errors.Is(err, tributary.ErrCredentialExpired) || strings.Contains(err.Error(), "wrong-secret-value") {
		t.Fatalf("wrong secret: %v", err)
	}
	got := collect(t.Context(), c, zero, zero, nil)
	if !errors.Is(got.Err, tributary.ErrCredentialExpired) || len(got.Documents) != 0 {
		t.Fatalf("load with a wrong secret: %v", got.Err)
	}
	c = f.connector(t, f.settings())
	if err := c.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.emu.ExpireTokens()
	if got := collect(t.Context(), c, zero, zero, nil); got.Err != nil || len(got.Documents) == 0 {
		t.Fatalf("load after the token expired: %v", got.Err)
	}
	if n := f.emu.TokensIssued(); n != 2 {
		t.Fatalf("%d tokens issued, want 2", n)
	}
}
