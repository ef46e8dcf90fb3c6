package sharepoint

import (
	"errors"
	"strings"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/graphemu"
)

var small = graphemu.GenerateOptions{FilesPerDrive: 3, PagesPerSite: 1, Seed: 1}

// TestCertificate signs in with a certificate's client assertion (RS256,
// x5t), and a certificate the app does not have is refused as expired
// credentials.
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
	got := collect(t.Context(), c, zero, zero, nil)
	if got.Err != nil || len(got.Documents) != 4 {
		t.Fatalf("load: %v, %d documents", got.Err, len(got.Documents))
	}
	// The same key in one PEM with the certificate works too; another app
	// without the certificate is refused.
	cr.Certificate, cr.PrivateKey = "", tributary.NewSecret(string(certPEM)+string(keyPEM))
	cr.ClientID = "other-app"
	f.emu.AddApp("other-app", "")
	c, err = newConnector(f.settings(), cr, f.env(), fastRetry)
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(t.Context()); !errors.Is(err, tributary.ErrCredentialExpired) || !strings.Contains(err.Error(), "AADSTS700027") {
		t.Fatalf("validate with an unregistered certificate: %v", err)
	}
}

// TestCredentialErrors classifies what the token endpoint and Graph
// refuse, and never shows the secret.
func TestCredentialErrors(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	open := func(cr Credentials) *Connector {
		c, err := newConnector(f.settings(), cr, f.env(), fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	bad := f.credentials()
	bad.ClientSecret = tributary.NewSecret("wrong-secret-value")
	err := open(bad).Validate(t.Context())
	if !errors.Is(err, tributary.ErrCredentialExpired) || strings.Contains(err.Error(), "wrong-secret-value") || strings.Contains(err.Error(), testSecret) {
		t.Errorf("bad secret: %v", err)
	}
	tenant := f.credentials()
	tenant.TenantID = "00000000-0000-0000-0000-000000000000"
	if err := open(tenant).Validate(t.Context()); !errors.Is(err, tributary.ErrInvalidConfig) || !strings.Contains(err.Error(), "tenant_id") {
		t.Errorf("unknown tenant: %v", err)
	}

	// An app without Sites.Read.All is refused with the permission named.
	f.emu.AddApp("bare", "s3cret")
	bare := Credentials{TenantID: f.data.TenantID, ClientID: "bare", ClientSecret: tributary.NewSecret("s3cret")}
	c := open(bare)
	if err := c.Validate(t.Context()); !errors.Is(err, tributary.ErrInsufficientPermissions) || !strings.Contains(err.Error(), PermSites) {
		t.Errorf("no permission: %v", err)
	}
	for _, p := range c.Probe(t.Context()) {
		if p.Status != tributary.ProbeFailed {
			t.Errorf("probe %s: %s, want failed", p.Capability, p.Status)
		}
	}
	f.emu.SetRoles("bare", graphemu.SitesReadAll)
	for _, p := range open(bare).Probe(t.Context()) {
		want := tributary.ProbePassed
		if p.Capability == tributary.CapGroupSync {
			want = tributary.ProbeFailed
			if !strings.Contains(strings.Join(p.Missing, ","), PermGroups) {
				t.Errorf("group sync probe names %v as missing", p.Missing)
			}
		}
		if p.Status != want {
			t.Errorf("probe %s: %s, want %s", p.Capability, p.Status, want)
		}
	}

	// A token Graph stops taking (401 InvalidAuthenticationToken) is
	// replaced once; then the load goes on.
	c = open(f.credentials())
	if err := c.Validate(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.emu.ExpireTokens()
	if got := collect(t.Context(), c, zero, zero, nil); got.Err != nil || len(got.Documents) != 4 {
		t.Fatalf("load after the token expired: %v", got.Err)
	}
	if n := f.emu.TokensIssued(); n < 2 {
		t.Errorf("%d tokens issued, want a second after the first expired", n)
	}
}

// TestLoopbackNeedsPermission: Graph and login URLs on a loopback address
// are refused unless the host allows private networks.
func TestLoopbackNeedsPermission(t *testing.T) {
	f := newFixture(t, small, graphemu.Options{})
	base := f.emu.Start()
	s := f.settings()
	s.GraphURL, s.LoginURL = base, base
	for _, allow := range []bool{false, true} {
		c, err := newConnector(s, f.credentials(), tributary.Env{AllowPrivateNetwork: allow}, fastRetry)
		if err != nil {
			t.Fatal(err)
		}
		err = c.Validate(t.Context())
		switch {
		case !allow && !errors.Is(err, tributary.ErrInvalidConfig):
			t.Errorf("loopback without permission: %v", err)
		case allow && err != nil:
			t.Errorf("loopback with permission: %v", err)
		}
	}
}
