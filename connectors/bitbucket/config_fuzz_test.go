package bitbucket_test

import (
	"testing"

	"github.com/tributary-dev/tributary/connectors/bitbucket"
	"github.com/tributary-dev/tributary/connectortest"
)

// FuzzConfig opens the connector from arbitrary settings and credentials
// through the registry: it never panics, refuses bad input with
// tributary.ErrInvalidConfig naming a field, and never echoes a secret.
func FuzzConfig(f *testing.F) {
	f.Add([]byte(`{"workspaces":["acme"],"states":["OPEN"],"pagelen":20}`), []byte(`{"username":"ana","app_password":"ATBBsecret123456"}`))
	f.Add([]byte(`{"repositories":["acme/api","bad"],"api_url":"ftp://x"}`), []byte(`{"access_token":"ATCTTsecret","username":"ana"}`))
	f.Add([]byte(`{"workspaces":["{12345678-1234-1234-1234-123456789012}"],"member_emails":["a@b.c","\""]}`), []byte(`{"access_token":"tok en"}`))
	f.Add([]byte(`[]`), []byte(`"x"`))
	f.Add([]byte(`null`), []byte(`{}`))
	f.Fuzz(func(t *testing.T, settings, credentials []byte) {
		connectortest.CheckConfig(t, bitbucket.Source, settings, credentials)
	})
}
