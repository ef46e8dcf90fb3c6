package box

import (
	"encoding/json"
	"testing"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// TestOAuthConformance checks the declared consent: Box's authorize and
// token endpoints, the scopes, and credentials the source opens with.
func TestOAuthConformance(t *testing.T) {
	r, err := tributary.Lookup(Source)
	if err != nil {
		t.Fatal(err)
	}
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: r,
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}
