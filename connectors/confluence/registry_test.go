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
	var creds, settings struct {
		Required   []string                  `json:"required"`
		Properties map[string]map[string]any `json:"properties"`
	}
	require.NoError(t, json.Unmarshal(r.CredentialsSchema(), &creds))
	assert.Equal(t, true, creds.Properties["api_token"]["x-secret"])
	assert.Equal(t, true, creds.Properties["personal_access_token"]["x-secret"])
	assert.Nil(t, creds.Properties["email"]["x-secret"])
	require.NoError(t, json.Unmarshal(r.SettingsSchema(), &settings))
	assert.Equal(t, []string{"base_url"}, settings.Required)
	assert.Equal(t, []any{"", "cloud", "server"}, settings.Properties["deployment"]["enum"])

	_, err = tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"base_url": "https://x.atlassian.net/wiki", "spaec": ["ENG"]}`),
		Credentials: json.RawMessage(`{"email": "a@b.c", "api_token": "ATATT3xsecretvalue"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "ATATT3xsecretvalue")
	assert.Contains(t, err.Error(), `did you mean "spaces"`)
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
