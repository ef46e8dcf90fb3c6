package graph

import (
	"crypto/rsa"
	"crypto/sha1"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"regexp"
	"strings"

	"github.com/tributary-dev/tributary"
)

// Endpoints of the global Microsoft cloud. National clouds have their own
// (graph.microsoft.us and login.microsoftonline.us for US Government,
// microsoftgraph.chinacloudapi.cn and login.chinacloudapi.cn for China).
const (
	DefaultGraphURL = "https://graph.microsoft.com"
	DefaultLoginURL = "https://login.microsoftonline.com"
)

// tenantPattern matches a tenant id (a GUID) or a domain name.
var tenantPattern = regexp.MustCompile(`^([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}|[A-Za-z0-9][A-Za-z0-9.-]{0,252})$`)

// Credentials are those of an app registration in Microsoft Entra ID with
// application permissions: its tenant, its client id, and either a client
// secret or a certificate (its PEM with the private key).
type Credentials struct {
	// TenantID is the directory (tenant) id, or its domain such as
	// contoso.onmicrosoft.com.
	TenantID string `json:"tenant_id" jsonschema:"title=Tenant id,description=Directory (tenant) id or domain of the app registration,required"`
	// ClientID is the application (client) id.
	ClientID string `json:"client_id" jsonschema:"title=Client id,description=Application (client) id of the app registration,required"`
	// ClientSecret is a client secret's value.
	ClientSecret tributary.Secret `json:"client_secret,omitempty" jsonschema:"title=Client secret,description=Value of a client secret of the app; or give a certificate"`
	// Certificate is the PEM certificate uploaded to the app registration
	// (it may also be given inside PrivateKey).
	Certificate string `json:"certificate,omitempty" jsonschema:"title=Certificate,description=PEM certificate uploaded to the app registration"`
	// PrivateKey is the certificate's PEM private key (PKCS #8 or PKCS
	// #1, RSA), optionally followed or preceded by the certificate.
	PrivateKey tributary.Secret `json:"private_key,omitempty" jsonschema:"title=Private key,description=PEM RSA private key of the certificate"`
}

// certificate is a parsed certificate credential.
type certificate struct {
	key        *rsa.PrivateKey
	thumbprint string // base64url SHA-1 of the DER, the JWT's x5t
}

// parseCertificate reads the certificate and its key from the PEM blocks
// of both fields.
func (c *Credentials) parseCertificate() (*certificate, error) {
	var cert *x509.Certificate
	var key *rsa.PrivateKey
	rest := []byte(c.Certificate + "\n" + c.PrivateKey.Reveal())
	for {
		var b *pem.Block
		b, rest = pem.Decode(rest)
		if b == nil {
			break
		}
		switch b.Type {
		case "CERTIFICATE":
			if x, err := x509.ParseCertificate(b.Bytes); err == nil && cert == nil {
				cert = x
			}
		case "PRIVATE KEY":
			if k, err := x509.ParsePKCS8PrivateKey(b.Bytes); err == nil {
				key, _ = k.(*rsa.PrivateKey)
			}
		case "RSA PRIVATE KEY":
			if k, err := x509.ParsePKCS1PrivateKey(b.Bytes); err == nil {
				key = k
			}
		}
	}
	switch {
	case cert == nil:
		return nil, tributary.InvalidField("certificate", "no PEM certificate found")
	case key == nil:
		return nil, tributary.InvalidField("private_key", "no PEM RSA private key found")
	}
	if pub, ok := cert.PublicKey.(*rsa.PublicKey); !ok || !pub.Equal(&key.PublicKey) {
		return nil, tributary.InvalidField("private_key", "does not belong to the certificate")
	}
	sum := sha1.Sum(cert.Raw)
	return &certificate{key: key, thumbprint: base64.RawURLEncoding.EncodeToString(sum[:])}, nil
}

// Validate reports every problem with the credentials.
func (c *Credentials) Validate() error {
	var errs []error
	if !tenantPattern.MatchString(c.TenantID) {
		errs = append(errs, tributary.InvalidField("tenant_id", "required: the directory (tenant) id or domain"))
	}
	if strings.TrimSpace(c.ClientID) == "" || strings.ContainsAny(c.ClientID, "/?#& ") {
		errs = append(errs, tributary.InvalidField("client_id", "required: the application (client) id"))
	}
	hasCert := c.Certificate != "" || c.PrivateKey.Reveal() != ""
	switch {
	case c.ClientSecret.Reveal() != "" && hasCert:
		errs = append(errs, tributary.InvalidField("client_secret", "give a client secret or a certificate, not both"))
	case hasCert:
		if _, err := c.parseCertificate(); err != nil {
			errs = append(errs, err)
		}
	case c.ClientSecret.Reveal() == "":
		errs = append(errs, tributary.InvalidField("client_secret", "required: a client secret, or a certificate and its private key"))
	}
	return errors.Join(errs...)
}
