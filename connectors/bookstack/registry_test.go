package bookstack

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
		Required   []string                  `json:"required"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["token_secret"]["x-secret"])
	assert.ElementsMatch(t, []string{"token_id", "token_secret"}, creds.Required)
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://docs.example.com", "pagesize": 5}`),
		Credentials: json.RawMessage(`{"token_id": "abc", "token_secret": "s3cretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "s3cretvalue")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://docs.example.com/api/", "page_size": 501, "requests_per_minute": -1}`),
		Credentials: json.RawMessage(`{"token_id": "a:b", "token_secret": "s3cret value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.base_url", "settings.page_size", "settings.requests_per_minute",
		"credentials.token_id", "credentials.token_secret"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "s3cret value")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://docs.example.com/wiki/"}`),
		Credentials: json.RawMessage(`{"token_id": "abc", "token_secret": "s3cretvalue"}`),
	})
	require.NoError(t, err)
	bc := c.(*Connector)
	assert.Equal(t, DefaultPageSize, bc.settings.PageSize)
	assert.Equal(t, DefaultRequestsPerMinute, bc.settings.RequestsPerMinute)
	assert.Equal(t, "https://docs.example.com/wiki/link/7", bc.docID(7))
}
