package outline_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/outline"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"base_url":"https://wiki.example.com","collections":["4a5c1e2b-0000-4000-8000-00000000c011"],"page_size":50}`), []byte(`{"api_key":"ol_api_1234567890abcdef"}`))
	f.Add([]byte(`{"base_url":"http://10.1.2.3/api","page_size":0,"requests_per_second":-1}`), []byte(`{"api_key":"ol_api_zzzzzzzzzzzz"}`))
	f.Add([]byte(`{"collections":["Abc123XyZ0",""]}`), []byte(`{"api_key":" "}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, outline.Source, settings, credentials)
	})
}
