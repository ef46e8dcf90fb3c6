package discord

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
	assert.Equal(t, true, creds.Properties["bot_token"]["x-secret"])
}

func TestRegistryDecodesStrictly(t *testing.T) {
	_, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"guilds": ["1"]}`),
		Credentials: json.RawMessage(`{"bot_token": "MTE.secret.value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	assert.NotContains(t, err.Error(), "MTE.secret.value")

	_, err = tributary.New(Source, tributary.Params{
		Settings: json.RawMessage(`{"guild_ids": ["x1", "5", "5"], "channel_ids": ["012"], "page_size": 500,
			"base_url": "ftp://discord.com", "user_emails": {"abc": "nobody"}, "requests_per_second": 99}`),
		Credentials: json.RawMessage(`{"bot_token": "Bot MTE.secret.value"}`),
	})
	require.ErrorIs(t, err, tributary.ErrInvalidConfig)
	for _, f := range []string{"settings.guild_ids", "settings.channel_ids", "settings.page_size", "settings.base_url",
		"settings.user_emails", "settings.requests_per_second", "credentials.bot_token"} {
		assert.Contains(t, err.Error(), f)
	}
	assert.NotContains(t, err.Error(), "MTE.secret.value")

	c, err := tributary.New(Source, tributary.Params{
		Settings:    json.RawMessage(`{"guild_ids": ["20", "3"], "user_emails": {"7": "Ann@Example.com"}}`),
		Credentials: json.RawMessage(`{"bot_token": "MTE.secret.value"}`),
	})
	require.NoError(t, err)
	dc := c.(*Connector)
	assert.Equal(t, []string{"3", "20"}, dc.settings.GuildIDs, "ids in numeric order")
	assert.Equal(t, "ann@example.com", dc.settings.UserEmails["7"])
	assert.True(t, dc.settings.IncludeThreads)
	assert.Equal(t, DefaultBaseURL, dc.settings.BaseURL)
	assert.Equal(t, DefaultPageSize, dc.settings.PageSize)
}
