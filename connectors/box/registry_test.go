package box

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
	for _, f := range []string{"access_token", "refresh_token", "client_secret"} {
		assert.Equal(t, true, creds.Properties[f]["x-secret"], f)
	}
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"folders": ["0"]}`),
		Credentials: json.RawMessage(`{"access_token": "dev-secretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "dev-secretvalue")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"folder_ids": ["x"], "page_size": 5000, "api_url": "ftp://box", "download_host": "a/b"}`),
		Credentials: json.RawMessage(`{"client_id": "c", "client_secret": "ccg-secretvalue", "box_subject_type": "group"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.folder_ids", "settings.page_size", "settings.api_url", "settings.download_host",
		"credentials.box_subject_type", "credentials.box_subject_id"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "ccg-secretvalue")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{}`),
		Credentials: json.RawMessage(`{"client_id": "c", "client_secret": "s", "box_subject_type": "enterprise", "box_subject_id": "5001"}`),
	})
	require.NoError(t, err)
	bc := c.(*Connector)
	assert.Equal(t, []string{"0"}, bc.settings.FolderIDs)
	assert.Equal(t, 1000, bc.settings.PageSize)
	assert.True(t, bc.settings.OpenArchives)
	assert.False(t, bc.settings.PublicSharedLinks)
}
