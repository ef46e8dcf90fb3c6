package gitlab_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/gitlab"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"groups":["acme/backend"],"include_issues":true,"state":"all","per_page":50}`), []byte(`{"token":"glpatSecret123456"}`))
	f.Add([]byte(`{"projects":["a/b"],"base_url":"http://10.0.0.1/api/v4"}`), []byte(`{"token":"","token_type":"pat"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, gitlab.Source, settings, credentials)
	})
}
