package teams

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
	assert.Equal(t, tributary.CategoryChat, r.Category)
	assert.True(t, r.Capabilities.Checkpoint)
	assert.True(t, r.Capabilities.Slim)
	assert.True(t, r.Capabilities.Groups)
	assert.True(t, r.Capabilities.Refetch)
	assert.True(t, r.Capabilities.Probe)
	assert.True(t, r.Capabilities.NormalizeURL)

	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
		Required   []string                  `json:"required"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	for _, secret := range []string{"client_secret", "private_key"} {
		assert.Equal(t, true, creds.Properties[secret]["x-secret"], secret)
	}
	assert.ElementsMatch(t, []string{"tenant_id", "client_id"}, creds.Required)
}

func TestRegistryDecodesStrictly(t *testing.T) {
	creds := json.RawMessage(`{"tenant_id": "contoso.onmicrosoft.com", "client_id": "app", "client_secret": "secret_value_123"}`)
	_, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{"team": ["x"]}`), Credentials: creds})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secret_value_123")

	c, err := tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{"teams": ["0b3c9f0e-4a2b-4c1d-9e8f-7a6b5c4d3e2f"]}`), Credentials: creds})
	require.NoError(t, err)
	tc := c.(*Connector)
	assert.Equal(t, 50, tc.settings.PageSize)
	assert.Equal(t, "https://graph.microsoft.com/v1.0", tc.client.Root)
	assert.Equal(t, "https://login.microsoftonline.com/contoso.onmicrosoft.com/oauth2/v2.0/token", tc.client.Auth.TokenURL())
}

func TestConfigProblemsAreNamed(t *testing.T) {
	good := `{"tenant_id": "contoso.onmicrosoft.com", "client_id": "app", "client_secret": "s"}`
	for _, tc := range []struct {
		name, settings, credentials, field string
	}{
		{"no credentials", `{}`, `{}`, "credentials.tenant_id"},
		{"no secret", `{}`, `{"tenant_id": "t.onmicrosoft.com", "client_id": "app"}`, "credentials.client_secret"},
		{"bad certificate", `{}`, `{"tenant_id": "t.onmicrosoft.com", "client_id": "app", "certificate": "nope", "private_key": "nope"}`, "credentials.certificate"},
		{"bad team", `{"teams":["General"]}`, good, "settings.teams"},
		{"team twice", `{"teams":["0b3c9f0e-4a2b-4c1d-9e8f-7a6b5c4d3e2f","0B3C9F0E-4A2B-4C1D-9E8F-7A6B5C4D3E2F"]}`, good, "settings.teams"},
		{"page size", `{"page_size":51}`, good, "settings.page_size"},
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
