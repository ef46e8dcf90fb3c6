package slack_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/slack"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"workspace_url":"https://acme.slack.com","channels":["general","C0123"],"thread_lookback":"72h","page_size":200}`), []byte(`{"bot_token":"xoxbSecret1234"}`))
	f.Add([]byte(`{"history_requests_per_minute":-1,"base_url":"ftp://x"}`), []byte(`{"bot_token":"xoxp-1","signing_secret":"s3cr3t"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, slack.Source, settings, credentials)
	})
}
