package jira

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
	assert.Equal(t, true, creds.Properties["personal_access_token"]["x-secret"])
	assert.Nil(t, creds.Properties["email"]["x-secret"])

	var settings struct {
		Required []string `json:"required"`
	}
	require.NoError(t, json.Unmarshal(r.SettingsSchema(), &settings))
	assert.Equal(t, []string{"base_url"}, settings.Required)
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://x.atlassian.net", "project": ["ENG"]}`),
		Credentials: json.RawMessage(`{"email": "a@example.com", "api_token": "secret_value_123"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secret_value_123")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://x.atlassian.net/", "projects": ["eng", "ENG", "Ops"]}`),
		Credentials: json.RawMessage(`{"email": "a@example.com", "api_token": "secret_value_123"}`),
	})
	require.NoError(t, err)
	jc := c.(*Connector)
	assert.Equal(t, []string{"ENG", "OPS"}, jc.projects)
	assert.Equal(t, Cloud, jc.settings.Deployment)
	assert.True(t, jc.settings.IncludeComments)
	assert.Equal(t, 50, jc.settings.PageSize)
	assert.Equal(t, "https://x.atlassian.net/browse/ENG-1", jc.issueID("ENG-1"))
}
