package jwtsign

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"strings"
	"testing"
)

func testKey(t *testing.T) *rsa.PrivateKey {
	t.Helper()
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	return k
}

type claims struct {
	Iss string `json:"iss"`
	Sub string `json:"sub"`
	Aud string `json:"aud"`
	Exp int64  `json:"exp"`
}

func TestSignVerifyBothForms(t *testing.T) {
	k := testKey(t)
	for name, pemBytes := range map[string][]byte{"pkcs1": EncodePKCS1(k), "pkcs8": EncodePKCS8(k)} {
		t.Run(name, func(t *testing.T) {
			key, err := ParseKey(pemBytes)
			if err != nil {
				t.Fatal(err)
			}
			tok, err := Sign(key, map[string]any{"kid": "k1"}, claims{Iss: "key", Sub: "u@example.com", Aud: "https://login.salesforce.com", Exp: 99})
			if err != nil {
				t.Fatal(err)
			}
			var got claims
			if err := Verify(&k.PublicKey, tok, &got); err != nil {
				t.Fatal(err)
			}
			if got.Sub != "u@example.com" || got.Exp != 99 {
				t.Errorf("claims = %+v", got)
			}
		})
	}
}

func TestVerifyRefuses(t *testing.T) {
	k, other := testKey(t), testKey(t)
	tok, err := Sign(k, nil, map[string]string{"sub": "a"})
	if err != nil {
		t.Fatal(err)
	}
	parts := strings.Split(tok, ".")
	tampered := parts[0] + "." + strings.TrimRight(parts[1], "=") + "x." + parts[2]
	for name, c := range map[string]struct {
		pub *rsa.PublicKey
		tok string
	}{
		"other key": {&other.PublicKey, tok}, "tampered": {&k.PublicKey, tampered}, "two parts": {&k.PublicKey, parts[0] + "." + parts[1]},
		"garbage": {&k.PublicKey, "a.b.c"}, "alg none": {&k.PublicKey, "eyJhbGciOiJub25lIn0.e30."}, "nil key": {nil, tok},
	} {
		var v map[string]any
		if err := Verify(c.pub, c.tok, &v); !errors.Is(err, ErrToken) {
			t.Errorf("%s: Verify = %v, want ErrToken", name, err)
		}
	}
}

func TestParseKeyRefuses(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	for name, data := range map[string][]byte{
		"empty": nil, "not pem": []byte("hello"),
		"cert type":   pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: []byte{1, 2}}),
		"bad pkcs1":   pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: []byte("secretbytes")}),
		"bad pkcs8":   pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("secretbytes")}),
		"ecdsa pkcs8": pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}),
	} {
		_, err := ParseKey(data)
		if !errors.Is(err, ErrKey) || strings.Contains(err.Error(), "secretbytes") {
			t.Errorf("%s: ParseKey = %v", name, err)
		}
	}
	if _, err := Sign(nil, nil, map[string]string{}); !errors.Is(err, ErrKey) {
		t.Errorf("Sign(nil) = %v", err)
	}
	if _, err := Sign(testKey(t), nil, []int{1}); err == nil {
		t.Error("Sign of a non-object succeeded")
	}
}

func FuzzVerify(f *testing.F) {
	k, _ := rsa.GenerateKey(rand.Reader, 1024)
	tok, _ := Sign(k, nil, map[string]string{"sub": "a"})
	f.Add(tok)
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, s string) {
		var v map[string]any
		_ = Verify(&k.PublicKey, s, &v)
	})
}
