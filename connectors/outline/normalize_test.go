package outline

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/tributary-dev/tributary"
)

func TestNormalizeURL(t *testing.T) {
	c, err := New(Settings{BaseURL: "https://wiki.example.com/"}, Credentials{APIKey: tributary.NewSecret("ol_api_x")}, tributary.Env{})
	require.NoError(t, err)
	want := "https://wiki.example.com/doc/AbC123xYz0"
	for _, in := range []string{
		"https://wiki.example.com/doc/onboarding-guide-AbC123xYz0",
		"https://WIKI.example.com/doc/AbC123xYz0",
		"https://wiki.example.com/doc/onboarding-AbC123xYz0/edit",
		"https://wiki.example.com/doc/onboarding-AbC123xYz0/history/4b2e",
		"https://wiki.example.com/doc/onboarding-AbC123xYz0?ref=x#h-setup",
		" http://wiki.example.com/doc/AbC123xYz0 ",
	} {
		got, err := c.NormalizeURL(t.Context(), in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
	for in, kind := range map[string]error{
		"https://other.example.com/doc/AbC123xYz0":                 tributary.ErrForeignURL,
		"ftp://wiki.example.com/doc/AbC123xYz0":                    tributary.ErrForeignURL,
		"https://wiki.example.com/collection/eng-AbC123xYz0":       tributary.ErrNotSupported,
		"https://wiki.example.com/search?query=x":                  tributary.ErrNotSupported,
		"https://wiki.example.com/s/share-1234/doc/intro-AbC123xY": tributary.ErrNotSupported,
		"https://wiki.example.com/doc/bad-id!":                     tributary.ErrNotSupported,
	} {
		_, err := c.NormalizeURL(t.Context(), in)
		assert.ErrorIs(t, err, kind, in)
		assert.NotContains(t, err.Error(), "query=x")
	}
}
