package linear_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectors/linear"
	"github.com/tributary-dev/tributary/connectortest"
)

func TestOAuthConformance(t *testing.T) {
	r, err := tributary.Lookup(linear.Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth, "the registration declares the OAuth application flow")
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: r,
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}
