package zulip_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/zulip"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"site":"https://acme.zulipchat.com","page_size":50}`), []byte(`{"email":"a@b.c","api_key":"zulipSecret123456"}`))
	f.Add([]byte(`{"site":"ftp://x/y","max_messages_per_topic":-1}`), []byte(`{"api_key":"zulipSecret123456"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, zulip.Source, settings, credentials)
	})
}
