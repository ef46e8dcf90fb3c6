package teams_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/teams"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"teams":["0b3c9f0e-4a2b-4c1d-9e8f-7a6b5c4d3e2f"],"page_size":20}`),
		[]byte(`{"tenant_id":"contoso.onmicrosoft.com","client_id":"app","client_secret":"secret~value.123"}`))
	f.Add([]byte(`{"teams":["General"],"page_size":51,"graph_url":"ftp://x"}`), []byte(`{"tenant_id":"t","client_id":"a","private_key":"-----BEGIN"}`))
	f.Add([]byte(`{"skip_private_channels":true,"login_url":"https://login.microsoftonline.us/x"}`), []byte(`{}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"client_secret":"secret~value.123","certificate":"x"}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, teams.Source, settings, credentials)
	})
}
