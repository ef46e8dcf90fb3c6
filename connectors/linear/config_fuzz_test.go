package linear_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/linear"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"include_issues":true,"page_size":50}`), []byte(`{"api_key":"lin_api_Secret123456"}`))
	f.Add([]byte(`{"api_url":"ftp://10.0.0.1/graphql","page_size":500}`), []byte(`{"api_key":"k","access_token":"t"}`))
	f.Add([]byte(`{"include_issues":false,"include_projects":false,"include_documents":false}`), []byte(`{"api_key":"Bearer lin_api_x"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, linear.Source, settings, credentials)
	})
}
