package googledrive

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
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
