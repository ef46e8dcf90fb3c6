package graphemu

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// TokenPath is the pattern of the token endpoint under its host
// (https://login.microsoftonline.com/{tenant}/oauth2/v2.0/token).
const TokenPath = "/{tenant}/oauth2/v2.0/token"

// GraphScope is the scope an app asks for with the client-credentials
// grant: every application permission it was granted.
const GraphScope = "https://graph.microsoft.com/.default"

// AssertionType is the client_assertion_type of a certificate's signed
// assertion.
const AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// certKey returns one RSA key for every emulated certificate of the
// process: generating one per test would cost more than the test.
func certKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("graphemu: generate key: " + err.Error())
		}
		testKey = k
	})
	return testKey
}

// NewCertificate returns a self-signed certificate and its private key,
// both PEM encoded, as an administrator uploads the first to an app
// registration and keeps the second. Certificates of one process share
// their key.
func NewCertificate(subject string) (certPEM, keyPEM []byte) {
	k := certKey()
	sum := sha256.Sum256([]byte(subject))
	tmpl := &x509.Certificate{SerialNumber: new(big.Int).SetBytes(sum[:8]), Subject: pkix.Name{CommonName: subject},
		NotBefore: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC), NotAfter: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &k.PublicKey, k)
	if err != nil {
		panic("graphemu: create certificate: " + err.Error())
	}
	pk, _ := x509.MarshalPKCS8PrivateKey(k)
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pk})
}

// AddCertificate uploads a PEM certificate to a registered app, whose
// assertions signed with the certificate's key are then accepted.
func (s *Server) AddCertificate(clientID string, certPEM []byte) {
	b, _ := pem.Decode(certPEM)
	if b == nil {
		panic("graphemu: AddCertificate: not PEM")
	}
	cert, err := x509.ParseCertificate(b.Bytes)
	if err != nil {
		panic("graphemu: AddCertificate: " + err.Error())
	}
	sum := sha1.Sum(cert.Raw)
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.apps[clientID]
	if a == nil {
		a = &app{}
		s.apps[clientID] = a
	}
	a.thumbprint = base64.RawURLEncoding.EncodeToString(sum[:])
	a.cert = cert.PublicKey
}

func (s *Server) tokenRoutes() {
	s.Handle("POST "+TokenPath, s.token, emulator.Public())
}

// tokenError answers as the identity platform does, with an AADSTS code
// in the description.
func tokenError(w http.ResponseWriter, status int, code, desc string, codes ...int) {
	emulator.WriteJSON(w, status, map[string]any{"error": code, "error_description": desc, "error_codes": codes,
		"timestamp": time.Now().UTC().Format("2006-01-02 15:04:05Z"), "trace_id": "00000000-0000-0000-0000-000000000000"})
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "AADSTS900144: The request body must contain a valid form.", 900144)
		return
	}
	tenant := r.PathValue("tenant")
	s.mu.Lock()
	known := strings.EqualFold(tenant, s.data.TenantID) || strings.EqualFold(tenant, s.data.Domain)
	s.mu.Unlock()
	f := r.PostForm
	switch {
	case !known:
		tokenError(w, http.StatusBadRequest, "invalid_request", "AADSTS90002: Tenant '"+tenant+"' not found.", 90002)
		return
	case f.Get("grant_type") != "client_credentials":
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "AADSTS70003: The app requested an unsupported grant type.", 70003)
		return
	case !strings.HasSuffix(f.Get("scope"), "/.default"):
		tokenError(w, http.StatusBadRequest, "invalid_scope", "AADSTS1002012: The provided value for scope is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier.", 1002012)
		return
	}
	id := f.Get("client_id")
	s.mu.Lock()
	a := s.apps[id]
	s.mu.Unlock()
	if a == nil {
		tokenError(w, http.StatusBadRequest, "unauthorized_client", "AADSTS700016: Application with identifier '"+id+"' was not found in the directory.", 700016)
		return
	}
	switch {
	case f.Get("client_secret") != "":
		if a.secret == "" || f.Get("client_secret") != a.secret {
			tokenError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000215: Invalid client secret provided.", 7000215)
			return
		}
	case f.Get("client_assertion") != "":
		if f.Get("client_assertion_type") != AssertionType {
			tokenError(w, http.StatusBadRequest, "invalid_request", "AADSTS50027: Invalid client_assertion_type.", 50027)
			return
		}
		if msg := s.checkAssertion(a, id, f.Get("client_assertion"), r.URL.Path); msg != "" {
			tokenError(w, http.StatusUnauthorized, "invalid_client", msg, 700027)
			return
		}
	default:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "AADSTS7000218: The request body must contain the following parameter: 'client_assertion' or 'client_secret'.", 7000218)
		return
	}
	s.issue(w, id, a.roles)
}

// checkAssertion verifies a client assertion: RS256 with the x5t of the
// uploaded certificate, iss and sub the client, aud the token endpoint,
// and a current exp. It returns what is wrong, or "".
func (s *Server) checkAssertion(a *app, clientID, jwt, path string) string {
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return "AADSTS50027: JWT token is invalid or malformed."
	}
	var hdr struct {
		Alg, Typ, X5t string
	}
	var cl struct {
		Aud, Iss, Sub, Jti string
		Exp, Nbf           int64
	}
	hb, err1 := base64.RawURLEncoding.DecodeString(parts[0])
	pb, err2 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err3 := base64.RawURLEncoding.DecodeString(parts[2])
	if err1 != nil || err2 != nil || err3 != nil || json.Unmarshal(hb, &hdr) != nil || json.Unmarshal(pb, &cl) != nil {
		return "AADSTS50027: JWT token is invalid or malformed."
	}
	key, _ := a.cert.(*rsa.PublicKey)
	now := s.Now().Unix()
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	switch {
	case hdr.Alg != "RS256":
		return "AADSTS5002730: Invalid JWT token. Unsupported key for the used algorithm."
	case key == nil || hdr.X5t != a.thumbprint:
		return "AADSTS700027: The certificate with identifier used to sign the client assertion is not registered on application."
	case rsa.VerifyPKCS1v15(key, crypto.SHA256, sum[:], sig) != nil:
		return "AADSTS700027: Client assertion failed signature validation."
	case cl.Iss != clientID || cl.Sub != clientID:
		return "AADSTS700021: Client assertion application identifier doesn't match 'client_id' parameter."
	case !strings.HasSuffix(cl.Aud, path):
		return "AADSTS700212: No matching federated identity record found for presented assertion audience."
	case cl.Exp < now || cl.Nbf > now+300:
		return "AADSTS700024: Client assertion is not within its valid time range."
	}
	return ""
}

func (s *Server) issue(w http.ResponseWriter, clientID string, roles []string) {
	b := make([]byte, 24)
	rand.Read(b)
	tok := "eyJ0eXAiOiJKV1QiLCJlbXUiOnRydWV9." + base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = &grant{clientID: clientID, roles: roles, expiry: s.Now().Add(s.opts.TokenLifetime)}
	s.issued++
	s.mu.Unlock()
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(s.opts.TokenLifetime / time.Second), "ext_expires_in": int(s.opts.TokenLifetime / time.Second)})
}
