package outline

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
	assert.Equal(t, tributary.CategoryWiki, r.Category)
	for name, ok := range map[string]bool{"checkpoint": r.Capabilities.Checkpoint, "slim": r.Capabilities.Slim,
		"groups": r.Capabilities.Groups, "refetch": r.Capabilities.Refetch, "probe": r.Capabilities.Probe,
		"normalize_url": r.Capabilities.NormalizeURL} {
		assert.True(t, ok, name)
	}
	var creds struct {
		Properties map[string]map[string]any `json:"properties"`
		Required   []string                  `json:"required"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["api_key"]["x-secret"])
	assert.Equal(t, []string{"api_key"}, creds.Required)
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"page_sise": 10}`),
		Credentials: json.RawMessage(`{"api_key": "ol_api_secret_value_123"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "page_sise")
	assert.NotContains(t, err.Error(), "ol_api_secret_value_123")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{}`),
		Credentials: json.RawMessage(`{"api_key": "ol_api_secret_value_123"}`),
	})
	require.NoError(t, err)
	oc := c.(*Connector)
	assert.Equal(t, DefaultBaseURL, oc.settings.BaseURL)
	assert.Equal(t, 100, oc.settings.PageSize)
	assert.InDelta(t, 1.5, oc.settings.RequestsPerSecond, 0)
	assert.Equal(t, "https://app.getoutline.com/api", oc.client.api)
}

func TestSettingsNameEveryProblem(t *testing.T) {
	s := Settings{BaseURL: "https://wiki.example.com/api", Collections: []string{"not a collection"}, PageSize: 500, RequestsPerSecond: 100}
	err := s.Validate()
	for _, field := range []string{"base_url", "collections", "page_size", "requests_per_second"} {
		assert.Contains(t, err.Error(), field)
	}
	cr := Credentials{APIKey: tributary.NewSecret("ol_api with space")}
	assert.ErrorContains(t, cr.Validate(), "api_key")
	_, err = New(s, Credentials{}, tributary.Env{})
	assert.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.ErrorContains(t, err, "credentials.api_key")
}
