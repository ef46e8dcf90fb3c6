package bookstack_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/bookstack"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"base_url":"https://docs.example.com","page_size":50}`), []byte(`{"token_id":"abc","token_secret":"secretvalue"}`))
	f.Add([]byte(`{"base_url":"ftp://x","page_size":501,"requests_per_minute":0}`), []byte(`{"token_id":"a:b","token_secret":"secret value"}`))
	f.Add([]byte(`{"base_url":"https://docs.example.com/api","nope":1}`), []byte(`{}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"token_id":"","token_secret":""}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, bookstack.Source, settings, credentials)
	})
}
