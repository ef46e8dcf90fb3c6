package sharepoint_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/sharepoint"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"sites":["https://contoso.sharepoint.com/sites/eng"],"page_size":100}`),
		[]byte(`{"tenant_id":"contoso.onmicrosoft.com","client_id":"11111111-2222-3333-4444-555555555555","client_secret":"secretValue99"}`))
	f.Add([]byte(`{"include_files":false,"include_pages":false}`), []byte(`{"tenant_id":"x","client_id":"y","private_key":"-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----"}`))
	f.Add([]byte(`{"graph_url":"http://10.0.0.1:8080/v1.0"}`), []byte(`{"tenant_id":"a b","client_secret":"s"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, sharepoint.Source, settings, credentials)
	})
}
