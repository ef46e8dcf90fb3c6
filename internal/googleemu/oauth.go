package googleemu

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary/internal/emulator"
)

// TokenPath is the path of the token endpoint; Google's is
// https://oauth2.googleapis.com/token.
const TokenPath = "/token"

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

// serviceKey returns one RSA key for every emulated service account of
// the process: generating one per test would cost more than the test.
func serviceKey() *rsa.PrivateKey {
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic("googleemu: generate key: " + err.Error())
		}
		testKey = k
	})
	return testKey
}

// AddServiceAccount registers a service account and returns its JSON key
// file, as the Cloud console hands it out, with tokenURI as its token_uri.
// delegated lists the scopes domain-wide delegation grants it; with none
// it may not impersonate users.
func (s *Server) AddServiceAccount(email, tokenURI string, delegated ...string) []byte {
	k := serviceKey()
	der, _ := x509.MarshalPKCS8PrivateKey(k)
	pemKey := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: der})
	sum := sha256.Sum256([]byte(email))
	s.mu.Lock()
	s.accounts[email] = &serviceAccount{key: &k.PublicKey, delegated: delegated}
	s.mu.Unlock()
	b, _ := json.MarshalIndent(map[string]string{
		"type": "service_account", "project_id": "emulated-project", "private_key_id": hex.EncodeToString(sum[:20]),
		"private_key": string(pemKey), "client_email": email, "client_id": "1" + hex.EncodeToString(sum[:8]),
		"auth_uri": "https://accounts.google.com/o/oauth2/auth", "token_uri": tokenURI,
	}, "", "  ")
	return b
}

func (s *Server) oauthRoutes() {
	s.Handle("POST "+TokenPath, s.token, emulator.Public())
}

func tokenError(w http.ResponseWriter, status int, code, desc string) {
	emulator.WriteJSON(w, status, map[string]string{"error": code, "error_description": desc})
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		tokenError(w, http.StatusBadRequest, "invalid_request", "malformed form")
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "refresh_token":
		s.refreshGrant(w, r)
	case "urn:ietf:params:oauth:grant-type:jwt-bearer":
		s.jwtGrant(w, r)
	default:
		tokenError(w, http.StatusBadRequest, "unsupported_grant_type", "Invalid grant_type: "+r.PostForm.Get("grant_type"))
	}
}

func (s *Server) refreshGrant(w http.ResponseWriter, r *http.Request) {
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	s.mu.Lock()
	g := s.refresh[r.PostForm.Get("refresh_token")]
	s.mu.Unlock()
	switch {
	case g == nil:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Token has been expired or revoked.")
	case g.clientID != id || g.clientSecret != secret:
		tokenError(w, http.StatusUnauthorized, "invalid_client", "Unauthorized")
	default:
		s.issue(w, g.email, g.scopes)
	}
}

type jwtClaims struct {
	Iss   string `json:"iss"`
	Sub   string `json:"sub"`
	Scope string `json:"scope"`
	Aud   string `json:"aud"`
	Exp   int64  `json:"exp"`
	Iat   int64  `json:"iat"`
}

func (s *Server) jwtGrant(w http.ResponseWriter, r *http.Request) {
	parts := strings.Split(r.PostForm.Get("assertion"), ".")
	if len(parts) != 3 {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT: malformed")
		return
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(parts[1])
	sig, err2 := base64.RawURLEncoding.DecodeString(parts[2])
	var cl jwtClaims
	if err1 != nil || err2 != nil || json.Unmarshal(payload, &cl) != nil {
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT: undecodable")
		return
	}
	s.mu.Lock()
	sa := s.accounts[cl.Iss]
	var sub *User
	if cl.Sub != "" {
		sub = s.data.User(cl.Sub)
	}
	s.mu.Unlock()
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	now := s.Now().Unix()
	switch {
	case sa == nil:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid grant: account not found")
		return
	case rsa.VerifyPKCS1v15(sa.key, crypto.SHA256, sum[:], sig) != nil:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT Signature.")
		return
	case cl.Exp < now || cl.Iat > now+300:
		tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe.")
		return
	}
	scopes := strings.Fields(cl.Scope)
	email := cl.Iss
	if cl.Sub != "" {
		if sub == nil || sub.Suspended {
			tokenError(w, http.StatusBadRequest, "invalid_grant", "Invalid email or User ID")
			return
		}
		for _, sc := range scopes {
			if !slices.Contains(sa.delegated, sc) {
				tokenError(w, http.StatusUnauthorized, "unauthorized_client",
					"Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested.")
				return
			}
		}
		email = sub.Email
	}
	s.issue(w, email, scopes)
}

func (s *Server) issue(w http.ResponseWriter, email string, scopes []string) {
	b := make([]byte, 18)
	rand.Read(b)
	tok := "ya29.emu-" + base64.RawURLEncoding.EncodeToString(b)
	s.mu.Lock()
	s.tokens[tok] = &grant{email: email, scopes: scopes, expiry: s.Now().Add(s.opts.TokenLifetime)}
	s.tokenN++
	s.mu.Unlock()
	emulator.WriteJSON(w, http.StatusOK, map[string]any{"access_token": tok, "token_type": "Bearer",
		"expires_in": int(s.opts.TokenLifetime / time.Second), "scope": strings.Join(scopes, " ")})
}
