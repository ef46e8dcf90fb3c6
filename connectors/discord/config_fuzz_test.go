package discord_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/discord"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"guild_ids":["123456789012345678"],"page_size":50,"user_emails":{"42":"a@example.com"}}`), []byte(`{"bot_token":"MTE.secret.value"}`))
	f.Add([]byte(`{"guild_ids":["abc","1","1"],"base_url":"ftp://x","page_size":500}`), []byte(`{"bot_token":"Bot MTE.secret.value"}`))
	f.Add([]byte(`{"user_emails":{"x":"not an address"},"requests_per_second":1000,"channel_ids":["007"]}`), []byte(`{}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"bot_token":""}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, discord.Source, settings, credentials)
	})
}
