package github

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
		Settings:    json.RawMessage(`{"repositorys": ["a/b"]}`),
		Credentials: json.RawMessage(`{"token": "ghp_secret_value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), `did you mean "repositories"`)
	assert.NotContains(t, err.Error(), "ghp_secret_value")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"owner": "octo-org", "include_issues": false}`),
		Credentials: json.RawMessage(`{"token": "ghp_secret_value"}`),
	})
	require.NoError(t, err)
	gc := c.(*Connector)
	assert.Equal(t, DefaultBaseURL, gc.settings.BaseURL)
	assert.Equal(t, []string{kindPulls}, gc.kinds())
}
