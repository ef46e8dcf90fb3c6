package httpx_test

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/tributary-dev/tributary/httpx"
)

// The codec of shared credentials swaps the token and keeps the rest.
func TestTopLevelTokens(t *testing.T) {
	raw := json.RawMessage(`{"client_id":"c","client_secret":"s","refresh_token":"1//old","token_uri":"https://t.test/token"}`)
	tok, err := httpx.TopLevelTokens.Token(raw)
	require.NoError(t, err)
	assert.Equal(t, "1//old", tok.RefreshToken)
	out, err := httpx.TopLevelTokens.Credentials(raw, &oauth2.Token{AccessToken: "ya29.new", RefreshToken: "1//new"})
	require.NoError(t, err)
	var got map[string]string
	require.NoError(t, json.Unmarshal(out, &got))
	assert.Equal(t, map[string]string{"client_id": "c", "client_secret": "s", "refresh_token": "1//new", "access_token": "ya29.new",
		"token_uri": "https://t.test/token"}, got)
	_, err = httpx.TopLevelTokens.Token(json.RawMessage(`{"access_token":"ya29.x"}`))
	assert.ErrorContains(t, err, "no refresh_token")
}
