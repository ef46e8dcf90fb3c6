package file_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/file"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"roots":[{"path":"/tmp","name":"t"}],"max_file_size":1000,"open_archives":true,"archive":{"max_entries":3,"max_ratio":10}}`), []byte(`{}`))
	f.Add([]byte(`{"roots":[{"path":"relative"}],"include":["*.md"],"exclude":["[" ]}`), []byte(`null`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, file.Source, settings, credentials)
	})
}
