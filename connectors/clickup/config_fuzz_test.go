package clickup_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/clickup"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"workspaces":["9015123"],"spaces":["90150001"],"max_comments":50}`), []byte(`{"api_token":"pk_81000_secretvalue"}`))
	f.Add([]byte(`{"workspaces":["acme","9015123","9015123"],"base_url":"ftp://x","requests_per_minute":0}`), []byte(`{"access_token":"Bearer secretvalue"}`))
	f.Add([]byte(`{"max_comments":-1,"requests_per_minute":100000,"include_closed":"yes"}`), []byte(`{"api_token":"secretvalue"}`))
	f.Add([]byte(`{}`), []byte(`{"api_token":"pk_1_secretvalue","access_token":"secretvalue"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"api_token":""}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, clickup.Source, settings, credentials)
	})
}
