package zendesk

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
	assert.Equal(t, tributary.CategoryTicketing, r.Category)
	assert.True(t, r.Capabilities.Checkpoint)
	assert.True(t, r.Capabilities.Slim)
	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["api_token"]["x-secret"])
	assert.Equal(t, true, creds.Properties["oauth_token"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"sub_domain": "acme"}`),
		Credentials: json.RawMessage(`{"email": "a@acme.com", "api_token": "zd-secret-value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "zd-secret-value")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"subdomain": "acme.zendesk.com", "locales": ["en us"], "page_size": 500, "export_page_size": 5000}`),
		Credentials: json.RawMessage(`{"api_token": "zd-secret-value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.subdomain", "settings.locales", "settings.page_size", "settings.export_page_size"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "zd-secret-value")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"subdomain": "acme"}`),
		Credentials: json.RawMessage(`{"email": "a@acme.com", "api_token": "zd-secret-value", "oauth_token": "zd-oauth-value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "credentials.oauth_token")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"subdomain": "Acme", "locales": ["EN-US", "de"], "include_tickets": false}`),
		Credentials: json.RawMessage(`{"oauth_token": "zd-oauth-value"}`),
	})
	require.NoError(t, err)
	zc := c.(*Connector)
	assert.Equal(t, "https://acme.zendesk.com", zc.client.site)
	assert.Equal(t, []string{"en-us", "de"}, zc.settings.Locales)
	assert.True(t, zc.settings.IncludeArticles)
	assert.True(t, zc.settings.IncludePrivateComments)
	assert.Equal(t, DefaultExportPageSize, zc.settings.ExportPageSize)
}
