package gitlab

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
	assert.Equal(t, tributary.CategoryCode, r.Category)
	assert.True(t, r.Capabilities.Checkpoint)
	assert.True(t, r.Capabilities.Slim)
	var creds struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, []string{"token"}, creds.Required)
	assert.Equal(t, true, creds.Properties["token"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"group": ["acme"]}`),
		Credentials: json.RawMessage(`{"token": "glpat-secret-value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "glpat-secret-value")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"groups": ["acme/"], "base_url": "https://gitlab.example.com/api/v4", "per_page": 500}`),
		Credentials: json.RawMessage(`{"token": "glpat-secret-value", "token_type": "basic"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.groups", "settings.base_url", "settings.per_page", "credentials.token_type"} {
		assert.Contains(t, err.Error(), f)
	}

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"groups": ["Acme", "acme/backend"], "include_wiki": false}`),
		Credentials: json.RawMessage(`{"token": "glpat-secret-value"}`),
	})
	require.NoError(t, err)
	gc := c.(*Connector)
	assert.Equal(t, DefaultBaseURL, gc.settings.BaseURL)
	assert.Equal(t, []string{"acme"}, gc.groups, "a subgroup of a configured group is read through it")
	assert.True(t, gc.settings.IncludeNotes)
}
