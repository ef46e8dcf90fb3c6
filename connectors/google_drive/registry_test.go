package googledrive

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
	"github.com/tributary-dev/tributary/internal/oauthemu"
)

func TestRegistration(t *testing.T) {
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	assert.Equal(t, tributary.CategoryStorage, r.Category)
	assert.True(t, r.Capabilities.Checkpoint)
	assert.True(t, r.Capabilities.Slim)

	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	for _, secret := range []string{"service_account_key", "client_secret", "refresh_token", "access_token"} {
		assert.Equal(t, true, creds.Properties[secret]["x-secret"], secret)
	}
	assert.Nil(t, creds.Properties["client_id"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"shared_drive": ["0Abc"]}`),
		Credentials: json.RawMessage(`{"access_token": "ya29.secret_value_123"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secret_value_123")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"shared_drive_ids": ["0Abc", "0Abc"], "folder_ids": ["1Fold"]}`),
		Credentials: json.RawMessage(`{"access_token": "ya29.secret_value_123"}`),
	})
	require.NoError(t, err)
	gc := c.(*Connector)
	assert.True(t, gc.settings.IncludeMyDrives)
	assert.True(t, gc.settings.IncludeSharedDrives)
	assert.Equal(t, 100, gc.settings.PageSize)
	assert.Equal(t, int64(20<<20), gc.settings.MaxFileSize)
	assert.Equal(t, "https://www.googleapis.com/drive/v3", gc.client.drive)
}

func TestConfigProblemsAreNamed(t *testing.T) {
	for _, tc := range []struct {
		name, settings, credentials, field string
	}{
		{"no credentials", `{}`, `{}`, "credentials.service_account_key"},
		{"service account without admin", `{}`, `{"service_account_key": "{\"type\":\"service_account\",\"client_email\":\"a@b.iam\",\"private_key\":\"k\"}"}`, "settings.admin_email"},
		{"bad key", `{"admin_email":"a@acme.test"}`, `{"service_account_key": "not json"}`, "credentials.service_account_key"},
		{"refresh without client", `{}`, `{"refresh_token": "1//tok"}`, "credentials.client_id"},
		{"other users with oauth", `{"my_drive_emails":["b@acme.test"]}`, `{"access_token": "ya29.x"}`, "settings.my_drive_emails"},
		{"bad folder id", `{"folder_ids":["../x"]}`, `{"access_token": "ya29.x"}`, "settings.folder_ids"},
		{"nothing to read", `{"include_my_drives":false,"include_shared_drives":false}`, `{"access_token": "ya29.x"}`, "settings.include_my_drives"},
		{"page size", `{"page_size":5000}`, `{"access_token": "ya29.x"}`, "settings.page_size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(tc.settings), Credentials: json.RawMessage(tc.credentials)})
			require.ErrorIs(t, err, tributary.ErrInvalidConfig)
			var fields []string
			for _, p := range tributary.ConfigProblems(err) {
				fields = append(fields, p.Field)
			}
			assert.Contains(t, fields, tc.field, "%v", err)
		})
	}
}

func TestOAuthConformance(t *testing.T) {
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth, "the registration declares the consent of one user")
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: r,
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}

// The consent asks for offline access on a forced consent screen, so
// Google grants a refresh token every time, and the credentials keep the
// client and the token endpoint with it: the connector refreshes the
// access token itself.
func TestOAuthConsentGivesRefreshingCredentials(t *testing.T) {
	srv := oauthemu.New("drive-app", "drive-app-secret", time.Hour)
	defer srv.Close()
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	o := *r.OAuth
	o.AuthURL, o.TokenURL = srv.URL()+oauthemu.AuthorizePath, srv.URL()+oauthemu.TokenPath
	r.OAuth = &o
	f, err := tributary.StartOAuth(r, nil, tributary.OAuthClient{ID: "drive-app", Secret: tributary.NewSecret("drive-app-secret"),
		RedirectURL: "http://127.0.0.1:9/callback"})
	require.NoError(t, err)
	u, err := url.Parse(f.AuthorizationURL())
	require.NoError(t, err)
	assert.Equal(t, "offline", u.Query().Get("access_type"))
	assert.Equal(t, "consent", u.Query().Get("prompt"))
	assert.Equal(t, ScopeDriveReadonly, u.Query().Get("scope"))

	c := *srv.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(f.AuthorizationURL())
	require.NoError(t, err)
	resp.Body.Close()
	back, err := url.Parse(resp.Header.Get("Location"))
	require.NoError(t, err)
	raw, err := f.Exchange(t.Context(), srv.Client(), back.Query().Get("state"), back.Query().Get("code"))
	require.NoError(t, err)
	var creds Credentials
	require.NoError(t, json.Unmarshal(raw, &creds))
	assert.Equal(t, "oauth", creds.Mode())
	assert.Equal(t, "drive-app", creds.ClientID)
	assert.Equal(t, "drive-app-secret", creds.ClientSecret.Reveal())
	assert.Equal(t, srv.URL()+oauthemu.TokenPath, creds.TokenURI)
	assert.True(t, srv.ValidAccess(creds.AccessToken.Reveal()))
	access, _, err := srv.Refresh(t.Context(), creds.RefreshToken.Reveal())
	require.NoError(t, err, "the kept refresh token refreshes at the kept endpoint")
	assert.True(t, srv.ValidAccess(access))
	_, err = tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{}`), Credentials: raw})
	require.NoError(t, err)

	t.Run("no refresh token", func(t *testing.T) {
		_, err := oauthCredentials(tributary.OAuthToken{AccessToken: tributary.NewSecret("ya29.a")})
		assert.ErrorContains(t, err, "no refresh token")
	})
}
