package salesforce

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
	for _, secret := range []string{"private_key", "refresh_token", "consumer_secret"} {
		assert.Equal(t, true, creds.Properties[secret]["x-secret"], secret)
	}
	assert.Nil(t, creds.Properties["consumer_key"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"object": ["Case"]}`),
		Credentials: json.RawMessage(`{"consumer_key": "3MVG9abc", "refresh_token": "5Aep861secret0value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "5Aep861secret0value")

	_, err = tributary.New(Source, tributary.Params{
		Settings: json.RawMessage(`{"objects": ["Case", "case"], "page_size": 50, "login_url": "ftp://login.salesforce.com",
			"api_version": "61", "fields": {"Lead": ["Status"]}, "requests_per_second": 500}`),
		Credentials: json.RawMessage(`{"consumer_key": "3MVG9abc", "refresh_token": "5Aep861 secret0value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.objects", "settings.page_size", "settings.login_url", "settings.api_version",
		"settings.fields", "settings.requests_per_second"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "secret0value")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"objects": ["Case", "Invoice__c"], "knowledge": true}`),
		Credentials: json.RawMessage(`{"consumer_key": "3MVG9abc", "refresh_token": "5Aep861secret0value"}`),
	})
	require.NoError(t, err)
	sc := c.(*Connector)
	assert.Equal(t, []string{ObjectCase, "Invoice__c", ObjectKnowledge}, sc.settings.objects())
	assert.Equal(t, DefaultLoginURL, sc.settings.LoginURL)
	assert.Equal(t, DefaultPageSize, sc.settings.PageSize)
	assert.Equal(t, DefaultLanguage, sc.settings.KnowledgeLanguage)
}
