package mock_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/mock"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"documents":[{"id":"a","title":"A"}],"page_size":2,"accept_token":"tok-secret","fail_after_pages":1}`), []byte(`{"token":"tok-secret"}`))
	f.Add([]byte(`{"documents":[{"id":"a"},{"id":"a"}],"nodes":[{"id":"n","parent_id":"n"}]}`), []byte(`{"token":5}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, mock.Source, settings, credentials)
	})
}
