package dropbox_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/dropbox"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"path":"/Projects","page_size":100}`), []byte(`{"access_token":"sl.token123abc"}`))
	f.Add([]byte(`{"path":"Projects/"}`), []byte(`{"refresh_token":"refresh99tok"}`))
	f.Add([]byte(`{"api_url":"ftp://x"}`), []byte(`{"refresh_token":"r1x","client_id":"key","client_secret":"secret42abc"}`))
	f.Add([]byte(`{"team_member":"ana@acme.test","team_admin":true,"open_archives":false}`), []byte(`{"access_token":"sl.team55token"}`))
	f.Add([]byte(`{"team_member":"bob","archive":{"max_entries":-1,"max_depth":3}}`), []byte(`{"access_token":"sl.x"}`))
	f.Add([]byte(`{"team_admin":true,"archive":{"max_ratio":"x"}}`), []byte(`{"access_token":"sl.y"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, dropbox.Source, settings, credentials)
	})
}
