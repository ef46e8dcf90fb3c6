package sharepoint

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
		Required   []string                  `json:"required"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	for _, secret := range []string{"client_secret", "private_key"} {
		assert.Equal(t, true, creds.Properties[secret]["x-secret"], secret)
	}
	assert.Nil(t, creds.Properties["client_id"]["x-secret"])
	assert.ElementsMatch(t, []string{"tenant_id", "client_id"}, creds.Required)
}

func TestRegistryDecodesStrictly(t *testing.T) {
	creds := json.RawMessage(`{"tenant_id": "contoso.onmicrosoft.com", "client_id": "app", "client_secret": "secret_value_123"}`)
	_, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{"site": ["x"]}`), Credentials: creds})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secret_value_123")

	c, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{"sites": ["https://contoso.sharepoint.com/sites/eng/"]}`), Credentials: creds})
	require.NoError(t, err)
	sc := c.(*Connector)
	assert.True(t, sc.settings.IncludePages)
	assert.True(t, sc.settings.IncludeFiles)
	assert.Equal(t, 200, sc.settings.PageSize)
	assert.Equal(t, int64(20<<20), sc.settings.MaxFileSize)
	assert.Equal(t, "https://graph.microsoft.com/v1.0", sc.client.graph)
	assert.Equal(t, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", sc.client.auth.TokenURL())
}

func TestConfigProblemsAreNamed(t *testing.T) {
	good := `{"tenant_id": "contoso.onmicrosoft.com", "client_id": "app", "client_secret": "s"}`
	for _, tc := range []struct {
		name, settings, credentials, field string
	}{
		{"no credentials", `{}`, `{}`, "credentials.tenant_id"},
		{"no secret", `{}`, `{"tenant_id": "t.onmicrosoft.com", "client_id": "app"}`, "credentials.client_secret"},
		{"secret and certificate", `{}`, `{"tenant_id": "t.onmicrosoft.com", "client_id": "app", "client_secret": "s", "private_key": "k"}`, "credentials.client_secret"},
		{"bad certificate", `{}`, `{"tenant_id": "t.onmicrosoft.com", "client_id": "app", "certificate": "nope", "private_key": "nope"}`, "credentials.certificate"},
		{"bad site", `{"sites":["http://contoso.sharepoint.com/sites/x"]}`, good, "settings.sites"},
		{"nothing to read", `{"include_files":false,"include_pages":false}`, good, "settings.include_files"},
		{"page size", `{"page_size":5000}`, good, "settings.page_size"},
		{"graph url with a path", `{"graph_url":"https://graph.microsoft.com/v1.0"}`, good, "settings.graph_url"},
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
