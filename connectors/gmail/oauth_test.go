package gmail

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
	"github.com/tributary-dev/tributary/connectortest"
)

// The registration declares one user's consent to gmail.readonly with
// offline access on a forced consent screen, so Google grants a refresh
// token every time; the conformance kit runs the consent and opens a
// connector on the credentials it makes.
func TestOAuthConsent(t *testing.T) {
	r, err := tributary.Lookup(Source)
	require.NoError(t, err)
	require.NotNil(t, r.OAuth)
	assert.Equal(t, []string{ScopeGmailReadonly}, r.OAuth.Scopes)
	assert.Equal(t, map[string]string{"access_type": "offline", "prompt": "consent"}, r.OAuth.AuthParams)
	connectortest.TestOAuth(t, connectortest.OAuthHarness{
		Registration: r,
		Settings:     func(string) json.RawMessage { return json.RawMessage(`{}`) },
	})
}
