package google

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/httpx"
	"github.com/tributary-dev/tributary/internal/googleemu"
)

const (
	testAccount = "indexer@emulated-project.iam.gserviceaccount.com"
	readScope   = googleemu.ScopeDriveReadonly
)

var testOptions = Options{Name: "test", Scope: readScope, RateReasons: []string{"rateLimitExceeded"}}

func TestCredentialsMode(t *testing.T) {
	for _, tc := range []struct {
		name  string
		creds Credentials
		mode  string
		field string // the field a problem names, "" when valid
	}{
		{"key", Credentials{ServiceAccountKey: tributary.NewSecret(`{"type":"service_account","client_email":"a@b","private_key":"k"}`)}, ModeServiceAccount, ""},
		{"key not json", Credentials{ServiceAccountKey: tributary.NewSecret("nope")}, ModeServiceAccount, "service_account_key"},
		{"key and token", Credentials{ServiceAccountKey: tributary.NewSecret(`{"type":"service_account","client_email":"a@b","private_key":"k"}`),
			AccessToken: tributary.NewSecret("ya29.x")}, ModeServiceAccount, "refresh_token"},
		{"consent", Credentials{ClientID: "c", ClientSecret: tributary.NewSecret("s"), RefreshToken: tributary.NewSecret("1//r")}, ModeOAuth, ""},
		{"consent without client", Credentials{RefreshToken: tributary.NewSecret("1//r")}, ModeOAuth, "client_id"},
		{"token", Credentials{AccessToken: tributary.NewSecret("ya29.x")}, ModeToken, ""},
		{"nothing", Credentials{}, ModeToken, "service_account_key"},
		{"bad token uri", Credentials{AccessToken: tributary.NewSecret("ya29.x"), TokenURI: "ftp://x"}, ModeToken, "token_uri"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assert.Equal(t, tc.mode, tc.creds.Mode())
			err := tc.creds.Validate()
			if tc.field == "" {
				require.NoError(t, err)
				return
			}
			var fields []string
			for _, p := range tributary.ConfigProblems(err) {
				fields = append(fields, p.Field)
			}
			assert.Contains(t, fields, tc.field, "%v", err)
		})
	}
}

// answer is a transport that answers every request with one status and
// body.
type answer struct {
	status int
	body   string
}

func (a answer) RoundTrip(*http.Request) (*http.Response, error) {
	return &http.Response{StatusCode: a.status, Status: http.StatusText(a.status), Body: io.NopCloser(strings.NewReader(a.body))}, nil
}

// Rate-limit 403s become 429s, unreadable ones 503s; other refusals stay
// 403s with their body intact.
func TestQuotaTransport(t *testing.T) {
	reasons := map[string]bool{"rateLimitExceeded": true}
	for _, tc := range []struct {
		name   string
		in     answer
		status int
	}{
		{"rate limit", answer{403, `{"error":{"code":403,"errors":[{"reason":"rateLimitExceeded"}]}}`}, 429},
		{"no permission", answer{403, `{"error":{"code":403,"errors":[{"reason":"insufficientPermissions"}]}}`}, 403},
		{"cut short", answer{403, `{"error":{"code":4`}, 503},
		{"not a 403", answer{404, `{}`}, 404},
	} {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest(http.MethodGet, "https://www.googleapis.com/x", nil)
			resp, err := quotaTransport{next: tc.in, reasons: reasons}.RoundTrip(req)
			require.NoError(t, err)
			assert.Equal(t, tc.status, resp.StatusCode)
			b, _ := io.ReadAll(resp.Body)
			assert.Equal(t, tc.in.body, string(b), "the body reads again")
		})
	}
}

func emulated(t *testing.T) (*googleemu.Server, tributary.Env, *googleemu.Data) {
	d := googleemu.Generate(googleemu.GenerateOptions{Users: 2, Seed: 1})
	emu := googleemu.New(d, googleemu.Options{})
	t.Cleanup(emu.Close)
	return emu, tributary.Env{AllowPrivateNetwork: true, HTTPClient: &http.Client{Transport: emu.Transport()}}, d
}

