package confluence

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
	assert.True(t, r.Capabilities.Checkpoint)
	assert.True(t, r.Capabilities.Slim)
	var schema map[string]any
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &schema))
	assert.Contains(t, string(r.CredentialsSchema()), "api_token")
	assert.Contains(t, string(r.SettingsSchema()), "base_url")

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://x.atlassian.net/wiki", "spaec": ["ENG"]}`),
		Credentials: json.RawMessage(`{"email": "a@b.c", "api_token": "t"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	problems := tributary.ConfigProblems(err)
	require.NotEmpty(t, problems)
	assert.Equal(t, "settings.spaec", problems[0].Field)

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://x.atlassian.net/wiki"}`),
		Credentials: json.RawMessage(`{"email": "a@b.c", "api_token": "t"}`),
	})
	require.NoError(t, err)
	conn := c.(*Connector)
	assert.True(t, conn.settings.IncludeComments, "comments are on by default")
	assert.Equal(t, DefaultPageSize, conn.settings.PageSize)
	assert.Equal(t, DeploymentCloud, conn.settings.Deployment)
}
