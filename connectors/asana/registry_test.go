package asana

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
	caps := r.Capabilities
	assert.True(t, caps.Checkpoint && caps.Slim && caps.Groups && caps.Refetch && caps.Probe && caps.NormalizeURL)
	require.NotNil(t, r.OAuth)
	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["access_token"]["x-secret"])
	assert.Equal(t, true, creds.Properties["client_secret"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"workspace": ["1"]}`),
		Credentials: json.RawMessage(`{"access_token": "2/1/2:secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "secretvalue")

	_, err = tributary.New(Source, tributary.Params{
		Settings: json.RawMessage(`{"workspaces": ["12x"], "projects": ["../1"], "page_size": 500, "base_url": "ftp://app.asana.com",
			"requests_per_minute": 5000}`),
		Credentials: json.RawMessage(`{"access_token": "Bearer secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.workspaces", "settings.projects", "settings.page_size", "settings.base_url",
		"settings.requests_per_minute", "credentials.access_token"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "secretvalue")

	_, err = tributary.New(Source, tributary.Params{
		Credentials: json.RawMessage(`{"access_token": "a", "refresh_token": "secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "credentials.client_id")
	assert.NotContains(t, err.Error(), "secretvalue")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"projects": ["30", "4", "30"], "include_comments": false}`),
		Credentials: json.RawMessage(`{"access_token": "2/1/2:secretvalue"}`),
	})
	require.NoError(t, err)
	ac := c.(*Connector)
	assert.Equal(t, []string{"30", "4"}, ac.settings.Projects, "sorted, once each")
	assert.False(t, ac.settings.IncludeComments)
	assert.Equal(t, DefaultBaseURL, ac.settings.BaseURL)
	assert.Equal(t, DefaultPageSize, ac.settings.PageSize)
	assert.Equal(t, DefaultRequestsPerMinute, ac.settings.RequestsPerMinute)
}
