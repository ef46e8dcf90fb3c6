package gmail

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
	assert.Equal(t, tributary.CategoryEmail, r.Category)
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
		Settings:    json.RawMessage(`{"users": ["a@acme.test"]}`),
		Credentials: json.RawMessage(`{"access_token": "ya29.secret_value_123"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secret_value_123")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"include_attachments": true}`),
		Credentials: json.RawMessage(`{"access_token": "ya29.secret_value_123"}`),
	})
	require.NoError(t, err)
	gc := c.(*Connector)
	assert.True(t, gc.settings.IncludeAttachments)
	assert.Equal(t, 100, gc.settings.PageSize)
	assert.Equal(t, int64(10<<20), gc.settings.MaxAttachmentSize)
	assert.Equal(t, "https://www.googleapis.com/gmail/v1/users", gc.client.gmail)
}

func TestConfigProblemsAreNamed(t *testing.T) {
	sa := `{"service_account_key": "{\"type\":\"service_account\",\"client_email\":\"a@b.iam\",\"private_key\":\"k\"}"}`
	for _, tc := range []struct {
		name, settings, credentials, field string
	}{
		{"no credentials", `{}`, `{}`, "credentials.service_account_key"},
		{"service account without admin or users", `{}`, sa, "settings.admin_email"},
		{"bad key", `{"admin_email":"a@acme.test"}`, `{"service_account_key": "not json"}`, "credentials.service_account_key"},
		{"refresh without client", `{}`, `{"refresh_token": "1//tok"}`, "credentials.client_id"},
		{"other users with oauth", `{"user_emails":["b@acme.test"]}`, `{"access_token": "ya29.x"}`, "settings.user_emails"},
		{"delegates with oauth", `{"include_delegates":true}`, `{"access_token": "ya29.x"}`, "settings.include_delegates"},
		{"bad address", `{"user_emails":["not an address"]}`, sa, "settings.user_emails"},
		{"page size", `{"page_size":5000}`, `{"access_token": "ya29.x"}`, "settings.page_size"},
		{"attachment size", `{"max_attachment_size":-5}`, `{"access_token": "ya29.x"}`, "settings.max_attachment_size"},
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
