package zendesk_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/zendesk"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"subdomain":"acme","locales":["en-us","de"],"page_size":50}`), []byte(`{"email":"a@b.c","api_token":"zdSecret123456"}`))
	f.Add([]byte(`{"base_url":"http://10.0.0.1/api/v2","include_tickets":false,"include_articles":false}`), []byte(`{"oauth_token":"x","api_token":"y"}`))
	f.Add([]byte(`{"subdomain":"https://acme.zendesk.com","locales":["EN-US","en-us"]}`), []byte(`{"api_token":"zdSecret123456"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, zendesk.Source, settings, credentials)
	})
}
