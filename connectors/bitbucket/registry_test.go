package bitbucket

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
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["app_password"]["x-secret"])
	assert.Equal(t, true, creds.Properties["access_token"]["x-secret"])
	assert.NotContains(t, creds.Properties["username"], "x-secret")
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"workspace": ["acme"]}`),
		Credentials: json.RawMessage(`{"username": "ana", "app_password": "ATBB-secret-value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "ATBB-secret-value")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"repositories": ["acme"], "api_url": "ftp://api", "pagelen": 100, "states": ["open"]}`),
		Credentials: json.RawMessage(`{"username": "ana", "app_password": "ATBB-secret-value", "access_token": "ATCTT-secret"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.repositories", "settings.api_url", "settings.pagelen", "settings.states", "credentials.access_token"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "ATBB-secret-value")
	assert.NotContains(t, err.Error(), "ATCTT-secret")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"workspaces": ["acme"]}`),
		Credentials: json.RawMessage(`{"username": "ana"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.Contains(t, err.Error(), "credentials.app_password")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"workspaces": ["Acme", "acme"], "repositories": ["Globex/API"]}`),
		Credentials: json.RawMessage(`{"access_token": "ATCTT-secret"}`),
	})
	require.NoError(t, err)
	bc := c.(*Connector)
	assert.Equal(t, DefaultAPIURL, bc.settings.APIURL)
	assert.Equal(t, []string{"acme"}, bc.workspaces)
	assert.Equal(t, []string{"globex/api"}, bc.repos)
	assert.ElementsMatch(t, AllStates, bc.settings.States)
	assert.True(t, bc.settings.IncludeComments)
}
