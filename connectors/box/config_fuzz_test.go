package box_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/box"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"folder_ids":["0","123"],"page_size":500,"public_shared_links":true}`), []byte(`{"access_token":"devtoken-secretvalue"}`))
	f.Add([]byte(`{"folder_ids":["abc"],"api_url":"ftp://x","page_size":5000}`), []byte(`{"client_id":"c","client_secret":"secretvalue","box_subject_type":"group","box_subject_id":"x"}`))
	f.Add([]byte(`{"download_host":"evil.example/x","max_file_size":-1}`), []byte(`{"refresh_token":"secretvalue"}`))
	f.Add([]byte(`{"folder_ids":["1","1"]}`), []byte(`{"client_id":"c","client_secret":"secretvalue","box_subject_type":"enterprise","box_subject_id":"5001","refresh_token":"secretvalue"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{"access_token":""}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, box.Source, settings, credentials)
	})
}
