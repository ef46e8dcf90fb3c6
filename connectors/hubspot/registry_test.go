package hubspot

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
	assert.Equal(t, true, creds.Properties["access_token"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"object": ["deals"]}`),
		Credentials: json.RawMessage(`{"access_token": "pat-na1-secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "pat-na1-secretvalue")

	_, err = tributary.New(Source, tributary.Params{
		Settings: json.RawMessage(`{"objects": ["deals", "leads", "deals"], "page_size": 500, "base_url": "https://api.hubapi.com/crm",
			"properties": {"deals": ["Next Step"]}, "requests_per_ten_seconds": 500}`),
		Credentials: json.RawMessage(`{"access_token": "Bearer pat-na1-secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.objects", "settings.page_size", "settings.base_url", "settings.properties",
		"settings.requests_per_ten_seconds", "credentials.access_token"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "pat-na1-secretvalue")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"objects": ["tickets", "companies"], "include_emails": false}`),
		Credentials: json.RawMessage(`{"access_token": "pat-na1-secretvalue"}`),
	})
	require.NoError(t, err)
	hc := c.(*Connector)
	assert.Equal(t, []string{TypeCompanies, TypeTickets}, hc.settings.Objects, "types in the connector's order")
	assert.True(t, hc.settings.IncludeNotes)
	assert.False(t, hc.settings.IncludeEmails)
	assert.Equal(t, DefaultBaseURL, hc.settings.BaseURL)
	assert.Equal(t, DefaultPageSize, hc.settings.PageSize)
}
