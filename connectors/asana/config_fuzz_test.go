package asana_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/asana"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"workspaces":["1200000000000001"],"projects":["1203000000000001"],"page_size":50}`), []byte(`{"access_token":"2/1/2:secretvalue"}`))
	f.Add([]byte(`{"projects":["x"],"base_url":"ftp://x","page_size":500}`), []byte(`{"access_token":"Bearer secretvalue"}`))
	f.Add([]byte(`{"requests_per_minute":100000,"include_subtasks":true}`), []byte(`{"access_token":"a","refresh_token":"secretvalue"}`))
	f.Add([]byte(`{}`), []byte(`{"refresh_token":"secretvalue","client_id":"1","client_secret":"secretvalue","token_url":"::"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"access_token":""}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, asana.Source, settings, credentials)
	})
}
