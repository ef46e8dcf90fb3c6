package graph

import (
	"context"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
)

// scope asks for every application permission granted to the app.
const scope = "/.default"

// assertionType is the client_assertion_type of a signed assertion.
const assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

// AppToken is an httpx.Auth with the client-credentials grant of the
// Microsoft identity platform: a client secret, or a client assertion (a
// JWT signed with the certificate's key, RS256, its thumbprint as x5t)
// made afresh for every token request. One token request runs at a
// time; the token is used until five minutes before it expires.
type AppToken struct {
	op       string
	tokenURL string
	scope    string
	clientID string
	secret   tributary.Secret
	cert     *certificate
	http     *httpx.Client // no auth; the address guard and retries

	sem chan struct{}
	mu  sync.Mutex
	tok string
	exp time.Time
	now func() time.Time
}

// NewAppToken returns the app's token source for the Graph root graphURL,
// asking the identity platform at loginURL; hc sends the token requests
// (it must carry no Auth). name prefixes errors ("sharepoint").
func NewAppToken(name, loginURL, graphURL string, c *Credentials, hc *httpx.Client) (*AppToken, error) {
	a := &AppToken{op: name + ": app token",
		tokenURL: strings.TrimRight(loginURL, "/") + "/" + url.PathEscape(c.TenantID) + "/oauth2/v2.0/token",
		scope:    strings.TrimRight(graphURL, "/") + scope, clientID: c.ClientID, secret: c.ClientSecret, http: hc,
		sem: make(chan struct{}, 1), now: time.Now}
	if a.secret.Reveal() == "" {
		cert, err := c.parseCertificate()
		if err != nil {
			return nil, err
		}
		a.cert = cert
	}
	return a, nil
}

// TokenURL is the token endpoint the app asks.
func (a *AppToken) TokenURL() string { return a.tokenURL }

// Authorize sets the bearer token, fetching one first when needed.
func (a *AppToken) Authorize(req *http.Request) error {
	t, err := a.token(req.Context())
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+t)
	return nil
}

// Secrets names the client secret and the current token for redaction.
func (a *AppToken) Secrets() []string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return []string{a.secret.Reveal(), a.tok}
}

// Forget drops the token after Graph refused it (used is the token
// Current gave before the request, "" when there was none), so that the
// next request fetches another, unless another request already did.
func (a *AppToken) Forget(used string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if used == "" || a.tok == used {
		a.tok, a.exp = "", time.Time{}
	}
}

// Current returns the cached token still in its lifetime, or "".
func (a *AppToken) Current() string {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.tok != "" && a.now().Before(a.exp) {
		return a.tok
	}
	return ""
}

func (a *AppToken) token(ctx context.Context) (string, error) {
	if t := a.Current(); t != "" {
		return t, nil
	}
	select {
	case a.sem <- struct{}{}:
	case <-ctx.Done():
		return "", ctx.Err()
	}
	defer func() { <-a.sem }()
	if t := a.Current(); t != "" {
		return t, nil
	}
	t, life, err := a.fetch(ctx)
	if err != nil {
		return "", err
	}
	a.mu.Lock()
	a.tok, a.exp = t, a.now().Add(max(life-5*time.Minute, life/2))
	a.mu.Unlock()
	return t, nil
}

