package web_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/web"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"url":"https://example.com/docs/","mode":"recursive","max_depth":3,"include":["/docs/"],"timeout":"10s"}`), []byte(`{}`))
	f.Add([]byte(`{"url":"http://[::1]/","mode":"sitemap","requests_per_second":0.5,"concurrency":0}`), []byte(`null`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, web.Source, settings, credentials)
	})
}
