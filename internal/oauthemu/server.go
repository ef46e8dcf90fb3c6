// Package oauthemu is an emulated OAuth 2.0 authorization server for tests:
// the authorization-code grant with PKCE (S256 only), the refresh-token
// grant with rotation, and revocation. It consents at once to every
// authorization request, redirecting to the client's redirect URI with a
// code, so a test drives the whole flow with a plain HTTP client.
//
// The authorization endpoint is any path ending in /authorize and the token
// endpoint any path ending in /access_token or /token, such as GitHub's
// /login/oauth/authorize and /login/oauth/access_token; token answers are
// JSON, errors carry the RFC 6749 §5.2 error codes.
package oauthemu

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Paths of the endpoints.
const (
	AuthorizePath = "/login/oauth/authorize"
	TokenPath     = "/login/oauth/access_token"
)

// Server is the emulated authorization server. Its methods are safe for
// concurrent use.
type Server struct {
	// ClientID and ClientSecret are the one registered client.
	ClientID, ClientSecret string
	// Scope is granted to every token.
	Scope string
	// Lifetime is the access tokens' lifetime; zero means they do not
	// expire and no refresh token is issued.
	Lifetime time.Duration

	srv *httptest.Server

	mu        sync.Mutex
	codes     map[string]grant // unused codes
	spent     map[string]bool  // codes already exchanged
	refresh   map[string]bool  // valid refresh tokens
	access    map[string]bool  // valid access tokens
	refreshes int              // refresh-token grants that succeeded
}

type grant struct{ challenge, redirect string }

// New starts a server on loopback for client id and secret, issuing access
// tokens that expire after lifetime (zero: never) with rotated refresh
// tokens. Close it when done.
func New(id, secret string, lifetime time.Duration) *Server {
	s := &Server{ClientID: id, ClientSecret: secret, Scope: "repo", Lifetime: lifetime,
		codes: map[string]grant{}, spent: map[string]bool{}, refresh: map[string]bool{}, access: map[string]bool{}}
	mux := http.NewServeMux()
	// Any path ending as GitHub's or as the common /authorize and /token
	// does, so a source whose endpoints derive from its settings reaches
	// the server wherever it puts them.
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/authorize") {
			http.NotFound(w, r)
			return
		}
		s.authorize(w, r)
	})
	mux.HandleFunc("POST /", func(w http.ResponseWriter, r *http.Request) {
		if !strings.HasSuffix(r.URL.Path, "/access_token") && !strings.HasSuffix(r.URL.Path, "/token") {
			http.NotFound(w, r)
			return
		}
		s.token(w, r)
	})
	s.srv = httptest.NewServer(mux)
	return s
}

// URL is the server's base URL.
func (s *Server) URL() string { return s.srv.URL }

// Client returns an HTTP client for the server.
func (s *Server) Client() *http.Client { return s.srv.Client() }

// Close stops the server.
func (s *Server) Close() { s.srv.Close() }

// Refreshes counts the refresh-token grants the server answered with a
// token.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// Revoke makes a refresh or access token invalid, as a user who
// disconnects the app does.
func (s *Server) Revoke(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.refresh, token)
	delete(s.access, token)
}

// ValidAccess reports whether token is an access token the server issued
// and has not revoked (expiry is not checked).
func (s *Server) ValidAccess(token string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.access[token]
}

func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect, err := url.Parse(q.Get("redirect_uri"))
	switch {
	case q.Get("client_id") != s.ClientID:
		http.Error(w, "unknown client_id", http.StatusBadRequest)
		return
	case err != nil || redirect.Scheme == "" || redirect.Host == "":
		http.Error(w, "bad redirect_uri", http.StatusBadRequest)
		return
	}
	back := redirect.Query()
	back.Set("state", q.Get("state"))
	if q.Get("response_type") != "code" || q.Get("code_challenge_method") != "S256" || q.Get("code_challenge") == "" {
		back.Set("error", "invalid_request")
	} else {
		code := random()
		s.mu.Lock()
		s.codes[code] = grant{challenge: q.Get("code_challenge"), redirect: redirect.String()}
		s.mu.Unlock()
		back.Set("code", code)
	}
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		fail(w, http.StatusBadRequest, "invalid_request")
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if id != s.ClientID || subtle.ConstantTimeCompare([]byte(secret), []byte(s.ClientSecret)) != 1 {
		fail(w, http.StatusUnauthorized, "invalid_client")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		s.exchange(w, r.PostForm)
	case "refresh_token":
		rt := r.PostForm.Get("refresh_token")
		if !s.refresh[rt] {
			fail(w, http.StatusBadRequest, "invalid_grant")
			return
		}
		delete(s.refresh, rt)
		s.refreshes++
		s.issue(w)
	default:
		fail(w, http.StatusBadRequest, "unsupported_grant_type")
	}
}

// exchange answers the authorization-code grant; s.mu is held. A code is
// good once: a replayed one is invalid_grant.
func (s *Server) exchange(w http.ResponseWriter, f url.Values) {
	code := f.Get("code")
	g, ok := s.codes[code]
	delete(s.codes, code)
	if !ok || s.spent[code] {
		fail(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	s.spent[code] = true
	sum := sha256.Sum256([]byte(f.Get("code_verifier")))
	if base64.RawURLEncoding.EncodeToString(sum[:]) != g.challenge || f.Get("redirect_uri") != g.redirect {
		fail(w, http.StatusBadRequest, "invalid_grant")
		return
	}
	s.issue(w)
}

// issue writes a new token; s.mu is held.
func (s *Server) issue(w http.ResponseWriter) {
	body := map[string]any{"access_token": "gho_" + random(), "token_type": "bearer", "scope": s.Scope}
	s.access[body["access_token"].(string)] = true
	if s.Lifetime > 0 {
		rt := "ghr_" + random()
		s.refresh[rt] = true
		body["refresh_token"] = rt
		body["expires_in"] = int(s.Lifetime / time.Second)
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	_ = json.NewEncoder(w).Encode(body)
}

func fail(w http.ResponseWriter, status int, code string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]string{"error": code})
}

func random() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// Grant issues a token without a consent, as if the user had consented
// earlier: an access token and, when the server's tokens expire, a
// refresh token.
func (s *Server) Grant() (access, refresh string) {
	rec := httptest.NewRecorder()
	s.mu.Lock()
	s.issue(rec)
	s.mu.Unlock()
	var t struct{ AccessToken, RefreshToken string }
	var body map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &body)
	t.AccessToken, _ = body["access_token"].(string)
	t.RefreshToken, _ = body["refresh_token"].(string)
	return t.AccessToken, t.RefreshToken
}

// Refresh spends refresh at the token endpoint as client id and secret
// do, returning the new access and refresh tokens; it is what a test's
// refresh function calls.
func (s *Server) Refresh(ctx context.Context, refresh string) (access, next string, err error) {
	form := url.Values{"grant_type": {"refresh_token"}, "refresh_token": {refresh},
		"client_id": {s.ClientID}, "client_secret": {s.ClientSecret}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL()+TokenPath, strings.NewReader(form.Encode()))
	if err != nil {
		return "", "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.Client().Do(req)
	if err != nil {
		return "", "", err
	}
	defer resp.Body.Close()
	var body struct {
		AccessToken  string `json:"access_token"`
		RefreshToken string `json:"refresh_token"`
		Error        string `json:"error"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&body); err != nil {
		return "", "", err
	}
	if body.Error != "" {
		return "", "", errors.New("oauthemu: " + body.Error)
	}
	return body.AccessToken, body.RefreshToken, nil
}