// fetch asks the token endpoint for a token. The grant may be repeated
// safely, so it is retried like a GET.
func (a *AppToken) fetch(ctx context.Context) (string, time.Duration, error) {
	form := url.Values{"grant_type": {"client_credentials"}, "client_id": {a.clientID}, "scope": {a.scope}}
	if a.cert != nil {
		jwt, err := a.assertion()
		if err != nil {
			return "", 0, tributary.NewError(a.op, tributary.ErrInvalidConfig, err)
		}
		form.Set("client_assertion_type", assertionType)
		form.Set("client_assertion", jwt)
	} else {
		form.Set("client_secret", a.secret.Reveal())
	}
	body := form.Encode()
	req, err := http.NewRequestWithContext(httpx.Idempotent(ctx), http.MethodPost, a.tokenURL, strings.NewReader(body))
	if err != nil {
		return "", 0, tributary.NewError(a.op, tributary.ErrInvalidConfig, errors.New("bad login URL"))
	}
	req.GetBody = func() (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(body)), nil }
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	resp, err := a.http.StandardClient().Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return "", 0, ctx.Err()
		}
		if errors.Is(err, httpx.ErrForbiddenAddress) {
			return "", 0, tributary.NewError(a.op, tributary.ErrInvalidConfig, err)
		}
		if tributary.Kind(err) != nil {
			return "", 0, fmt.Errorf("%s: %w", a.op, err)
		}
		return "", 0, tributary.NewError(a.op, tributary.ErrTransient, errors.New(firstLine(err.Error())))
	}
	defer resp.Body.Close()
	b, rerr := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	var ans struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int64  `json:"expires_in"`
		Error       string `json:"error"`
		Description string `json:"error_description"`
	}
	jerr := json.Unmarshal(b, &ans)
	if resp.StatusCode == http.StatusOK {
		if rerr != nil || jerr != nil || ans.AccessToken == "" {
			return "", 0, tributary.NewError(a.op, tributary.ErrTransient, errors.New("token answer cut short or without a token"))
		}
		return ans.AccessToken, time.Duration(max(ans.ExpiresIn, 60)) * time.Second, nil
	}
	return "", 0, classifyToken(a.op, resp, ans.Error, ans.Description, a.clientID)
}

// classifyToken names a refused token request: a secret or certificate the
// app does not have, or an app the tenant does not know, is
// ErrCredentialExpired; an unknown tenant or a bad scope ErrInvalidConfig.
func classifyToken(op string, resp *http.Response, code, desc, clientID string) error {
	msg := firstLine(desc)
	if i := strings.Index(msg, "Trace ID:"); i > 0 {
		msg = strings.TrimSpace(msg[:i])
	}
	if msg == "" {
		msg = resp.Status
	}
	kind := httpx.KindOf(resp)
	switch {
	case strings.Contains(desc, "AADSTS90002") || strings.Contains(desc, "AADSTS900023"):
		kind = tributary.ErrInvalidConfig
		msg = "tenant_id: " + msg
	case code == "invalid_scope":
		kind = tributary.ErrInvalidConfig
		msg = "graph_url: " + msg
	case code == "invalid_client" || code == "unauthorized_client" || code == "invalid_grant":
		kind = tributary.ErrCredentialExpired
	case kind == nil:
		kind = tributary.ErrCredentialExpired
	}
	return tributary.NewError(op, kind, fmt.Errorf("client %s: %s", clientID, msg))
}

// assertion makes the signed client assertion: valid ten minutes, for
// this token endpoint, from and about the client.
func (a *AppToken) assertion() (string, error) {
	now := a.now()
	jti := make([]byte, 16)
	rand.Read(jti)
	hdr, _ := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "x5t": a.cert.thumbprint})
	claims, _ := json.Marshal(map[string]any{"aud": a.tokenURL, "iss": a.clientID, "sub": a.clientID,
		"jti": base64.RawURLEncoding.EncodeToString(jti), "nbf": now.Unix(), "iat": now.Unix(), "exp": now.Add(10 * time.Minute).Unix()})
	signing := base64.RawURLEncoding.EncodeToString(hdr) + "." + base64.RawURLEncoding.EncodeToString(claims)
	sum := sha256.Sum256([]byte(signing))
	sig, err := rsa.SignPKCS1v15(rand.Reader, a.cert.key, crypto.SHA256, sum[:])
	if err != nil {
		return "", fmt.Errorf("sign the client assertion: %w", err)
	}
	return signing + "." + base64.RawURLEncoding.EncodeToString(sig), nil
}

func firstLine(s string) string {
	if i := strings.IndexAny(s, "\r\n"); i >= 0 {
		return s[:i]
	}
	return s
}
