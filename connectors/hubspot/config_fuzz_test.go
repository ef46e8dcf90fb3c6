package hubspot_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/hubspot"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"objects":["deals","contacts"],"page_size":50,"properties":{"deals":["hs_next_step"]}}`), []byte(`{"access_token":"pat-na1-secretvalue"}`))
	f.Add([]byte(`{"objects":["leads"],"base_url":"ftp://x","page_size":500}`), []byte(`{"access_token":"Bearer pat-na1-secretvalue"}`))
	f.Add([]byte(`{"properties":{"deals":["Bad Name"],"nope":["x"]},"requests_per_ten_seconds":1000}`), []byte(`{}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"access_token":""}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, hubspot.Source, settings, credentials)
	})
}
