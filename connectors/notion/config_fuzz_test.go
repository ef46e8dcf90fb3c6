package notion_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/notion"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"include_databases":true,"max_depth":8,"page_size":50,"requests_per_second":2.5}`), []byte(`{"token":"ntn_1234567890abcdef"}`))
	f.Add([]byte(`{"base_url":"http://10.1.2.3/v1","page_size":0}`), []byte(`{"token":"secret_zzzzzzzzzzzz"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, notion.Source, settings, credentials)
	})
}
