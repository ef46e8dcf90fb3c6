package linear

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
	assert.Equal(t, true, creds.Properties["api_key"]["x-secret"])
	assert.Equal(t, true, creds.Properties["access_token"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"team": ["ENG"]}`),
		Credentials: json.RawMessage(`{"api_key": "lin_api_secret-value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "lin_api_secret-value")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"api_url": "ftp://linear", "page_size": 500}`),
		Credentials: json.RawMessage(`{"api_key": "lin_api_secret-value", "access_token": "lin_oauth_secret"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.api_url", "settings.page_size", "credentials.access_token"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "secret")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"include_documents": false}`),
		Credentials: json.RawMessage(`{"access_token": "lin_oauth_secret-value"}`),
	})
	require.NoError(t, err)
	lc := c.(*Connector)
	assert.Equal(t, DefaultAPIURL, lc.settings.APIURL)
	assert.Equal(t, defaultPageSize, lc.settings.PageSize)
	assert.True(t, lc.settings.IncludeComments)
	assert.False(t, lc.settings.IncludeDocuments)
}