// A service account gets one token per user and scope and keeps it; a
// user it may not act as and a scope it was not granted are named.
func TestDelegatedTokens(t *testing.T) {
	emu, env, d := emulated(t)
	key := emu.AddServiceAccount(testAccount, DefaultTokenURI, readScope)
	st, err := NewStack(&Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}, env, testOptions)
	require.NoError(t, err)
	require.NotNil(t, st.Delegated)
	ctx := t.Context()
	user := d.Users[1].Email
	for range 2 {
		_, err := st.Delegated.Token(ctx, Actor{Subject: user, Scope: readScope})
		require.NoError(t, err)
	}
	assert.Equal(t, 1, emu.TokensIssued())

	_, err = st.Delegated.Token(ctx, Actor{Subject: "nobody@acme.test", Scope: readScope})
	require.ErrorIs(t, err, tributary.ErrCredentialExpired)
	assert.Contains(t, err.Error(), "acting as nobody@acme.test")
	assert.NotContains(t, err.Error(), "PRIVATE KEY")

	_, err = st.Delegated.Token(ctx, Actor{Subject: user, Scope: googleemu.ScopeGroupReadonly})
	require.ErrorIs(t, err, tributary.ErrInsufficientPermissions)
	assert.Contains(t, err.Error(), googleemu.ScopeGroupReadonly)

	req, _ := http.NewRequestWithContext(As(ctx, user, ""), http.MethodGet, "https://www.googleapis.com/x", nil)
	require.NoError(t, st.Auth.Authorize(req), "a context without a scope takes the default one")
	assert.True(t, strings.HasPrefix(req.Header.Get("Authorization"), "Bearer "))
	assert.Contains(t, st.Delegated.Secrets()[0], "PRIVATE KEY")
}

// A key that does not parse is a configuration error.
func TestBadKey(t *testing.T) {
	_, env, _ := emulated(t)
	_, err := NewStack(&Credentials{ServiceAccountKey: tributary.NewSecret("not a key")}, env, testOptions)
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "test: service account key")
}

// A token endpoint on a private address is refused at dial time unless
// the host allows private networks, and named as configuration.
func TestTokenEndpointGuarded(t *testing.T) {
	d := googleemu.Generate(googleemu.GenerateOptions{Users: 1, Seed: 1})
	emu := googleemu.New(d, googleemu.Options{})
	t.Cleanup(emu.Close)
	key := emu.AddServiceAccount(testAccount, "http://127.0.0.1:9/token", readScope)
	st, err := NewStack(&Credentials{ServiceAccountKey: tributary.NewSecret(string(key))}, tributary.Env{}, testOptions)
	require.NoError(t, err)
	_, err = st.Delegated.Token(t.Context(), Actor{Subject: d.Users[0].Email, Scope: readScope})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "PRIVATE KEY")
}

// One user's consent refreshes its access token at the token endpoint,
// through the host's shared credentials when it has them.
func TestOAuthRefresh(t *testing.T) {
	emu, env, d := emulated(t)
	emu.AddRefreshToken("client-1", "secret-1", "1//refresh", d.Users[0].Email, readScope)
	raw := json.RawMessage(`{"client_id":"client-1","client_secret":"secret-1","refresh_token":"1//refresh"}`)
	var c Credentials
	require.NoError(t, json.Unmarshal(raw, &c))
	env.Credentials = tributary.NewMemoryCredentials(raw)
	for range 2 {
		st, err := NewStack(&c, env, testOptions)
		require.NoError(t, err)
		assert.Nil(t, st.Delegated)
		hc, err := httpx.New(httpx.Options{Env: st.Env, Name: "test", Auth: st.Auth})
		require.NoError(t, err)
		req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "https://www.googleapis.com/drive/v3/about?fields=user(emailAddress)", nil)
		var about struct {
			User struct {
				EmailAddress string `json:"emailAddress"`
			} `json:"user"`
		}
		_, err = hc.DoJSON(req, &about)
		require.NoError(t, err)
		assert.Equal(t, d.Users[0].Email, about.User.EmailAddress)
	}
	assert.Equal(t, 1, emu.TokensIssued(), "the second stack takes the token the first refreshed")
}

// The credentials of a consent keep the client and the token endpoint
// with the tokens, and Validate accepts them; a grant without a refresh
// token is refused with what to do.
func TestOAuthCredentials(t *testing.T) {
	raw, err := OAuthCredentials(tributary.OAuthToken{ClientID: "c", ClientSecret: tributary.NewSecret("s"),
		AccessToken: tributary.NewSecret("ya29.a"), RefreshToken: tributary.NewSecret("1//r"), TokenURL: "https://t.test/token"})
	require.NoError(t, err)
	var c Credentials
	require.NoError(t, json.Unmarshal(raw, &c))
	assert.Equal(t, ModeOAuth, c.Mode())
	assert.Equal(t, "https://t.test/token", c.TokenURI)
	require.NoError(t, c.Validate())
	_, err = OAuthCredentials(tributary.OAuthToken{AccessToken: tributary.NewSecret("ya29.a")})
	assert.ErrorContains(t, err, "no refresh token")
	assert.Equal(t, []string{readScope}, Consent(readScope).Scopes)
}
