package connectortest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

// OAuthHarness says how to check a source's declared OAuth flow.
type OAuthHarness struct {
	// Registration is the source's, with its OAuth set.
	Registration tributary.Registration
	// Settings returns settings the source opens with whose OAuth
	// endpoints are on the authorization server at serverURL (for a source
	// whose OAuth.Endpoints derives them from the settings, such as a
	// GitHub Enterprise base URL serverURL+"/api/v3"). For a source with
	// fixed endpoints the kit points them at the server itself.
	Settings func(serverURL string) json.RawMessage
}

// TestOAuth checks a source's OAuth declaration against an emulated
// authorization server (package oauthemu semantics: authorization code
// with S256 PKCE, granting expiring access tokens with refresh tokens):
// the declaration names a provider and https endpoints;
// the authorization URL goes to the server with the declared scopes, the
// client, the state and an S256 challenge; the granted token becomes
// credentials that hold it in plain text and that the source opens with;
// and a tampered state is refused. A source without OAuth is skipped.
func TestOAuth(t *testing.T, h OAuthHarness) {
	t.Run("OAuth", func(t *testing.T) { checkOAuth(t, &h) })
}

const (
	oauthClientID     = "connectortest-client"
	oauthClientSecret = "connectortest-client-secret"
)

func checkOAuth(t testing.TB, h *OAuthHarness) {
	reg := h.Registration
	if reg.OAuth == nil {
		t.Skip("the source declares no OAuth flow")
	}
	if !checkOAuthDeclaration(t, reg.OAuth) {
		return
	}
	srv := oauthemu.New(oauthClientID, oauthClientSecret, time.Hour) // expiring tokens, granted with a refresh token
	defer srv.Close()
	settings := h.Settings(srv.URL())
	if reg.OAuth.Endpoints == nil {
		o := *reg.OAuth
		o.AuthURL, o.TokenURL = srv.URL()+oauthemu.AuthorizePath, srv.URL()+oauthemu.TokenPath
		reg.OAuth = &o
	}
	client := tributary.OAuthClient{ID: oauthClientID, Secret: tributary.NewSecret(oauthClientSecret), RedirectURL: "http://127.0.0.1:9/callback"}
	flow, err := tributary.StartOAuth(reg, settings, client)
	if err != nil {
		t.Fatalf("StartOAuth: %v", err)
	}
	if !checkAuthorizationURL(t, srv, reg.OAuth, flow.AuthorizationURL()) {
		return
	}
	state, code := oauthConsent(t, srv, flow.AuthorizationURL())
	if _, err := flow.Exchange(t.Context(), srv.Client(), "tampered-"+state, code); !errors.Is(err, tributary.ErrOAuthState) {
		t.Errorf("Exchange with a tampered state returned %v; want ErrOAuthState", err)
	}
	creds, err := flow.Exchange(t.Context(), srv.Client(), state, code)
	if err != nil {
		t.Fatalf("Exchange: %v", err)
	}
	checkOAuthCredentials(t, srv, reg, settings, creds)
}

func checkOAuthDeclaration(t testing.TB, o *tributary.OAuth) bool {
	ok := true
	if o.Provider == "" {
		t.Errorf("OAuth.Provider is empty; a user interface names it in \"Connect with ...\"")
		ok = false
	}
	if o.Credentials == nil {
		t.Errorf("OAuth.Credentials is nil: a granted token cannot become credentials")
		ok = false
	}
	for _, e := range []struct{ name, v string }{{"AuthURL", o.AuthURL}, {"TokenURL", o.TokenURL}} {
		if u, err := url.Parse(e.v); err != nil || u.Scheme != "https" || u.Host == "" {
			t.Errorf("OAuth.%s %q is not an absolute https URL", e.name, e.v)
			ok = false
		}
	}
	return ok
}

func checkAuthorizationURL(t testing.TB, srv *oauthemu.Server, o *tributary.OAuth, raw string) bool {
	u, err := url.Parse(raw)
	if err != nil {
		t.Errorf("AuthorizationURL %q: %v", raw, err)
		return false
	}
	if base, _ := url.Parse(srv.URL()); u.Host != base.Host {
		t.Errorf("the authorization URL goes to %s, not to the server the settings name (%s)", u.Host, base.Host)
		return false
	}
	q := u.Query()
	if got, want := strings.Fields(q.Get("scope")), o.Scopes; !slices.Equal(got, want) {
		t.Errorf("the authorization URL asks for scopes %q; the declaration names %q", got, want)
	}
	if q.Get("client_id") != oauthClientID || q.Get("state") == "" || q.Get("code_challenge_method") != "S256" {
		t.Errorf("the authorization URL %s lacks the client id, the state or an S256 challenge", raw)
		return false
	}
	return true
}

// oauthConsent consents at srv for the authorization URL and returns the
// state and code it sends the browser back with.
func oauthConsent(t testing.TB, srv *oauthemu.Server, raw string) (state, code string) {
	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(raw)
	if err != nil {
		t.Fatalf("consent: %v", err)
	}
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	if err != nil || back.Query().Get("code") == "" {
		t.Fatalf("consent: the server sent no code back (%s)", resp.Header.Get("Location"))
	}
	return back.Query().Get("state"), back.Query().Get("code")
}

func checkOAuthCredentials(t testing.TB, srv *oauthemu.Server, reg tributary.Registration, settings, creds json.RawMessage) {
	var obj map[string]any
	if err := json.Unmarshal(creds, &obj); err != nil {
		t.Errorf("the credentials built from the token are not a JSON object: %v", err)
		return
	}
	if bytes.Contains(creds, []byte(`"[redacted]"`)) {
		t.Errorf("the credentials hold a redacted value: build them from plain strings (Secret.Reveal), not tributary.Secret")
		return
	}
	found := false
	for _, v := range obj {
		if s, ok := v.(string); ok && srv.ValidAccess(s) {
			found = true
		}
	}
	if !found {
		t.Errorf("the credentials %s do not hold the granted access token", keysOf(obj))
	}
	if _, err := reg.Factory(tributary.Params{Settings: settings, Credentials: creds}); err != nil {
		t.Errorf("the source does not open with the credentials built from the token: %v", err)
	}
}

func keysOf(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
