// Package jwtsign signs and verifies compact JSON Web Tokens with RS256
// (RSASSA-PKCS1-v1_5 with SHA-256, RFC 7515 and RFC 7518), the algorithm
// OAuth 2.0 JWT bearer grants (RFC 7523) ask for: Salesforce's JWT bearer
// flow, and client assertions of Entra ID apps. It holds only the standard
// library's crypto.
//
// ParseKey reads an RSA private key from PEM, in PKCS#1 ("RSA PRIVATE
// KEY") or PKCS#8 ("PRIVATE KEY") form; Sign makes a token of a header's
// extra fields and claims; Verify checks one with the public key and
// decodes its claims, for emulators of the servers that take them.
package jwtsign

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"strings"
)

// ErrKey is the cause of a key that cannot be read.
var ErrKey = errors.New("jwtsign: not an RSA private key in PEM (PKCS#1 or PKCS#8)")

// ErrToken is the cause of a token that does not verify.
var ErrToken = errors.New("jwtsign: token does not verify")

// ParseKey reads the first PEM block of data as an RSA private key, in
// PKCS#1 or PKCS#8 form. Errors never quote the key.
func ParseKey(data []byte) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block", ErrKey)
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: bad PKCS#1 key", ErrKey)
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: bad PKCS#8 key", ErrKey)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: the PKCS#8 key is not an RSA key", ErrKey)
		}
		return rk, nil
	}
	return nil, fmt.Errorf("%w: a PEM block of type %q", ErrKey, block.Type)
}

// Sign returns the compact RS256 token of claims (any value that encodes
// as a JSON object), with header fields beyond alg and typ (such as kid or
// x5t) from extra, which may be nil.
func Sign(key *rsa.PrivateKey, extra map[string]any, claims any) (string, error) {
	if key == nil {
		return "", fmt.Errorf("%w: nil key", ErrKey)
	}
	h := map[string]any{}
	for k, v := range extra {
		h[k] = v
	}
	h["alg"], h["typ"] = "RS256", "JWT"
	hb, err := json.Marshal(h)
	if err != nil {
		return "", fmt.Errorf("jwtsign: header: %w", err)
	}
	cb, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("jwtsign: claims: %w", err)
	}
	if len(cb) == 0 || cb[0] != '{' {
		return "", errors.New("jwtsign: claims must encode as a JSON object")
	}
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString(hb) + "." + enc.EncodeToString(cb)
	sum := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(rand.Reader, key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("jwtsign: sign: %w", err)
	}
	return signed + "." + enc.EncodeToString(sig), nil
}

// Verify checks that token is an RS256 token signed by the key pub names,
// and decodes its claims into claims (a pointer). It checks no claim: the
// caller checks issuer, audience and expiry.
func Verify(pub *rsa.PublicKey, token string, claims any) error {
	parts := strings.Split(token, ".")
	if len(parts) != 3 || pub == nil {
		return fmt.Errorf("%w: not a signed compact token", ErrToken)
	}
	enc := base64.RawURLEncoding
	hb, err1 := enc.DecodeString(parts[0])
	cb, err2 := enc.DecodeString(parts[1])
	sig, err3 := enc.DecodeString(parts[2])
	if err := errors.Join(err1, err2, err3); err != nil {
		return fmt.Errorf("%w: bad base64url", ErrToken)
	}
	var h struct {
		Alg string `json:"alg"`
	}
	if json.Unmarshal(hb, &h) != nil || h.Alg != "RS256" {
		return fmt.Errorf("%w: not RS256", ErrToken)
	}
	sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig) != nil {
		return fmt.Errorf("%w: bad signature", ErrToken)
	}
	if err := json.Unmarshal(cb, claims); err != nil {
		return fmt.Errorf("%w: claims: %v", ErrToken, err)
	}
	return nil
}

// EncodePKCS1 and EncodePKCS8 write a key as PEM, for tests and emulators
// that make keys.
func EncodePKCS1(key *rsa.PrivateKey) []byte {
	return pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)})
}

// EncodePKCS8 writes key as a PKCS#8 PEM block.
func EncodePKCS8(key *rsa.PrivateKey) []byte {
	b, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: b})
}
