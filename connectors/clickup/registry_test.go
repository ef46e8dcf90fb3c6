package clickup

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
	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["api_token"]["x-secret"])
	assert.Equal(t, true, creds.Properties["access_token"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"workspace": ["9015123"]}`),
		Credentials: json.RawMessage(`{"api_token": "pk_81000_secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "pk_81000_secretvalue")

	_, err = tributary.New(Source, tributary.Params{
		Settings: json.RawMessage(`{"workspaces": ["acme", "1", "1"], "spaces": ["x"], "max_comments": 20000,
			"requests_per_minute": 100000, "base_url": "ftp://api.clickup.com"}`),
		Credentials: json.RawMessage(`{"api_token": "secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.workspaces", "settings.spaces", "settings.max_comments", "settings.requests_per_minute",
		"settings.base_url"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "secretvalue")

	_, err = tributary.New(Source, tributary.Params{Settings: json.RawMessage(`{}`),
		Credentials: json.RawMessage(`{"api_token": "pk_1_secretvalue", "access_token": "secretvalue"}`)})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "credentials.access_token")
	assert.NotContains(t, err.Error(), "secretvalue")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"workspaces": ["9015123"], "include_comments": false}`),
		Credentials: json.RawMessage(`{"api_token": "pk_81000_secretvalue"}`),
	})
	require.NoError(t, err)
	cc := c.(*Connector)
	assert.True(t, cc.settings.IncludeClosed && cc.settings.IncludeSubtasks)
	assert.False(t, cc.settings.IncludeComments)
	assert.Equal(t, DefaultBaseURL, cc.settings.BaseURL)
	assert.Equal(t, DefaultMaxComments, cc.settings.MaxComments)
	assert.Equal(t, DefaultRequestsPerMinute, cc.settings.RequestsPerMinute)
}
